// DNS rebinding: a web page can make its own host name resolve to 127.0.0.1 and then talk to a server on the
// operator's loopback as if it were its own origin. Such requests still carry the page's host name in Host,
// so a server on loopback (without authentication) answers only requests addressed to a loopback name.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopbackHostHeader } from '../loopback.js';

/**
 * Whether to refuse this request as a possible DNS rebinding. A request without Host (HTTP/1.0 tools) is not
 * one: browsers always send it.
 */
export function isForeignHost(req: IncomingMessage): boolean {
  const host = req.headers.host;
  return host !== undefined && !isLoopbackHostHeader(host);
}

export const FOREIGN_HOST_MESSAGE =
  'this server listens on loopback without authentication and answers only requests addressed to localhost, 127.0.0.1 or [::1] (a page elsewhere may be using DNS rebinding)\n';

const PROBE_PATHS = ['/health', '/ready'];

/** Wraps the request listener so that requests addressed to a foreign host get 421, except /health and /ready (probes). */
export function refuseForeignHosts(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const isProbe = PROBE_PATHS.some((path) => req.url === path || req.url?.startsWith(`${path}?`) === true);
    if (!isProbe && isForeignHost(req)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end(FOREIGN_HOST_MESSAGE);
      return;
    }
    listener(req, res);
  };
}
