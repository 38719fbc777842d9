// The executable schema: every resolver class assembled once by type-graphql, and the SDL printed from it.
import 'reflect-metadata';
import { printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { AccountResolver } from './resolvers/account-resolver.js';
import { CatalogResolver } from './resolvers/catalog-resolver.js';
import { GenerationResolver } from './resolvers/generation-resolver.js';
import { LibraryCurationResolver } from './resolvers/library-curation-resolver.js';
import { ImageFieldsResolver, PromptFieldsResolver } from './resolvers/library-fields-resolver.js';
import { LibrarySearchResolver } from './resolvers/library-search-resolver.js';
import { ImportResolver } from './resolvers/import-resolver.js';
import { UploadResolver } from './resolvers/upload-resolver.js';
import { GENERATION_EVENT_TYPES } from './types/generation-events.js';

let built: GraphQLSchema | undefined;

/**
 * Subscriptions here stream from the EventBus through their own `subscribe` functions, never through
 * type-graphql's topic-based PubSub; type-graphql still insists on being given one.
 */
const unusedPubSub: PubSub = {
  publish: () => {
    throw new Error('use the EventBus, not the type-graphql PubSub');
  },
  subscribe: () => {
    throw new Error('use the EventBus, not the type-graphql PubSub');
  },
};

/** The executable schema, built once from the decorated classes. */
export async function buildAppSchema(): Promise<GraphQLSchema> {
  built ??= await buildSchema({
    resolvers: [
      GenerationResolver,
      CatalogResolver,
      UploadResolver,
      LibrarySearchResolver,
      LibraryCurationResolver,
      ImageFieldsResolver,
      PromptFieldsResolver,
      ImportResolver,
      AccountResolver,
    ],
    orphanedTypes: GENERATION_EVENT_TYPES,
    validate: false,
    pubSub: unusedPubSub,
    emitSchemaFile: false,
  });
  return built;
}

/** SDL as committed in schema.graphql. */
export async function printAppSchema(): Promise<string> {
  return `${printSchema(await buildAppSchema())}\n`;
}
