// The browser pages Vite built into dist/web (see web/): read once at startup, served from memory. Only the
// files the build wrote are served, by exact path, so no request path reaches the file system.
import fs from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { route, type Route } from './router.js';

/** Where the build puts its hashed assets; their names change with their contents, so they are cached for good. */
const ASSETS_PREFIX = '/assets/';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * What the pages may load: their own scripts, styles and fonts, their workers, and the API on the same origin.
 * Monaco (GraphiQL's editor) sets styles inline; previews and thumbnails are data: and blob: URLs.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

interface BuiltFile {
  body: Buffer;
  type: string;
  /** The gzip of a text file, made on its first request that accepts it. */
  gzipped?: Buffer;
}

export interface WebBuild {
  /** Serves /assets/* (404 for a path the build did not write). */
  assets: Route;
  /** Answers a browser's page request with the named HTML page (e.g. `graphiql.html`), `fill` applied to its text. */
  page(name: string, fill?: (html: string) => string): (req: IncomingMessage, res: ServerResponse) => void;
}

/** Reads a build folder; null when it is missing (the web build has not run: `npm run build:web`). */
export async function loadWebBuild(dir: string): Promise<WebBuild | null> {
  const files = new Map<string, BuiltFile>();
  try {
    for (const relative of await fs.readdir(dir, { recursive: true })) {
      const full = path.join(dir, relative);
      if (!(await fs.stat(full)).isFile()) continue;
      const type = CONTENT_TYPES[path.extname(relative)] ?? 'application/octet-stream';
      files.set(`/${relative.split(path.sep).join('/')}`, { body: await fs.readFile(full), type });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const assets = route(
    (pathname) => pathname.startsWith(ASSETS_PREFIX),
    (req, res, url) => {
      const file = files.get(url.pathname);
      if (!file) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      send(req, res, file, 'public, max-age=31536000, immutable');
    },
  );
  const page = (name: string, fill: (html: string) => string = (html) => html) => {
    const file = files.get(`/${name}`);
    // Filled once: what a page is given (auth on or off) does not change while the server runs.
    const filled = file && { body: Buffer.from(fill(file.body.toString('utf8'))), type: file.type };
    return (req: IncomingMessage, res: ServerResponse) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('a page is only read');
      if (!filled) return void res.writeHead(404, { 'content-type': 'text/plain' }).end(`${name} is not built: run npm run build:web`);
      send(req, res, filled, 'no-cache', { 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
    };
  };
  return { assets, page };
}

/** Whether a request to an API path is a browser opening it as a page (GET, wants HTML, no GraphQL query in the URL). */
export function wantsPage(req: IncomingMessage, url: URL): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && !url.searchParams.has('query') && (req.headers.accept ?? '').includes('text/html');
}

function send(req: IncomingMessage, res: ServerResponse, file: BuiltFile, cacheControl: string, extra: Record<string, string> = {}): void {
  const headers: Record<string, string> = { 'content-type': file.type, 'cache-control': cacheControl, 'x-content-type-options': 'nosniff', vary: 'accept-encoding', ...extra };
  let body = file.body;
  if (isText(file.type) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    file.gzipped ??= gzipSync(file.body);
    body = file.gzipped;
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(body.length);
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function isText(type: string): boolean {
  return type.startsWith('text/') || type === 'application/json' || type === 'image/svg+xml';
}
