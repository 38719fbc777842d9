// The image files: GET/HEAD /images/<id>[?size=thumb][&exp=..&sig=..], for their owner (key or signed URL) or anyone when public.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { sendJson } from './json.js';
import { route, type Route } from './router.js';
import { canRead } from '../accounts/viewer.js';
import { UNAUTHENTICATED_MESSAGE } from '../accounts/authenticator.js';
import type { Authenticate } from './authentication.js';
import type { PictureFile, PictureVariant } from '../library/index.js';

/** Looks an image up by its API id; null when there is no such image. */
export type ImageLookup = (id: string, variant: PictureVariant) => Promise<PictureFile | null>;

export type SignatureCheck = (id: string, variant: PictureVariant, exp: string | null, sig: string | null) => boolean;

export interface ImageAccess {
  /** False with auth off: every request is the admin `local`, and URLs are not signed. */
  authRequired: boolean;
  authenticate: Authenticate;
  verifySignature: SignatureCheck;
}

/** Who may have a picture's bytes, decided before any byte is sent. */
type Permit = { kind: 'open' } | { kind: 'signed'; exp: number } | { kind: 'viewer'; check: (image: PictureFile) => boolean } | { kind: 'public-only' };

const ONE_YEAR_SECONDS = 365 * 24 * 3600;
const PREFIX = '/images/';

export function imageRoute(lookup: ImageLookup, access: ImageAccess): Route {
  return route(
    (path) => path.startsWith(PREFIX),
    (req, res, url) => serveImage(req, res, url, lookup, access),
  );
}

/**
 * A signed URL (exp and sig) needs no key; otherwise the Authorization header's viewer must be allowed to read
 * the picture; without one, only public pictures are served. Whatever is refused before the look-up (no or bad
 * credentials) is a 401 whether or not the picture exists; a valid key that may not read it gets the same 404
 * as a missing id. Neither tells another account's picture from none.
 */
async function permit(req: IncomingMessage, url: URL, id: string, variant: PictureVariant, access: ImageAccess): Promise<Permit | 'refused'> {
  if (!access.authRequired) return { kind: 'open' };
  const exp = url.searchParams.get('exp');
  const sig = url.searchParams.get('sig');
  if (exp !== null || sig !== null) return access.verifySignature(id, variant, exp, sig) ? { kind: 'signed', exp: Number(exp) } : 'refused';
  if (req.headers.authorization === undefined) return { kind: 'public-only' };
  const viewer = await access.authenticate(req.headers.authorization);
  return viewer ? { kind: 'viewer', check: (image) => canRead(viewer, image) } : 'refused';
}

/**
 * GET/HEAD /images/<id>[?size=thumb]. Image bytes never change for an id (content-addressed), so responses carry the
 * sha256 as a strong ETag and may be cached forever.
 */
async function serveImage(req: IncomingMessage, res: ServerResponse, url: URL, lookup: ImageLookup, access: ImageAccess): Promise<void> {
  const id = url.pathname.slice(PREFIX.length);
  const size = url.searchParams.get('size');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  if (size !== null && size !== 'thumb' && size !== 'full') {
    sendJson(res, 400, { error: `size must be "thumb" or "full", got "${size}"` });
    return;
  }
  const variant = size === 'thumb' ? 'thumb' : 'full';
  const allowed = await permit(req, url, id, variant, access);
  if (allowed === 'refused') {
    sendJson(res, 401, { error: UNAUTHENTICATED_MESSAGE, code: 'UNAUTHENTICATED' });
    return;
  }
  const found = /^[A-Za-z0-9_-]{1,64}$/.test(id) ? await lookup(id, variant) : null;
  const image = found && allows(allowed, found) ? found : null;
  if (!image && allowed.kind === 'public-only') {
    sendJson(res, 401, { error: UNAUTHENTICATED_MESSAGE, code: 'UNAUTHENTICATED' });
    return;
  }
  if (!image) {
    sendJson(res, 404, { error: `image "${id}" not found` });
    return;
  }
  const etag = `"${image.sha256}"`;
  const headers = {
    etag,
    'cache-control': cacheControl(image, allowed),
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

function allows(permit: Permit, image: PictureFile): boolean {
  switch (permit.kind) {
    case 'open':
    case 'signed':
      return true;
    case 'viewer':
      return permit.check(image);
    case 'public-only':
      return image.isPublic;
  }
}

/**
 * Public pictures may be cached by anyone forever (ids are content-addressed). Private ones only by the browser:
 * a signed URL until it expires, a key-authenticated response revalidated by ETag each time.
 */
function cacheControl(image: PictureFile, allowed: Permit): string {
  // With auth off every picture is everyone's, as before accounts.
  if (image.isPublic || allowed.kind === 'open') return `public, max-age=${ONE_YEAR_SECONDS}, immutable`;
  if (allowed.kind === 'signed') return `private, max-age=${Math.max(0, Math.min(ONE_YEAR_SECONDS, allowed.exp - Math.floor(Date.now() / 1000)))}`;
  return 'private, no-cache';
}
