// Checks of a whole operation before it runs, over HTTP (an Apollo plugin) and graphql-ws alike: no NUL
// character in any text the client sent, and no subscription over HTTP (they are served over graphql-ws).
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, parse, type DocumentNode } from 'graphql';
import { findNulCharacter, nulCharacterError } from '../graphql/client-text.js';

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
      didResolveOperation: async ({ operation, document, request }) => {
        if (operation?.operation === 'subscription') throw subscriptionOverHttpError(graphqlPath);
        const field = findNulCharacter(document, request.variables);
        if (field !== null) throw withStatus(nulCharacterError(field), 400);
      },
    }),
  };
}

/**
 * The same text check for a graphql-ws subscribe message: the errors to answer it with, or undefined to let
 * graphql-ws go on (a document that does not parse is left to its own syntax error).
 */
export function wsOperationErrors(query: string, variables: unknown): readonly GraphQLError[] | undefined {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return undefined;
  }
  const field = findNulCharacter(document, variables);
  return field === null ? undefined : [nulCharacterError(field)];
}

function withStatus(error: GraphQLError, status: number): GraphQLError {
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status } } });
}
