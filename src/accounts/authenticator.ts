/** Turns the credential a request carries into its Viewer: the key's account when auth is on, `local` when off. */
import { bearerKey, hashApiKey, looksLikeApiKey } from './api-keys.js';
import { LOCAL_VIEWER, type Viewer } from './viewer.js';

/** `keys`: every request needs an API key; `none`: every request acts as the built-in admin `local`. */
export type AuthMode = 'keys' | 'none';

/** Finds the account of an unrevoked key by the key's hash (the library's AccountStore implements it). */
export type KeyLookup = (hash: string) => Promise<Viewer | null>;

export class Authenticator {
  constructor(
    readonly mode: AuthMode,
    private readonly lookup: KeyLookup,
  ) {}

  get required(): boolean {
    return this.mode === 'keys';
  }

  /** The viewer for an Authorization value; null when auth is on and it names no valid, unrevoked key. */
  async authenticate(authorization: unknown): Promise<Viewer | null> {
    if (this.mode === 'none') return LOCAL_VIEWER;
    const key = bearerKey(authorization);
    if (key === undefined || !looksLikeApiKey(key)) return null;
    return this.lookup(hashApiKey(key));
  }
}

/** What a client is told when it has no valid key (HTTP 401, graphql-ws close reason, image route). */
export const UNAUTHENTICATED_MESSAGE = 'an API key is required: send "Authorization: Bearer KEY" (graphql-ws: connection params { authorization: "Bearer KEY" })';
