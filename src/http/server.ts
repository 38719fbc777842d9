import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Logger } from '../logger.js';
import { apolloHandler } from './apollo-handler.js';
import { serveImage, type ImageLookup } from './image-route.js';

export interface HttpServerOptions<TContext extends BaseContext> {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  schema: GraphQLSchema;
  context: () => Promise<TContext>;
  images: ImageLookup;
  logger: Logger;
}

export interface RunningHttpServer {
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  port: number;
  close(): Promise<void>;
}

const GRAPHQL_PATH = '/graphql';
const CLIENT_ERROR_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'MODEL_NOT_FOUND', 'QUEUE_FULL', 'UNAUTHENTICATED', 'FORBIDDEN']);

/**
 * One HTTP server for everything: GraphQL over HTTP and graphql-ws subscriptions on /graphql, image files
 * under /images/, and /health for load balancers.
 */
export async function startHttpServer<TContext extends BaseContext>(options: HttpServerOptions<TContext>): Promise<RunningHttpServer> {
  const { logger } = options;
  const server = http.createServer();
  const wsServer = new WebSocketServer({ server, path: GRAPHQL_PATH });
  const wsCleanup = useServer({ schema: options.schema, context: () => options.context() }, wsServer);

  const apollo = new ApolloServer<TContext>({
    schema: options.schema,
    includeStacktraceInErrorResponses: false,
    // main.ts owns shutdown (stop workers, close the database); Apollo must not race it on SIGTERM.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => maskInternalError(formatted, error, logger),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      { serverWillStart: async () => ({ drainServer: async () => void (await wsCleanup.dispose()) }) },
    ],
  });
  await apollo.start();
  const graphql = apolloHandler(apollo, options.context);

  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const handle = async (): Promise<void> => {
      if (url.pathname === GRAPHQL_PATH) {
        res.setHeader('access-control-allow-origin', '*');
        if (req.method === 'OPTIONS') {
          res.writeHead(204, {
            'access-control-allow-methods': 'GET, POST, OPTIONS',
            'access-control-allow-headers': 'content-type, authorization, apollo-require-preflight',
            'access-control-max-age': '86400',
          });
          res.end();
          return;
        }
        await graphql(req, res);
      } else if (url.pathname.startsWith('/images/')) {
        await serveImage(req, res, decodeURIComponent(url.pathname.slice('/images/'.length)), options.images, url.searchParams.get('size'));
      } else if (url.pathname === '/health') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
      } else if (url.pathname === '/') {
        res.writeHead(302, { location: GRAPHQL_PATH }).end();
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
      }
    };
    handle().catch((error: unknown) => {
      logger.error({ err: error, path: url.pathname }, 'request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'internal error' }));
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: async () => {
      await apollo.stop(); // drains HTTP connections and the WebSocket server
    },
  };
}

/** Client errors pass through; anything else is logged and reported without internals. */
function maskInternalError(formatted: GraphQLFormattedError, error: unknown, logger: Logger): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && (CLIENT_ERROR_CODES.has(code) || code.startsWith('GRAPHQL_') || code === 'PERSISTED_QUERY_NOT_FOUND' || code === 'BAD_REQUEST' || code === 'OPERATION_RESOLUTION_FAILURE')) {
    return formatted;
  }
  logger.error({ err: unwrapResolverError(error) }, 'internal error in a GraphQL operation');
  return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
