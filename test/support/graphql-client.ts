import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** A GraphQL response whose errors are plain formatted errors, as they arrive over the wire. */
export interface WireResult<TData> {
  data?: TData | null;
  errors?: GraphQLFormattedError[];
}

/** POST a typed operation to /graphql, the way a frontend does. */
export async function request<TData, TVariables>(
  baseUrl: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables?: TVariables,
): Promise<WireResult<TData>> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return (await response.json()) as WireResult<TData>;
}

/** Like request, but fails the test on any GraphQL error. */
export async function requestData<TData, TVariables>(
  baseUrl: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables?: TVariables,
): Promise<TData> {
  const result = await request(baseUrl, document, variables);
  if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}

export function wsClient(baseUrl: string): Client {
  return createClient({ url: `${baseUrl.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
}

/**
 * Subscribes and collects every event until the server completes the subscription. `onEvent` may act on an
 * event (e.g. cancel after the first step).
 */
export function collectSubscription<TData, TVariables extends Record<string, unknown>>(
  client: Client,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  onEvent?: (data: TData) => void,
): Promise<TData[]> {
  return new Promise((resolve, reject) => {
    const events: TData[] = [];
    client.subscribe<TData>(
      { query: print(document), variables },
      {
        next: (result: ExecutionResult<TData>) => {
          if (result.errors?.length) {
            reject(new Error(`subscription error: ${JSON.stringify(result.errors)}`));
            return;
          }
          events.push(result.data!);
          onEvent?.(result.data!);
        },
        error: (error: unknown) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => resolve(events),
      },
    );
  });
}
