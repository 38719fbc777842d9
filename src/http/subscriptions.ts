// GraphQL subscriptions: graphql-ws on the HTTP server's GraphQL path, closed when Apollo drains the server.
import type { IncomingMessage, Server } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { ExecutionResult, FormattedExecutionResult, GraphQLError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { QueryLimits } from '../config.js';
import { limitedOnSubscribe } from './query-limits.js';
import type { Viewer } from '../accounts/viewer.js';
import { WS_UNAUTHENTICATED, WS_UNAUTHENTICATED_REASON, type Authenticate } from './authentication.js';

/** Starts accepting WebSocket subscriptions on `path` now; the returned plugin ends them on apollo.stop(). */
export function graphqlWsSubscriptions<TContext extends BaseContext>(
  server: Server,
  path: string,
  schema: GraphQLSchema,
  context: (viewer: Viewer) => Promise<TContext>,
  /** Masks internal errors in what is sent (Apollo's formatError covers HTTP only). */
  formatResult: (result: ExecutionResult) => FormattedExecutionResult,
  authenticate: Authenticate,
  /** The same limits as over HTTP, applied in onSubscribe before anything runs. */
  limits: QueryLimits,
  /** Counts one operation of the viewer's connection (the request rate limit); an error refuses it. */
  countOperation: (viewer: Viewer, request: IncomingMessage) => Promise<GraphQLError | undefined> = async () => undefined,
): ApolloServerPlugin<TContext> {
  const wsServer = new WebSocketServer({ server, path });
  const checkOperation = limitedOnSubscribe(schema, limits);
  // The key is checked once, at connection_init; every operation of the connection acts as that viewer.
  const viewers = new WeakMap<object, Viewer>();
  const wsCleanup = useServer(
    {
      schema,
      onConnect: async (ctx) => {
        const viewer = await authenticate(ctx.connectionParams?.authorization);
        if (!viewer) {
          ctx.extra.socket.close(WS_UNAUTHENTICATED, WS_UNAUTHENTICATED_REASON);
          return false;
        }
        viewers.set(ctx, viewer);
        return true;
      },
      context: (ctx) => {
        const viewer = viewers.get(ctx);
        if (!viewer) throw new Error('a graphql-ws operation before its connection was authenticated');
        return context(viewer);
      },
      onSubscribe: async (ctx, id, payload) => {
        const viewer = viewers.get(ctx);
        const refused = viewer && (await countOperation(viewer, ctx.extra.request));
        return refused ? [refused] : checkOperation(ctx, id, payload);
      },
      onNext: (_ctx, _id, _payload, _args, result) => formatResult(result),
    },
    wsServer,
  );
  return { serverWillStart: async () => ({ drainServer: async () => void (await wsCleanup.dispose()) }) };
}
