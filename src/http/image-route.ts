// The image files: GET/HEAD /images/<id>[?size=thumb], cached forever by ETag since ids are content-addressed
// (CORS headers come from the wrapper the server puts around this route).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sendJson } from './json.js';
import { route, type Route } from './router.js';

export interface ImageFile {
  sha256: string;
  size: number;
  contentType: string;
  open(): Readable;
}

/** `full`: the PNG as generated; `thumb`: a WebP of at most 256 px a side (`?size=thumb`). */
export type ImageVariant = 'full' | 'thumb';

/** Looks an image up by its API id; null when there is no such image. */
export type ImageLookup = (id: string, variant: ImageVariant) => Promise<ImageFile | null>;

const ONE_YEAR_SECONDS = 365 * 24 * 3600;
const PREFIX = '/images/';

export function imageRoute(lookup: ImageLookup): Route {
  return route(
    (path) => path.startsWith(PREFIX),
    (req, res, url) => serveImage(req, res, url.pathname.slice(PREFIX.length), lookup, url.searchParams.get('size')),
  );
}

/**
 * GET/HEAD /images/<id>[?size=thumb]. Image bytes never change for an id (content-addressed), so responses carry the
 * sha256 as a strong ETag and may be cached forever.
 */
async function serveImage(req: IncomingMessage, res: ServerResponse, id: string, lookup: ImageLookup, size: string | null = null): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  if (size !== null && size !== 'thumb' && size !== 'full') {
    sendJson(res, 400, { error: `size must be "thumb" or "full", got "${size}"` });
    return;
  }
  const image = /^[A-Za-z0-9_-]{1,64}$/.test(id) ? await lookup(id, size === 'thumb' ? 'thumb' : 'full') : null;
  if (!image) {
    sendJson(res, 404, { error: `image "${id}" not found` });
    return;
  }
  const etag = `"${image.sha256}"`;
  const headers = {
    etag,
    'cache-control': `public, max-age=${ONE_YEAR_SECONDS}, immutable`,
  };
  if (req.headers['if-none-match']?.split(',').some((tag) => tag.trim() === etag)) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-type': image.contentType, 'content-length': image.size });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(image.open(), res);
}
