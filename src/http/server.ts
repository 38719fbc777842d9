// Assembles the one HTTP server from its pieces (GraphQL over HTTP and WebSocket, CORS, image files, health,
// error masking) and owns its listening socket and shutdown.
import http from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { QueryLimits } from '../config.js';
import type { Logger } from '../logger.js';
import { apolloHandler } from './apollo-handler.js';
import type { CorsOrigins } from '../config.js';
import { originPolicy, withCors } from './cors.js';
import { maskInternalErrors, maskWsResult } from './error-masking.js';
import { graphqlMetricsPlugin, type OperationRecorder } from './graphql-metrics.js';
import { healthRoute } from './health.js';
import { metricsRoute, type MetricsAccess, type MetricsSource } from './metrics-route.js';
import { readinessRoute, type ReadinessCheck } from './readiness.js';
import { refuseForeignHosts } from './host-check.js';
import { listen } from './listen.js';
import { imageRoute, type ImageLookup, type SignatureCheck } from './image-route.js';
import { operationGuards } from './operation-guards.js';
import { queryLimitsPlugin, queryTextRefusal } from './query-limits.js';
import { at, redirect, router } from './router.js';
import { graphqlWsSubscriptions } from './subscriptions.js';
import type { Viewer } from '../accounts/viewer.js';
import { httpViewer, requestViewer, type Authenticate } from './authentication.js';
import { rateLimitedError, rateLimitKey, withRateLimit } from './rate-limit.js';
import type { RateLimiter } from './rate-limiter.js';
import { wantsPage, type WebBuild } from './web-build.js';

export interface HttpServerOptions<TContext extends BaseContext> {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  schema: GraphQLSchema;
  /** The context of one operation, for the viewer its request or connection authenticated as. */
  context: (viewer: Viewer) => Promise<TContext>;
  /** Resolves a credential (Authorization header, graphql-ws `authorization` param) into its viewer. */
  authenticate: Authenticate;
  /** Whether requests need a key (ATELIER_AUTH=keys); without, every request is the admin `local`. */
  authRequired: boolean;
  images: ImageLookup;
  /** Depth, aliases, cost... of one operation, on both transports. */
  queryLimits: QueryLimits;
  /** Whether an image URL's `exp` and `sig` are a valid, unexpired signature of that picture and variant. */
  verifyImageSignature: SignatureCheck;
  /**
   * The request rate limit on /graphql over HTTP, and whom it counts: each account (auth on), or each client
   * address (auth off, where every request is the same account `local`; also requests without a valid key).
   */
  rateLimit: { limiter: RateLimiter; perAccount: boolean };
  logger: Logger;
  /** Origins whose pages may call the API besides the server's own (CORS and WebSocket upgrades). */
  corsOrigins: CorsOrigins;
  /** Answer only requests whose Host is a loopback name (421 otherwise; /health and /ready excepted): DNS rebinding. */
  refuseForeignHosts: boolean;
  /** What /ready checks (server.ts assembles them: the node takes work, database, models, Redis where configured). */
  readiness: readonly ReadinessCheck[];
  /** /metrics and the counting of GraphQL operations; absent (ATELIER_METRICS=off), neither. */
  metrics?: { source: MetricsSource & OperationRecorder; access: MetricsAccess };
  /** The built browser pages (web-build.ts): GraphiQL for a browser opening /graphql; null when not built. */
  web: WebBuild | null;
}

export interface RunningHttpServer {
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  port: number;
  close(): Promise<void>;
}

const GRAPHQL_PATH = '/graphql';

/**
 * One HTTP server for everything: GraphQL over HTTP and graphql-ws subscriptions on /graphql (GraphiQL for a
 * browser opening it), image files under /images/, the pages' assets under /assets/, /health (liveness) and
 * /ready (readiness) for load balancers, /metrics for Prometheus.
 */
export async function startHttpServer<TContext extends BaseContext>(options: HttpServerOptions<TContext>): Promise<RunningHttpServer> {
  const { logger } = options;
  const server = http.createServer();
  const mask = maskInternalErrors(logger);
  const origins = originPolicy(options.corsOrigins);
  const subscriptions = graphqlWsSubscriptions(server, {
    path: GRAPHQL_PATH,
    schema: options.schema,
    context: options.context,
    formatResult: maskWsResult(mask),
    origins,
    refuseForeignHosts: options.refuseForeignHosts,
    authenticate: options.authenticate,
    limits: options.queryLimits,
    ...(options.metrics ? { metrics: options.metrics.source } : {}),
    // Operations over a WebSocket count against the same limit as HTTP requests.
    countOperation: async (viewer, req) => {
      const state = await options.rateLimit.limiter.hit(rateLimitKey(options.rateLimit.perAccount ? viewer : null, req));
      return state.allowed ? undefined : rateLimitedError(state);
    },
  });

  const apollo = new ApolloServer<TContext>({
    schema: options.schema,
    includeStacktraceInErrorResponses: false,
    // main.ts owns shutdown (stop workers, close the database); Apollo must not race it on SIGTERM.
    stopOnTerminationSignals: false,
    formatError: mask,
    // Refuses GraphQL requests a page elsewhere could send without a preflight (on by default; kept explicit).
    csrfPrevention: true,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      // Apollo's own landing page loads Sandbox from its CDN, with telemetry: our GraphiQL is bundled instead.
      ApolloServerPluginLandingPageDisabled(),
      subscriptions,
      operationGuards(GRAPHQL_PATH),
      queryLimitsPlugin(options.queryLimits),
      ...(options.metrics ? [graphqlMetricsPlugin<TContext>(options.metrics.source)] : []),
    ],
  });
  await apollo.start();

  const images = imageRoute(options.images, { authRequired: options.authRequired, authenticate: options.authenticate, verifySignature: options.verifyImageSignature });
  const api = withCors(
    origins,
    withRateLimit(
      apolloHandler(
        apollo,
        async (req) => options.context(await httpViewer(req, options.authenticate)),
        (body, url) => queryTextRefusal(body, url, options.queryLimits),
      ),
      options.rateLimit.limiter,
      async (req) => rateLimitKey(options.rateLimit.perAccount ? await requestViewer(req, options.authenticate) : null, req),
    ),
  );
  // Each page is told whether the API wants a key (GraphiQL then offers the header, the app asks for it); the
  // key itself stays with the user.
  const withAuth = (html: string) => html.replace('name="atelier-auth" content="off"', `name="atelier-auth" content="${options.authRequired ? 'keys' : 'off'}"`);
  const graphiql = options.web?.page('graphiql.html', withAuth);
  const app = options.web?.page('index.html', withAuth);
  const routes = [
    at(GRAPHQL_PATH, (req, res, url) => (graphiql && wantsPage(req, url) ? graphiql(req, res) : api(req, res, url))),
    ...(options.web ? [options.web.assets] : []),
    { ...images, handle: withCors(origins, images.handle) },
    healthRoute(),
    readinessRoute(options.readiness, logger),
    ...(options.metrics ? [metricsRoute(options.metrics.source, options.metrics.access)] : []),
    // The web app; without a web build, / leads to the API.
    app ? at('/', (req, res) => app(req, res)) : redirect('/', GRAPHQL_PATH),
  ];
  const serve = router(routes, logger);
  server.on('request', options.refuseForeignHosts ? refuseForeignHosts(serve) : serve);

  const { url, port } = await listen(server, options.host, options.port);
  return {
    url,
    port,
    close: async () => {
      await apollo.stop(); // drains HTTP connections and the WebSocket server
    },
  };
}
