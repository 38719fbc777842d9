// GET /health for load balancers and process supervisors: it answers as long as the server accepts requests
// (liveness). Readiness, /ready, is http/readiness.ts.
import { sendJson } from './json.js';
import { at, type Route } from './router.js';

export function healthRoute(): Route {
  return at('/health', (_req, res) => sendJson(res, 200, { status: 'ok' }));
}
