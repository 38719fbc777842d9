// A prompt of the library as the API shows it, and pages of prompts.
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType, EdgeType } from './connection.js';

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
export class PromptEdge extends EdgeType(LibraryPrompt) {
  @Field(() => Float, { nullable: true, description: 'Relevance (higher is better) when sorted by relevance; null otherwise.' })
  score!: number | null;
}

@ObjectType({ description: 'A page of prompts (Relay cursor connection).' })
export class PromptConnection extends ConnectionType(PromptEdge) {}
