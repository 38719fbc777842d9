// The request rate limit on /graphql over HTTP: every answer says where the caller stands (x-ratelimit-*),
// and a caller over the limit gets 429 with Retry-After and RATE_LIMITED before anything else runs.
import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Viewer } from '../accounts/viewer.js';
import { sendJson } from './json.js';
import type { RateLimiter, RateLimitState } from './rate-limiter.js';
import type { RouteHandler } from './router.js';

/**
 * Wraps a handler so each request counts against `keyOf(req)` (cors.ts lets allowed pages read the headers). `x-ratelimit-reset` is in seconds from now
 * (as Retry-After is), not a clock time, so clients need not trust the server's clock.
 */
export function withRateLimit(handler: RouteHandler, limiter: RateLimiter, keyOf: (req: IncomingMessage) => Promise<string>): RouteHandler {
  return async (req, res, url) => {
    const state = await limiter.hit(await keyOf(req));
    res.setHeader('x-ratelimit-limit', String(state.limit));
    res.setHeader('x-ratelimit-remaining', String(state.remaining));
    res.setHeader('x-ratelimit-reset', String(state.resetSeconds));
    if (!state.allowed) {
      res.setHeader('retry-after', String(state.resetSeconds));
      sendJson(res, 429, { errors: [rateLimitedError(state).toJSON()] });
      return;
    }
    await handler(req, res, url);
  };
}

/** RATE_LIMITED, with the seconds until the caller's window starts again. */
export function rateLimitedError(state: RateLimitState): GraphQLError {
  return new GraphQLError(`more than ${state.limit} requests in a minute; try again in ${state.resetSeconds} s`, {
    extensions: { code: 'RATE_LIMITED', retryAfter: state.resetSeconds, limit: state.limit, setting: 'ATELIER_RATE_LIMIT' },
  });
}

/**
 * Whom a request counts against: its account with auth on; its client address with auth off (every request
 * is then the account `local`, so only the address tells two callers apart) and for a request without a
 * valid key. Behind a reverse proxy with auth off, every caller shares the proxy's address.
 */
export function rateLimitKey(viewer: Viewer | null, req: IncomingMessage): string {
  return viewer ? `account:${viewer.accountId}` : `address:${req.socket.remoteAddress ?? 'unknown'}`;
}
