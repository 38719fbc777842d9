// CORS: which web pages may read the API's answers. The server's own origin always may; other origins only
// when ATELIER_CORS_ORIGINS lists them (or is '*'). A preflight from any other origin is refused, so a page
// elsewhere cannot call the API through the operator's browser. Graphql-ws upgrades use the same list.
import type { IncomingMessage } from 'node:http';
import type { CorsOrigins } from '../config.js';
import type { RouteHandler } from './router.js';

/** Response headers a page on an allowed origin may read besides the safelisted ones (the rate limit's). */
const EXPOSED_HEADERS = 'x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, retry-after';

const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, authorization, apollo-require-preflight',
  'access-control-max-age': '86400',
};

export interface OriginPolicy {
  /** Whether a page on `origin` may use the API of the server that `host` (the Host header) names. */
  allows(origin: string, host: string | undefined): boolean;
  /** The CORS headers for a response to a page on `origin`; none for an origin that is not allowed. */
  headersFor(origin: string | undefined, host: string | undefined): Record<string, string>;
}

export function originPolicy(origins: CorsOrigins): OriginPolicy {
  const allows = (origin: string, host: string | undefined): boolean => origins === '*' || origins.includes(origin) || isOwnOrigin(origin, host);
  return {
    allows,
    headersFor: (origin, host): Record<string, string> => {
      const exposed = { 'access-control-expose-headers': EXPOSED_HEADERS };
      if (origins === '*') return origin === undefined ? {} : { 'access-control-allow-origin': '*', ...exposed };
      // The answer depends on the Origin header, whatever it is: caches must keep the answers apart.
      return origin !== undefined && allows(origin, host) ? { 'access-control-allow-origin': origin, vary: 'origin', ...exposed } : { vary: 'origin' };
    },
  };
}

/** A page served by this server itself: its origin names the host the request was sent to. */
function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}

/** The request's Origin header, when it sent one. */
export function requestOrigin(req: IncomingMessage): string | undefined {
  const origin = req.headers.origin;
  return typeof origin === 'string' && origin !== '' ? origin : undefined;
}

/**
 * Wraps a handler so its responses carry the CORS headers the request's origin is allowed, and answers
 * OPTIONS itself: 204 with what browsers may send for an allowed origin, 403 for any other. A request from a
 * foreign origin that needs no preflight is still answered, without CORS headers: the browser does not let the
 * page read it (and Apollo's CSRF prevention refuses such "simple" GraphQL requests).
 */
export function withCors(policy: OriginPolicy, handler: RouteHandler): RouteHandler {
  return async (req, res, url) => {
    const origin = requestOrigin(req);
    const cors = policy.headersFor(origin, req.headers.host);
    for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
    if (req.method === 'OPTIONS') {
      if (origin !== undefined && !policy.allows(origin, req.headers.host)) {
        res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end(`origin ${origin} is not allowed (see ATELIER_CORS_ORIGINS)\n`);
        return;
      }
      res.writeHead(204, { ...PREFLIGHT_HEADERS, allow: 'GET, POST, OPTIONS' });
      res.end();
      return;
    }
    await handler(req, res, url);
  };
}
