/**
 * The app's GraphQL client: typed operations (codegen's TypedDocumentNode) over HTTP POST, subscriptions over
 * graphql-ws on the same path, the API key (when the server asks for one) from this browser's storage. Errors
 * come back as the API gave them: message, code and the input field at fault.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';

const ENDPOINT = new URL('/graphql', window.location.href);
const KEY_STORAGE = 'atelier.apiKey';

export const authRequired = document.querySelector<HTMLMetaElement>('meta[name="atelier-auth"]')?.content === 'keys';

export function apiKey(): string | null {
  return localStorage.getItem(KEY_STORAGE);
}

export function setApiKey(key: string | null): void {
  if (key) localStorage.setItem(KEY_STORAGE, key);
  else localStorage.removeItem(KEY_STORAGE);
  socket?.dispose();
  socket = null;
}

/** One error of an operation, with what the API says about it (extensions.code, .field, .allowedRange...). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly field: string | undefined,
  ) {
    super(message);
  }
}

type WireError = { message: string; extensions?: { code?: string; field?: string } };

function toError(errors: WireError[]): ApiError {
  const [first] = errors;
  return new ApiError(errors.map((error) => error.message).join('; '), first?.extensions?.code, first?.extensions?.field);
}

export async function request<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, variables?: TVariables): Promise<TData> {
  const key = apiKey();
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json().catch(() => ({ errors: [{ message: `HTTP ${response.status}` }] }))) as { data?: TData | null; errors?: WireError[] };
  if (body.errors?.length) throw toError(body.errors);
  if (!body.data) throw new ApiError(`HTTP ${response.status}`, undefined, undefined);
  return body.data;
}

let socket: Client | null = null;

function ws(): Client {
  if (!socket) {
    const url = new URL(ENDPOINT);
    url.protocol = ENDPOINT.protocol === 'https:' ? 'wss:' : 'ws:';
    const key = apiKey();
    socket = createClient({ url: url.href, lazy: true, connectionParams: key ? { authorization: `Bearer ${key}` } : {} });
  }
  return socket;
}

/** Follows a subscription; returns the function that stops it. */
export function subscribe<TData, TVariables extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  handlers: { next: (data: TData) => void; error: (error: ApiError) => void; complete?: () => void },
): () => void {
  return ws().subscribe<TData>(
    { query: print(document), variables },
    {
      next: (result) => (result.errors?.length ? handlers.error(toError(result.errors as WireError[])) : result.data && handlers.next(result.data)),
      error: (error) => handlers.error(new ApiError(error instanceof Error ? error.message : 'the connection to the server closed', undefined, undefined)),
      complete: () => handlers.complete?.(),
    },
  );
}
