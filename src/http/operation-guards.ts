// Checks of a whole operation before it runs, over HTTP (an Apollo plugin) and graphql-ws alike: no NUL
// character or lone surrogate in any text the client sent, no overlong id, and no subscription over HTTP
// (subscriptions are served over graphql-ws).
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { findUnstorableText, findOverlongId, unstorableTextError, overlongIdError } from '../graphql/client-text.js';

/** The first client-text rule the operation breaks, as its error; null when it breaks none. */
function textError(schema: GraphQLSchema, document: DocumentNode, variables: unknown): GraphQLError | null {
  const unstorable = findUnstorableText(document, variables);
  if (unstorable !== null) return unstorableTextError(unstorable);
  const overlong = findOverlongId(schema, document, variables);
  return overlong === null ? null : overlongIdError(overlong);
}

/** The refusal of a subscription sent as a plain HTTP request: it names the transport to use. */
export function subscriptionOverHttpError(path: string): GraphQLError {
  return new GraphQLError(`subscriptions are served over WebSocket (the graphql-ws protocol) at ${path}, not over HTTP`, {
    extensions: { code: 'BAD_REQUEST', reason: 'USE_GRAPHQL_WS', http: { status: 400 } },
  });
}

/** The Apollo plugin: refuses such operations with a client error (400) before any resolver runs. */
export function operationGuards<TContext extends BaseContext>(graphqlPath: string): ApolloServerPlugin<TContext> {
  return {
    requestDidStart: async () => ({
      didResolveOperation: async ({ operation, document, request, schema }) => {
        if (operation?.operation === 'subscription') throw subscriptionOverHttpError(graphqlPath);
        const error = textError(schema, document, request.variables);
        if (error) throw withStatus(error, 400);
      },
    }),
  };
}

/**
 * The same checks for a graphql-ws operation, on the document onSubscribe has parsed and validated: the errors
 * to answer it with, or undefined to let graphql-ws go on.
 */
export function wsOperationErrors(schema: GraphQLSchema, document: DocumentNode, variables: unknown): readonly GraphQLError[] | undefined {
  const error = textError(schema, document, variables);
  return error ? [error] : undefined;
}

function withStatus(error: GraphQLError, status: number): GraphQLError {
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status } } });
}
