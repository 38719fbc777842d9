// CORS: the API and the image files are public to pages on any origin (a web client may be served from
// elsewhere), so /graphql responses and image files allow any origin, and preflights are answered without
// reaching GraphQL.
import type { RouteHandler } from './router.js';

/** The response header that lets any origin read a response. */
export const ANY_ORIGIN = { 'access-control-allow-origin': '*' } as const;

const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, authorization, apollo-require-preflight',
  'access-control-max-age': '86400',
};

/** Wraps a handler so its responses carry ANY_ORIGIN and an OPTIONS preflight is answered 204. */
export function withCors(handler: RouteHandler): RouteHandler {
  return async (req, res, url) => {
    for (const [name, value] of Object.entries(ANY_ORIGIN)) res.setHeader(name, value);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, PREFLIGHT_HEADERS);
      res.end();
      return;
    }
    await handler(req, res, url);
  };
}
