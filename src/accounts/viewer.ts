/** Who a request acts as (the Viewer), and the one rule of who may see and change what. */

export const ROLES = ['ADMIN', 'USER'] as const;
export type Role = (typeof ROLES)[number];

/** The account a request acts as, resolved once per HTTP request or WebSocket connection. */
export interface Viewer {
  accountId: string;
  name: string;
  role: Role;
}

/** The built-in admin account the accounts migration made: owner of older work and of every request with auth off. */
export const LOCAL_ACCOUNT_ID = 'local';
export const LOCAL_VIEWER: Viewer = { accountId: LOCAL_ACCOUNT_ID, name: 'local', role: 'ADMIN' };

/** Account names (the CLI and createApiKey accept the same): 1-64 letters, digits, dots, dashes, underscores. */
export const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isAdmin(viewer: Viewer): boolean {
  return viewer.role === 'ADMIN';
}

/**
 * Changing something (cancel, delete, tag, favorite, collect, make public): its owner or an admin. Reading
 * also allows public work (canRead). Everything else is NOT_FOUND to the viewer, never FORBIDDEN, so that
 * another account's ids do not even tell that they exist.
 */
export function canChange(viewer: Viewer, ownerId: string): boolean {
  return isAdmin(viewer) || viewer.accountId === ownerId;
}

export function canRead(viewer: Viewer, owned: { ownerId: string; isPublic: boolean }): boolean {
  return owned.isPublic || canChange(viewer, owned.ownerId);
}

/**
 * Which work a search looks at. MINE: the viewer's own (an admin's "own" is every account's); PUBLIC: the
 * shared gallery (public generations of every account); ALL: both.
 */
export const SEARCH_SCOPES = ['MINE', 'PUBLIC', 'ALL'] as const;
export type SearchScope = (typeof SEARCH_SCOPES)[number];
