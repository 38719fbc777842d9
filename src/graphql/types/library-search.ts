import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Image, PageInfo } from './generation.js';
import { SeedScalar } from './seed-scalar.js';

export enum SearchModeEnum {
  WORDS = 'WORDS',
  FUZZY = 'FUZZY',
  SEMANTIC = 'SEMANTIC',
  HYBRID = 'HYBRID',
}
registerEnumType(SearchModeEnum, {
  name: 'SearchMode',
  description:
    'WORDS: full text with stemming and web-search syntax ("a phrase", -exclude, or). FUZZY: each word matched typo-tolerantly (trigrams), the last one also as a prefix. SEMANTIC: by meaning (CLIP text embeddings, cosine similarity; the 200 nearest prompts). HYBRID (default): all of them, merged by reciprocal rank fusion. -exclusions apply in every mode.',
});

export enum LibrarySortEnum {
  RELEVANCE = 'RELEVANCE',
  NEWEST = 'NEWEST',
  MOST_USED = 'MOST_USED',
}
registerEnumType(LibrarySortEnum, {
  name: 'LibrarySort',
  description: 'RELEVANCE applies when there is a query; without one it is NEWEST. MOST_USED: by how many generations used the prompt.',
});

@InputType({ description: 'Filters on what was generated; every field is optional. A prompt passes when one of its images does.' })
export class LibraryFilterInput {
  @Field(() => String, { nullable: true, description: 'Only what was made with this model.' })
  model?: string | null;

  @Field(() => String, { nullable: true, description: 'Only what was made with this sampler.' })
  sampler?: string | null;

  @Field(() => Int, { nullable: true, description: 'Only images this many pixels wide.' })
  width?: number | null;

  @Field(() => Int, { nullable: true, description: 'Only images this many pixels high.' })
  height?: number | null;

  @Field(() => SeedScalar, { nullable: true, description: 'Only images made with this seed.' })
  seed?: bigint | null;

  @Field(() => Date, { nullable: true, description: 'Prompts first used, or images made, at or after this time.' })
  createdAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Prompts first used, or images made, before this time.' })
  createdBefore?: Date | null;

  @Field(() => [String], { nullable: true, description: 'Only images carrying every one of these tags (case-insensitive).' })
  tags?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Only favorite images.' })
  favoritesOnly?: boolean | null;

  @Field(() => ID, { nullable: true, description: 'Only images in this collection.' })
  collectionId?: string | null;
}

@InputType({
  description: 'What to look for in the library, for prompts and images alike; every field is optional (none lists everything, newest first).',
})
export class LibrarySearchInput extends LibraryFilterInput {
  @Field(() => String, { nullable: true, description: 'Free text, e.g. `cyberpunk "neon lights" -samurai`.' })
  query?: string | null;

  @Field(() => SearchModeEnum, { nullable: true, description: 'Default: HYBRID.' })
  mode?: SearchModeEnum | null;

  @Field(() => LibrarySortEnum, { nullable: true, description: 'Default: RELEVANCE.' })
  sort?: LibrarySortEnum | null;
}

@ObjectType({ description: 'A prompt text in the library, stored once however often it was used.' })
export class LibraryPrompt {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  text!: string;

  @Field(() => Int, { description: 'How many generations used it.' })
  useCount!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  lastUsedAt!: Date;
}

@ObjectType()
export class PromptEdge {
  @Field(() => LibraryPrompt)
  node!: LibraryPrompt;

  @Field(() => String)
  cursor!: string;

  @Field(() => Float, { nullable: true, description: 'Relevance (higher is better) when sorted by relevance; null otherwise.' })
  score!: number | null;
}

@ObjectType({ description: 'A page of prompts (Relay cursor connection).' })
export class PromptConnection {
  @Field(() => [PromptEdge])
  edges!: PromptEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

@ObjectType()
export class ImageEdge {
  @Field(() => Image)
  node!: Image;

  @Field(() => String)
  cursor!: string;

  @Field(() => Float, { nullable: true, description: "Relevance of the image's prompt when sorted by relevance; null otherwise." })
  score!: number | null;
}

@ObjectType({ description: 'A page of images (Relay cursor connection).' })
export class ImageConnection {
  @Field(() => [ImageEdge])
  edges!: ImageEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}
