import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { print } from 'graphql';
import type { Client } from 'graphql-ws';
import { CatalogDocument, GenerateDocument, GenerationEventsDocument } from '../generated/operations.js';
import { createKey } from '../support/accounts.js';
import { collectSubscription, request, requestData, wsClient, type WireResult } from '../support/graphql-client.js';
import { parsePrometheusText, sampleValue, type Sample } from '../support/prometheus-text.js';
import { suiteServer } from '../support/test-server.js';

async function scrape(baseUrl: string, key?: string): Promise<{ status: number; samples: Sample[]; contentType: string | null }> {
  const response = await fetch(`${baseUrl}/metrics`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), samples: response.status === 200 ? parsePrometheusText(text) : [] };
}

/** One query or mutation over graphql-ws: its last result, or the errors of an error message (a refusal before it ran). */
function overWs(client: Client, query: string, variables?: Record<string, unknown>): Promise<WireResult<unknown>> {
  return new Promise((resolve, reject) => {
    let last: WireResult<unknown> = {};
    client.subscribe(
      { query, ...(variables ? { variables } : {}) },
      {
        next: (result) => void (last = result as WireResult<unknown>),
        error: (error: unknown) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error)),
        complete: () => resolve(last),
      },
    );
  });
}

/** POST a query with an operation name of the client's choosing (it need not name an operation of the document). */
async function namedOperation(baseUrl: string, query: string, operationName: string): Promise<void> {
  await fetch(`${baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, operationName }) });
}

describe('/metrics after a job', () => {
  const node = 'metrics-node-a';
  const server = suiteServer({ nodeId: node });

  test('serves the job, worker, GraphQL, bus and process series with the node label and the right counts', async () => {
    const { url } = server();
    const client = wsClient(url);
    const job = (await requestData(url, GenerateDocument, { input: { prompt: 'counted', steps: 3, batchSize: 2, seed: '1' } })).generate;
    const events = (await collectSubscription(client, GenerationEventsDocument, { id: job.id })).map((e) => e.generationEvents.type);
    await client.dispose();
    assert.equal(events.at(-1), 'COMPLETED');
    const refused = await request(url, GenerateDocument, { input: { prompt: 'too many steps', steps: 100_000 } });
    assert.equal(refused.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    await requestData(url, CatalogDocument);
    await namedOperation(url, 'query { samplers { name } }', 'not a GraphQL name!');

    const { status, contentType, samples } = await scrape(url);
    assert.equal(status, 200);
    assert.match(contentType ?? '', /^text\/plain; version=0\.0\.4/);
    assert.ok(samples.every((sample) => sample.labels.node === node), 'every series carries the node label');

    assert.equal(sampleValue(samples, 'atelier_jobs', { status: 'COMPLETED' }), 1);
    assert.equal(sampleValue(samples, 'atelier_jobs', { status: 'QUEUED' }), 0);
    assert.equal(sampleValue(samples, 'atelier_jobs', { status: 'FAILED' }), 0);
    assert.equal(sampleValue(samples, 'atelier_job_queue_wait_seconds_count'), 1);
    assert.equal(sampleValue(samples, 'atelier_job_run_seconds_count', { status: 'completed' }), 1);
    assert.equal(sampleValue(samples, 'atelier_denoising_step_seconds_count'), 3);
    assert.ok((sampleValue(samples, 'atelier_denoising_step_seconds_sum') ?? 0) > 0);
    assert.equal(sampleValue(samples, 'atelier_images_stored_total'), 2);
    assert.equal(sampleValue(samples, 'atelier_workers', { state: 'idle' }), 1);
    assert.equal(sampleValue(samples, 'atelier_workers', { state: 'busy' }), 0);
    // The subscriber got at least the terminal event through the bus (earlier ones may come from the live state).
    assert.ok((sampleValue(samples, 'atelier_event_bus_lag_seconds_count') ?? 0) >= 1);

    assert.equal(sampleValue(samples, 'atelier_graphql_requests_total', { operation: 'Generate' }), 2);
    assert.equal(sampleValue(samples, 'atelier_graphql_errors_total', { operation: 'Generate', code: 'BAD_USER_INPUT' }), 1);
    assert.equal(sampleValue(samples, 'atelier_graphql_requests_total', { operation: 'Catalog' }), 1);
    assert.equal(sampleValue(samples, 'atelier_graphql_request_duration_seconds_count', { operation: 'Catalog' }), 1);
    assert.equal(sampleValue(samples, 'atelier_graphql_errors_total', { operation: 'Catalog' }), undefined);
    // The subscription over graphql-ws, counted once it completed.
    assert.equal(sampleValue(samples, 'atelier_graphql_requests_total', { operation: 'GenerationEvents' }), 1);
    assert.equal(sampleValue(samples, 'atelier_graphql_request_duration_seconds_count', { operation: 'GenerationEvents' }), 1);
    // A name that is no GraphQL name gets no series of its own.
    assert.equal(sampleValue(samples, 'atelier_graphql_requests_total', { operation: 'other' }), 1);
    assert.ok(samples.some((sample) => sample.name === 'process_cpu_user_seconds_total'), "prom-client's process metrics");
  });

  test('client-chosen operation names beyond the first hundred are counted as "other"', async () => {
    const { url } = server();
    for (let i = 0; i < 105; i++) await namedOperation(url, `query Op${i} { samplers { name } }`, `Op${i}`);
    const { samples } = await scrape(url);
    const operations = new Set(samples.filter((s) => s.name === 'atelier_graphql_requests_total').map((s) => s.labels.operation));
    assert.ok(operations.size <= 101, `${operations.size} operation labels`);
    assert.equal(sampleValue(samples, 'atelier_graphql_requests_total', { operation: 'Op104' }), undefined);
    assert.ok((sampleValue(samples, 'atelier_graphql_requests_total', { operation: 'other' }) ?? 0) >= 5);
  });
});

describe('/metrics counts operations over graphql-ws as it counts those over HTTP', () => {
  const server = suiteServer({ nodeId: 'metrics-node-ws', workers: 0 });

  test('queries, mutations and refusals over graphql-ws: by operation name, with their error codes', async () => {
    const { url } = server();
    const client = wsClient(url);
    try {
      assert.ok((await overWs(client, print(CatalogDocument))).data);
      const refused = await overWs(client, print(GenerateDocument), { input: { prompt: 'too many steps', steps: 100_000 } });
      assert.equal(refused.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      const unparsable = await overWs(client, 'query Broken {');
      assert.equal(unparsable.errors?.[0]?.extensions?.code, 'GRAPHQL_PARSE_FAILED');
      const noVariable = await overWs(client, print(GenerationEventsDocument));
      assert.equal(noVariable.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    } finally {
      await client.dispose();
    }
    const { samples } = await scrape(url);
    assert.equal(sampleValue(samples, 'atelier_graphql_requests_total', { operation: 'Catalog' }), 1);
    assert.equal(sampleValue(samples, 'atelier_graphql_request_duration_seconds_count', { operation: 'Catalog' }), 1);
    assert.equal(sampleValue(samples, 'atelier_graphql_errors_total', { operation: 'Catalog' }), undefined);
    assert.equal(sampleValue(samples, 'atelier_graphql_requests_total', { operation: 'Generate' }), 1);
    assert.equal(sampleValue(samples, 'atelier_graphql_errors_total', { operation: 'Generate', code: 'BAD_USER_INPUT' }), 1);
    // Refused before it was parsed: named as the client asked (not at all).
    assert.equal(sampleValue(samples, 'atelier_graphql_requests_total', { operation: 'anonymous' }), 1);
    assert.equal(sampleValue(samples, 'atelier_graphql_errors_total', { operation: 'anonymous', code: 'GRAPHQL_PARSE_FAILED' }), 1);
    assert.equal(sampleValue(samples, 'atelier_graphql_requests_total', { operation: 'GenerationEvents' }), 1);
    assert.equal(sampleValue(samples, 'atelier_graphql_errors_total', { operation: 'GenerationEvents', code: 'BAD_USER_INPUT' }), 1);
  });
});

describe('/metrics with API keys', () => {
  const server = suiteServer({ nodeId: 'metrics-node-b', auth: 'keys', metrics: 'key', workers: 0 });

  test('needs an admin key; the registry is this server’s own', async () => {
    const { url } = server();
    assert.equal((await scrape(url)).status, 401);
    assert.equal((await scrape(url, 'atl_not-a-key')).status, 401);
    assert.equal((await scrape(url, await createKey(server(), 'metrics-user'))).status, 403);
    const admin = await scrape(url, await createKey(server(), 'metrics-admin', 'ADMIN'));
    assert.equal(admin.status, 200);
    // Another server in this process stored images; this one's counter is its own.
    assert.equal(sampleValue(admin.samples, 'atelier_images_stored_total', { node: 'metrics-node-b' }), 0);
    assert.equal(sampleValue(admin.samples, 'atelier_workers', { state: 'idle' }), 0);
  });
});

describe('/metrics switched off', () => {
  const server = suiteServer({ metrics: 'off', workers: 0 });

  test('is not served', async () => {
    assert.equal((await scrape(server().url)).status, 404);
  });
});
