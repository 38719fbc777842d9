// Authentication at the edge: every GraphQL request (HTTP or graphql-ws connection) and image request resolves
// its credential into a Viewer once, or is refused as UNAUTHENTICATED before any resolver runs.
import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { UNAUTHENTICATED_MESSAGE } from '../accounts/authenticator.js';
import type { Viewer } from '../accounts/viewer.js';

/** The viewer for a credential (an Authorization header value or connection param); null when it is no valid key. */
export type Authenticate = (authorization: unknown) => Promise<Viewer | null>;

/** graphql-ws close code for a connection without a valid key (4401 mirrors HTTP 401). */
export const WS_UNAUTHENTICATED = 4401;

/** One look-up per request: the rate limit asks who a request is before Apollo's context does. */
const requestViewers = new WeakMap<IncomingMessage, Promise<Viewer | null>>();

/** HTTP: the viewer of the request's Authorization header, or null for none that is valid. */
export function requestViewer(req: IncomingMessage, authenticate: Authenticate): Promise<Viewer | null> {
  let viewer = requestViewers.get(req);
  if (!viewer) {
    viewer = authenticate(req.headers.authorization);
    requestViewers.set(req, viewer);
  }
  return viewer;
}

/** HTTP: the request's viewer, or a GraphQL error that Apollo answers with status 401. */
export async function httpViewer(req: IncomingMessage, authenticate: Authenticate): Promise<Viewer> {
  const viewer = await requestViewer(req, authenticate);
  if (!viewer) throw new GraphQLError(UNAUTHENTICATED_MESSAGE, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  return viewer;
}

/** The close reason for graphql-ws (at most 123 bytes, as WebSocket allows). */
export const WS_UNAUTHENTICATED_REASON = 'Unauthenticated: send connection params { authorization: "Bearer KEY" }';
