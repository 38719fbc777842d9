// GET /metrics: the Prometheus text exposition. A plain handler, so any node's HTTP server (the API's, a
// worker node's small one) can mount it. Who may scrape is ATELIER_METRICS (README): everyone, an admin key, or
// nobody (the route is then not mounted at all).
import { isAdmin } from '../accounts/viewer.js';
import type { Authenticate } from './authentication.js';
import { sendJson } from './json.js';
import { at, type Route, type RouteHandler } from './router.js';

export const METRICS_PATH = '/metrics';

/** What the route serves (src/metrics/atelier-metrics.ts `AtelierMetrics`). */
export interface MetricsSource {
  render(): Promise<{ contentType: string; body: string }>;
}

/** `open`: no key needed; `admin-key`: `Authorization: Bearer KEY` of an admin account. */
export type MetricsAccess = { kind: 'open' } | { kind: 'admin-key'; authenticate: Authenticate };

export function metricsHandler(source: MetricsSource, access: MetricsAccess): RouteHandler {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    if (access.kind === 'admin-key') {
      const viewer = await access.authenticate(req.headers.authorization);
      if (!viewer) return sendJson(res, 401, { error: 'send an admin API key: Authorization: Bearer KEY' });
      if (!isAdmin(viewer)) return sendJson(res, 403, { error: 'metrics need an admin API key' });
    }
    const { contentType, body } = await source.render();
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body);
  };
}

export function metricsRoute(source: MetricsSource, access: MetricsAccess): Route {
  return at(METRICS_PATH, metricsHandler(source, access));
}
