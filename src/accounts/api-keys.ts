/** API keys: how one is made, shown, carried (Authorization: Bearer) and stored (only its SHA-256). */
import { createHash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'atelier_';
/** 32 random bytes: guessing one is hopeless, so a plain hash (no salt, no slow KDF) is enough to store it. */
const KEY_BYTES = 32;
/** Characters of the key kept in the clear to tell keys apart in a list: "atelier_" and 6 of the secret. */
const SHOWN_PREFIX_LENGTH = KEY_PREFIX.length + 6;

export interface NewApiKey {
  /** The key itself: shown once, never stored. */
  key: string;
  hash: string;
  prefix: string;
}

export function newApiKey(): NewApiKey {
  const key = `${KEY_PREFIX}${randomBytes(KEY_BYTES).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, SHOWN_PREFIX_LENGTH) };
}

/**
 * The stored form. Keys are looked up by this hash through a unique index; comparing hashes of a secret
 * leaks nothing useful through timing, since an attacker cannot steer the hash of what they send.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Whether a string has the shape of one of our keys (anything else is refused without a database look-up). */
export function looksLikeApiKey(key: string): boolean {
  return key.startsWith(KEY_PREFIX) && /^[A-Za-z0-9_-]{40,100}$/.test(key);
}

/**
 * The key in an `Authorization: Bearer KEY` header (HTTP) or `{ authorization: "Bearer KEY" }` connection
 * param (graphql-ws); undefined when absent or not a bearer credential.
 */
export function bearerKey(authorization: unknown): string | undefined {
  if (typeof authorization !== 'string') return undefined;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}
