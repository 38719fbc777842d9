/**
 * How GraphiQL talks to the server: queries and mutations over HTTP POST, subscriptions over graphql-ws on the
 * same path. The API key typed into the headers editor (`Authorization: Bearer ...`) goes with both: as a header
 * over HTTP, as the `authorization` connection parameter over the WebSocket (one socket per key).
 */
import { getOperationAST, Kind, OperationTypeNode, parse, type DocumentNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import type { GraphiQLProps } from 'graphiql';

type Fetcher = GraphiQLProps['fetcher'];

export function atelierFetcher(endpoint: URL): Fetcher {
  const sockets = new Map<string, Client>();
  const socketFor = (authorization: string): Client => {
    let client = sockets.get(authorization);
    if (!client) {
      const url = new URL(endpoint);
      url.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';
      client = createClient({ url: url.href, lazy: true, connectionParams: authorization ? { authorization } : {} });
      sockets.set(authorization, client);
    }
    return client;
  };
  return (params, options) => {
    const headers: Record<string, string> = { ...(options?.headers as Record<string, string> | undefined) };
    const authorization = headerValue(headers, 'authorization');
    const { operationName, subscription } = chosenOperation(params.query, params.operationName);
    const request = { query: params.query, variables: params.variables ?? undefined, operationName };
    if (subscription) {
      // Results as they arrive over the wire: formatted errors (plain JSON), which is what GraphiQL shows.
      return socketFor(authorization).iterate(request) as unknown as ReturnType<Fetcher>;
    }
    return fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
      body: JSON.stringify(request),
    }).then((response) => response.json());
  };
}

function headerValue(headers: Record<string, string>, name: string): string {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? '' : String(headers[key]);
}

/**
 * The operation to run and whether it is a subscription. GraphiQL names the operation under the cursor, and
 * just after a tab switch it can still name one of the previous tab's: a name the document does not define
 * is dropped, so that a document of one operation runs that one. A document that does not parse goes to the
 * server as it is, which says what is wrong with it.
 */
function chosenOperation(query: string, operationName: string | null | undefined): { operationName: string | undefined; subscription: boolean } {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return { operationName: operationName ?? undefined, subscription: false };
  }
  const defined = document.definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION && definition.name?.value === operationName);
  const name = operationName && defined ? operationName : undefined;
  return { operationName: name, subscription: getOperationAST(document, name)?.operation === OperationTypeNode.SUBSCRIPTION };
}
