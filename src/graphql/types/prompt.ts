// A prompt of the library as the API shows it, and pages of prompts.
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType, ScoredEdgeType } from './connection.js';

@ObjectType({ description: 'A prompt text in the library, stored once however often it was used.' })
export class LibraryPrompt {
  @Field(() => ID, { description: 'What similarPrompts takes as promptId.' }) id!: string;
  @Field(() => String) text!: string;
  @Field(() => Int, {
    description:
      "How many of your generations used it, in every scope (MINE, PUBLIC, ALL) and every field: another account's use of the same text is never counted. 0 for a gallery prompt you never used. An admin: every account's generations.",
  })
  useCount!: number;

  @Field(() => Date, { description: "When it came into your library (your first use, or its import as a preset); for a gallery prompt you never used, its first public generation. An admin: anyone's first use." }) createdAt!: Date;
  @Field(() => Date, { description: "Your last use of it (as useCount says); for a gallery prompt you never used, its last public generation. An admin: anyone's last use." }) lastUsedAt!: Date;
}

@ObjectType()
export class PromptEdge extends ScoredEdgeType(LibraryPrompt, 'Relevance (higher is better) when sorted by relevance; null otherwise.') {}

@ObjectType({ description: 'A page of prompts (Relay cursor connection).' })
export class PromptConnection extends ConnectionType(PromptEdge) {}
