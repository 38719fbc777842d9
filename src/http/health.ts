// GET /health and /ready for load balancers and process supervisors: /health answers as long as the server
// accepts requests; /ready says whether this node takes work now (503 while it starts or drains).
import { sendJson } from './json.js';
import { at, type Route } from './router.js';

export function healthRoute(): Route {
  return at('/health', (_req, res) => sendJson(res, 200, { status: 'ok' }));
}

export function readyRoute(ready: () => boolean): Route {
  return at('/ready', (_req, res) => (ready() ? sendJson(res, 200, { status: 'ready' }) : sendJson(res, 503, { status: 'draining' })));
}
