import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from './generation.js';

export enum SearchModeEnum {
  WORDS = 'WORDS',
  FUZZY = 'FUZZY',
  HYBRID = 'HYBRID',
}
registerEnumType(SearchModeEnum, {
  name: 'SearchMode',
  description:
    'WORDS: full text with stemming and web-search syntax ("a phrase", -exclude, or). FUZZY: each word matched typo-tolerantly (trigrams), the last one also as a prefix. HYBRID (default): both, merged by reciprocal rank fusion.',
});

export enum PromptSortEnum {
  RELEVANCE = 'RELEVANCE',
  NEWEST = 'NEWEST',
  MOST_USED = 'MOST_USED',
}
registerEnumType(PromptSortEnum, { name: 'PromptSort', description: 'RELEVANCE applies when there is a query; without one it is NEWEST.' });

@InputType({ description: 'What to look for in the prompt library; every field is optional (none lists everything, newest first).' })
export class PromptSearchInput {
  @Field(() => String, { nullable: true, description: 'Free text, e.g. `cyberpunk "neon lights" -samurai`.' })
  query?: string | null;

  @Field(() => SearchModeEnum, { nullable: true, description: 'Default: HYBRID.' })
  mode?: SearchModeEnum | null;

  @Field(() => PromptSortEnum, { nullable: true, description: 'Default: RELEVANCE.' })
  sort?: PromptSortEnum | null;

  @Field(() => String, { nullable: true, description: 'Only prompts used with this model.' })
  model?: string | null;

  @Field(() => String, { nullable: true, description: 'Only prompts used with this sampler.' })
  sampler?: string | null;

  @Field(() => Date, { nullable: true, description: 'Only prompts first used at or after this time.' })
  createdAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only prompts first used before this time.' })
  createdBefore?: Date | null;
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
