// GraphQL subscriptions: graphql-ws on the HTTP server's GraphQL path, closed when Apollo drains the server.
import type { Server } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { ExecutionResult, FormattedExecutionResult, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { QueryLimits } from '../config.js';
import { limitedOnSubscribe } from './query-limits.js';

/** Starts accepting WebSocket subscriptions on `path` now; the returned plugin ends them on apollo.stop(). */
export function graphqlWsSubscriptions<TContext extends BaseContext>(
  server: Server,
  path: string,
  schema: GraphQLSchema,
  context: () => Promise<TContext>,
  /** Masks internal errors in what is sent (Apollo's formatError covers HTTP only). */
  formatResult: (result: ExecutionResult) => FormattedExecutionResult,
  /** The same limits as over HTTP, applied in onSubscribe before anything runs. */
  limits: QueryLimits,
): ApolloServerPlugin<TContext> {
  const wsServer = new WebSocketServer({ server, path });
  const wsCleanup = useServer(
    {
      schema,
      context: () => context(),
      onSubscribe: limitedOnSubscribe(schema, limits),
      onNext: (_ctx, _id, _payload, _args, result) => formatResult(result),
    },
    wsServer,
  );
  return { serverWillStart: async () => ({ drainServer: async () => void (await wsCleanup.dispose()) }) };
}
