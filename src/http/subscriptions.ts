// GraphQL subscriptions: graphql-ws on the HTTP server's GraphQL path, closed when Apollo drains the server.
// The upgrade is checked first: the Origin of a browser page against the CORS origins, the Host against
// DNS rebinding where the server refuses foreign hosts.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { ExecutionResult, FormattedExecutionResult, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { requestOrigin, type OriginPolicy } from './cors.js';
import { FOREIGN_HOST_MESSAGE, isForeignHost } from './host-check.js';
import { wsOperationErrors } from './operation-guards.js';

export interface SubscriptionOptions<TContext> {
  path: string;
  schema: GraphQLSchema;
  context: () => Promise<TContext>;
  /** Masks internal errors in what is sent (Apollo's formatError covers HTTP only). */
  formatResult: (result: ExecutionResult) => FormattedExecutionResult;
  origins: OriginPolicy;
  refuseForeignHosts: boolean;
}

/** Starts accepting WebSocket subscriptions on `path` now; the returned plugin ends them on apollo.stop(). */
export function graphqlWsSubscriptions<TContext extends BaseContext>(server: Server, options: SubscriptionOptions<TContext>): ApolloServerPlugin<TContext> {
  const wsServer = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = upgradeRefusal(req, options);
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal.status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(refusal.body)}\r\nconnection: close\r\n\r\n${refusal.body}`);
      return;
    }
    wsServer.handleUpgrade(req, socket, head, (ws) => wsServer.emit('connection', ws, req));
  });
  const wsCleanup = useServer(
    {
      schema: options.schema,
      context: () => options.context(),
      onSubscribe: (_ctx, _id, payload) => wsOperationErrors(options.schema, payload.query, payload.variables),
      onNext: (_ctx, _id, _payload, _args, result) => options.formatResult(result),
    },
    wsServer,
  );
  return { serverWillStart: async () => ({ drainServer: async () => void (await wsCleanup.dispose()) }) };
}

/** Why an upgrade is refused (status line and text), or null to accept it. */
function upgradeRefusal(req: IncomingMessage, options: SubscriptionOptions<unknown>): { status: string; body: string } | null {
  const path = (req.url ?? '').split('?')[0];
  if (path !== options.path) return { status: '404 Not Found', body: `WebSocket subscriptions are served at ${options.path}\n` };
  if (options.refuseForeignHosts && isForeignHost(req)) return { status: '421 Misdirected Request', body: FOREIGN_HOST_MESSAGE };
  // Browsers always send Origin on a WebSocket upgrade; other clients (no Origin) are not pages and may connect.
  const origin = requestOrigin(req);
  if (origin !== undefined && !options.origins.allows(origin, req.headers.host)) {
    return { status: '403 Forbidden', body: `origin ${origin} is not allowed (see ATELIER_CORS_ORIGINS)\n` };
  }
  return null;
}
