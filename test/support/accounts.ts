// Accounts for end-to-end tests: keys made in the server's own database, and GraphQL/WebSocket clients that send them.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { newApiKey } from '../../src/accounts/api-keys.js';
import type { Role } from '../../src/accounts/viewer.js';
import { AccountStore } from '../../src/library/index.js';
import type { RunningServer } from '../../src/server.js';
import type { WireResult } from './graphql-client.js';
import { GenerateDocument, GenerationDocument, type GenerateInput, type GenerationFieldsFragment } from '../generated/operations.js';

/** A new key for account `name` (made with `role` if new), stored as `npm run keys -- create` stores it. */
export async function createKey(server: RunningServer, name: string, role: Role = 'USER'): Promise<string> {
  const key = newApiKey();
  await new AccountStore(server.database.prisma).addKey(name, key, role);
  return key.key;
}

/** POST a typed operation with `Authorization: Bearer key` (no header for undefined); the HTTP status too. */
export async function keyedRequest<TData, TVariables>(
  baseUrl: string,
  key: string | undefined,
  document: TypedDocumentNode<TData, TVariables>,
  variables?: TVariables,
): Promise<WireResult<TData> & { status: number }> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { authorization: `Bearer ${key}` }) },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return { status: response.status, ...((await response.json()) as WireResult<TData>) };
}

/** Like keyedRequest, but fails the test on any GraphQL error. */
export async function keyedData<TData, TVariables>(baseUrl: string, key: string, document: TypedDocumentNode<TData, TVariables>, variables?: TVariables): Promise<TData> {
  const result = await keyedRequest(baseUrl, key, document, variables);
  if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}

/** A graphql-ws client that sends the key as the `authorization` connection param (none for undefined). */
export function keyedWsClient(baseUrl: string, key: string | undefined, onClosed?: (event: { code: number; reason: string }) => void): Client {
  return createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: key === undefined ? {} : { authorization: `Bearer ${key}` },
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        onClosed?.({ code, reason });
      },
    },
  });
}

/** Queues `input` with `key` and polls until it ends; fails unless it COMPLETED. */
export async function keyedCompletedGeneration(baseUrl: string, key: string, input: GenerateInput): Promise<GenerationFieldsFragment> {
  const { id } = (await keyedData(baseUrl, key, GenerateDocument, { input })).generate;
  for (;;) {
    const { generation } = await keyedData(baseUrl, key, GenerationDocument, { id });
    if (!generation) throw new Error(`generation ${id} does not exist for its owner`);
    if (generation.status !== 'QUEUED' && generation.status !== 'RUNNING') {
      if (generation.status !== 'COMPLETED') throw new Error(`generation ended ${generation.status}: ${generation.error}`);
      return generation;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
