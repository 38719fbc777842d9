// Dispatches each request to the first route that claims its path; what no route claims is a JSON 404, and a
// route that fails is logged and answered 500 so one bad request never takes the server down.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import { sendJson } from './json.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export interface Route {
  matches(pathname: string): boolean;
  handle: RouteHandler;
}

export function route(matches: (pathname: string) => boolean, handle: RouteHandler): Route {
  return { matches, handle };
}

/** A route for exactly one path. */
export function at(pathname: string, handle: RouteHandler): Route {
  return route((path) => path === pathname, handle);
}

/** `GET /` and friends: a plain 302 to where the API lives. */
export function redirect(from: string, to: string): Route {
  return at(from, (_req, res) => void res.writeHead(302, { location: to }).end());
}

export function router(routes: readonly Route[], logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = requestUrl(req);
    // A request target no URL parser accepts (`//`, `//[`) is the client's mistake, not a crash.
    if (!url) return void sendJson(res, 400, { error: 'malformed request target' });
    const handle = async (): Promise<void> => {
      const found = routes.find((candidate) => candidate.matches(url.pathname));
      if (found) await found.handle(req, res, url);
      else sendJson(res, 404, { error: 'not found' });
    };
    handle().catch((error: unknown) => {
      logger.error({ err: error, path: url.pathname }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  };
}

/** The request's URL, or null when its target cannot be parsed. */
function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}
