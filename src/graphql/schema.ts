import 'reflect-metadata';
import { printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { CatalogResolver } from './resolvers/catalog-resolver.js';
import { GenerationResolver } from './resolvers/generation-resolver.js';
import { GENERATION_EVENT_TYPES } from './types/generation-events.js';

let built: GraphQLSchema | undefined;

/** The executable schema, built once from the decorated classes. */
export async function buildAppSchema(): Promise<GraphQLSchema> {
  built ??= await buildSchema({
    resolvers: [GenerationResolver, CatalogResolver],
    orphanedTypes: GENERATION_EVENT_TYPES,
    validate: false,
    emitSchemaFile: false,
  });
  return built;
}

/** SDL as committed in schema.graphql. */
export async function printAppSchema(): Promise<string> {
  return `${printSchema(await buildAppSchema())}\n`;
}
