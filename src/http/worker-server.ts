// The HTTP server of a worker node: no GraphQL and no images, only /health, /ready and /metrics, through the
// same router and handlers as the API server.
import http from 'node:http';
import type { Logger } from '../logger.js';
import { healthRoute } from './health.js';
import { listen } from './listen.js';
import { metricsRoute, type MetricsAccess, type MetricsSource } from './metrics-route.js';
import { readinessRoute, type ReadinessCheck } from './readiness.js';
import { router } from './router.js';
import type { RunningHttpServer } from './server.js';

export interface WorkerHttpOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** What /ready checks (the node takes jobs, the database, models, Redis where configured). */
  readiness: readonly ReadinessCheck[];
  /** /metrics; absent (ATELIER_METRICS=off), no route. */
  metrics?: { source: MetricsSource; access: MetricsAccess };
  logger: Logger;
}

export async function startWorkerHttpServer(options: WorkerHttpOptions): Promise<RunningHttpServer> {
  const routes = [
    healthRoute(),
    readinessRoute(options.readiness, options.logger),
    ...(options.metrics ? [metricsRoute(options.metrics.source, options.metrics.access)] : []),
  ];
  const server = http.createServer(router(routes, options.logger));
  const { url, port } = await listen(server, options.host, options.port);
  return {
    url,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
