// What a library search asks for: the filters, the free-text query, the search mode and the order, and the
// arguments of the search and likeness queries.
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { PageArgs } from './connection.js';
import { enumOf, type EnumValue } from './enums.js';
import { SeedScalar } from './seed-scalar.js';
import { SearchScopeEnum, type SearchScope } from './accounts.js';

export const SearchModeEnum = enumOf(
  'SearchMode',
  ['WORDS', 'FUZZY', 'SEMANTIC', 'HYBRID'],
  'WORDS: full text with stemming and web-search syntax ("a phrase", -exclude, or). FUZZY: each word matched typo-tolerantly (trigrams), the last one also as a prefix. SEMANTIC: by meaning (CLIP text embeddings, cosine similarity; the 200 nearest prompts). HYBRID (default): all of them, merged by reciprocal rank fusion. -exclusions apply in every mode.',
);
export type SearchModeEnum = EnumValue<typeof SearchModeEnum>;

const LibrarySortEnum = enumOf(
  'LibrarySort',
  ['RELEVANCE', 'NEWEST', 'MOST_USED'],
  'RELEVANCE applies when there is a query; without one it is NEWEST. MOST_USED: by the prompt\'s useCount as you are shown it (your own uses; an admin: everyone\'s).',
);
type LibrarySortEnum = EnumValue<typeof LibrarySortEnum>;

@InputType({ description: 'Filters on what was generated; every field is optional. A prompt passes when one of its images does.' })
export class LibraryFilterInput {
  @Field(() => SearchScopeEnum, { nullable: true, description: 'Whose work to look at: MINE (default), PUBLIC (the shared gallery) or ALL (both).' }) scope?: SearchScope | null;
  @Field(() => String, { nullable: true, description: 'Only what was made with this model.' }) model?: string | null;
  @Field(() => String, { nullable: true, description: 'Only what was made with this sampler.' }) sampler?: string | null;
  @Field(() => String, { nullable: true, description: 'Only what was made with this LoRA (its name, at any weight).' }) lora?: string | null;
  @Field(() => Int, { nullable: true, description: 'Only images this many pixels wide.' }) width?: number | null;
  @Field(() => Int, { nullable: true, description: 'Only images this many pixels high.' }) height?: number | null;
  @Field(() => SeedScalar, { nullable: true, description: 'Only images made with this seed.' }) seed?: bigint | null;
  @Field(() => Date, { nullable: true, description: 'Prompts first used (their createdAt as you are shown it), or images made, at or after this time.' }) createdAfter?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Prompts first used (their createdAt as you are shown it), or images made, before this time.' }) createdBefore?: Date | null;
  @Field(() => [String], { nullable: true, description: 'Only images carrying every one of these tags (case-insensitive).' }) tags?: string[] | null;
  @Field(() => Boolean, { nullable: true, description: 'Only favorite images.' }) favoritesOnly?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: "true: only images the safety checker flagged; false: only those it did not (a gallery that hides them). Default: both." }) nsfw?: boolean | null;
  @Field(() => ID, { nullable: true, description: 'Only images in this collection.' }) collectionId?: string | null;
}

@InputType({
  description: 'What to look for in the library, for prompts and images alike; every field is optional (none lists everything, newest first).',
})
export class LibrarySearchInput extends LibraryFilterInput {
  @Field(() => String, { nullable: true, description: 'Free text, e.g. `cyberpunk "neon lights" -samurai`.' }) query?: string | null;
  @Field(() => SearchModeEnum, { nullable: true, description: 'Default: HYBRID.' }) mode?: SearchModeEnum | null;
  @Field(() => LibrarySortEnum, { nullable: true, description: 'Default: RELEVANCE.' }) sort?: LibrarySortEnum | null;
}

/** searchPrompts' and searchImages' arguments: a page of what the search finds. */
@ArgsType()
export class SearchArgs extends PageArgs {
  @Field(() => LibrarySearchInput, { nullable: true }) input?: LibrarySearchInput | null;
}

/** similarPrompts' and similarImages' arguments beside the stored item: a page of the likest, and the filters. */
@ArgsType()
export class SimilarArgs extends PageArgs {
  @Field(() => LibraryFilterInput, { nullable: true }) filter?: LibraryFilterInput | null;
}
