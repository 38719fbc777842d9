// GraphQL subscriptions: graphql-ws on the HTTP server's GraphQL path, closed when Apollo drains the server.
// The upgrade is checked first: the Origin of a browser page against the CORS origins, the Host against
// DNS rebinding where the server refuses foreign hosts.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { ExecutionResult, FormattedExecutionResult, GraphQLError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { QueryLimits } from '../config.js';
import type { Viewer } from '../accounts/viewer.js';
import { WS_UNAUTHENTICATED, WS_UNAUTHENTICATED_REASON, type Authenticate } from './authentication.js';
import { WsOperationMetrics, type OperationRecorder } from './graphql-metrics.js';
import { requestOrigin, type OriginPolicy } from './cors.js';
import { FOREIGN_HOST_MESSAGE, isForeignHost } from './host-check.js';
import { wsOperationErrors } from './operation-guards.js';
import { limitedOnSubscribe } from './query-limits.js';

export interface SubscriptionOptions<TContext> {
  path: string;
  schema: GraphQLSchema;
  /** The context of one operation, for the viewer the connection authenticated as. */
  context: (viewer: Viewer) => Promise<TContext>;
  /** Masks internal errors in what is sent (Apollo's formatError covers HTTP only). */
  formatResult: (result: ExecutionResult) => FormattedExecutionResult;
  origins: OriginPolicy;
  refuseForeignHosts: boolean;
  authenticate: Authenticate;
  /** The same limits as over HTTP, applied in onSubscribe before anything runs. */
  limits: QueryLimits;
  /** Counts one operation of the viewer's connection (the request rate limit); an error refuses it. */
  countOperation?: (viewer: Viewer, request: IncomingMessage) => Promise<GraphQLError | undefined>;
  /** Where each operation is reported for /metrics, as over HTTP; absent (ATELIER_METRICS=off), nowhere. */
  metrics?: OperationRecorder;
}

/** Largest graphql-ws message accepted, in bytes: a query is at most a few thousand tokens (ws allows 100 MiB). */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Starts accepting WebSocket subscriptions on `path` now; the returned plugin ends them on apollo.stop(). */
export function graphqlWsSubscriptions<TContext extends BaseContext>(server: Server, options: SubscriptionOptions<TContext>): ApolloServerPlugin<TContext> {
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = upgradeRefusal(req, options);
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal.status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(refusal.body)}\r\nconnection: close\r\n\r\n${refusal.body}`);
      return;
    }
    wsServer.handleUpgrade(req, socket, head, (ws) => wsServer.emit('connection', ws, req));
  });
  const limited = limitedOnSubscribe(options.schema, options.limits);
  // The key is checked at connection_init and again at each operation (a key revoked meanwhile closes the
  // connection, as a missing one does at connect); every operation acts as the viewer found then.
  const viewers = new WeakMap<object, Viewer>();
  const metrics = options.metrics && new WsOperationMetrics(options.metrics);
  const wsCleanup = useServer(
    {
      schema: options.schema,
      onConnect: async (ctx) => {
        const viewer = await options.authenticate(ctx.connectionParams?.authorization);
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
        return options.context(viewer);
      },
      // The request rate limit first, then the query limits (the query's length is checked before it is parsed),
      // then the client-text guards.
      onSubscribe: async (ctx, id, payload) => {
        const viewer = await options.authenticate(ctx.connectionParams?.authorization);
        if (!viewer) {
          ctx.extra.socket.close(WS_UNAUTHENTICATED, WS_UNAUTHENTICATED_REASON);
          return [];
        }
        viewers.set(ctx, viewer);
        const refused = options.countOperation && (await options.countOperation(viewer, ctx.extra.request));
        if (refused) return [refused]; // like an HTTP request the rate limit refuses, it never became an operation: not in the metrics
        metrics?.started(ctx, id, payload.operationName);
        const checked = limited(ctx, id, payload, (document) => metrics?.resolved(ctx, id, document));
        if (!('document' in checked)) return checked; // the errors that refused it
        return wsOperationErrors(options.schema, checked.document, payload.variables) ?? checked;
      },
      onOperation: (ctx, id) => metrics?.ran(ctx, id),
      onNext: (ctx, id, _payload, _args, result) => {
        const formatted = options.formatResult(result);
        metrics?.sent(ctx, id, formatted.errors);
        return formatted;
      },
      onError: (ctx, id, _payload, errors) => metrics?.failed(ctx, id, errors),
      onComplete: (ctx, id) => metrics?.completed(ctx, id),
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
