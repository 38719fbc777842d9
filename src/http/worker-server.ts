// The HTTP server of a worker node: no GraphQL and no images, only /health and /ready plus the routes a caller
// adds (metrics, say), through the same router as the API server.
import http from 'node:http';
import type { Logger } from '../logger.js';
import { healthRoute, readyRoute } from './health.js';
import { listen } from './listen.js';
import { router, type Route } from './router.js';
import type { RunningHttpServer } from './server.js';

export interface WorkerHttpOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Whether the node takes jobs now (false while it drains). */
  ready: () => boolean;
  /** More routes, tried after /health and /ready. */
  routes?: readonly Route[];
  logger: Logger;
}

export async function startWorkerHttpServer(options: WorkerHttpOptions): Promise<RunningHttpServer> {
  const server = http.createServer(router([healthRoute(), readyRoute(options.ready), ...(options.routes ?? [])], options.logger));
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
