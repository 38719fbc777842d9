// GET /health for load balancers and process supervisors: answers as long as the server accepts requests.
import { sendJson } from './json.js';
import { at, type Route } from './router.js';

export function healthRoute(): Route {
  return at('/health', (_req, res) => sendJson(res, 200, { status: 'ok' }));
}
