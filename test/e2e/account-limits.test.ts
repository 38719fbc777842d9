// Limits per account with ATELIER_AUTH=keys, through the real server: queued jobs at once, jobs per minute, the
// cost of one job, priority for admins only, the HTTP request rate limit and its headers, viewer.limits, and
// fair turns between accounts in the real queue.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { DatabaseJobQueue } from '../../src/library/index.js';
import { CancelGenerationDocument, GenerateDocument, GenerationDocument, ViewerLimitsDocument, type GenerateInput } from '../generated/operations.js';
import { createKey, keyedData, keyedRequest, keyedWsClient } from '../support/accounts.js';
import type { WireResult } from '../support/graphql-client.js';
import { suiteServer } from '../support/test-server.js';

const JOB: GenerateInput = { prompt: 'a small blue square', steps: 1, width: 64, height: 64 };
const LIMITS = { maxQueuedJobsPerAccount: 3, maxJobsPerMinute: 5, maxJobCost: 4 };

/** POST with an optional key (and extra headers), keeping the response headers. */
async function post<TData, TVariables>(
  baseUrl: string,
  key: string | undefined,
  document: TypedDocumentNode<TData, TVariables>,
  variables?: TVariables,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers, ...(key === undefined ? {} : { authorization: `Bearer ${key}` }) },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const header = (name: string) => response.headers.get(name);
  return { status: response.status, header, body: (await response.json()) as WireResult<TData> };
}

const errorOf = (result: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown>; message: string }> }) => {
  assert.equal(result.errors?.length, 1, JSON.stringify(result.errors));
  return result.errors![0]!;
};

describe('limits per account (ATELIER_AUTH=keys)', () => {
  const server = suiteServer({ workers: 0, auth: 'keys', secret: 'a test secret of at least thirty-two characters', accountLimits: LIMITS });

  test("an account's queued jobs are bounded on their own: QUEUE_FULL with the max, while another account still queues", async () => {
    const alice = await createKey(server(), 'queue-alice');
    const bob = await createKey(server(), 'queue-bob');
    for (let i = 0; i < 3; i++) await keyedData(server().url, alice, GenerateDocument, { input: JOB });
    const refused = await keyedRequest(server().url, alice, GenerateDocument, { input: JOB });
    const error = errorOf(refused);
    assert.deepEqual(error.extensions, { code: 'QUEUE_FULL', max: 3, reason: 'ACCOUNT_QUEUE_FULL', setting: 'ATELIER_MAX_QUEUE_PER_ACCOUNT' });
    assert.match(error.message, /you already have 3 jobs queued/);
    assert.equal((await keyedData(server().url, bob, GenerateDocument, { input: JOB })).generate.status, 'QUEUED');
    const { viewer } = await keyedData(server().url, alice, ViewerLimitsDocument);
    assert.deepEqual([viewer.limits.queuedJobs, viewer.limits.jobsLastMinute], [3, 3]);
  });

  test('jobs per minute count cancelled jobs too: the next one is RATE_LIMITED with retryAfter seconds', async () => {
    const carol = await createKey(server(), 'rate-carol');
    for (let i = 0; i < 5; i++) {
      const { generate } = await keyedData(server().url, carol, GenerateDocument, { input: JOB });
      await keyedData(server().url, carol, CancelGenerationDocument, { id: generate.id });
    }
    const error = errorOf(await keyedRequest(server().url, carol, GenerateDocument, { input: JOB }));
    const { retryAfter, ...rest } = error.extensions as { retryAfter: number };
    assert.deepEqual(rest, { code: 'RATE_LIMITED', limit: 5, reason: 'JOBS_PER_MINUTE', setting: 'ATELIER_MAX_JOBS_PER_MINUTE' });
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `retryAfter ${retryAfter}`);
    const { viewer } = await keyedData(server().url, carol, ViewerLimitsDocument);
    assert.deepEqual([viewer.limits.queuedJobs, viewer.limits.jobsLastMinute], [0, 5]);
  });

  test('admins answer to the server-wide queue limit only: past the per-account and per-minute bounds they still queue', async () => {
    const admin = await createKey(server(), 'limits-admin', 'ADMIN');
    // Past a USER's per-account queue (3) and per-minute bound (5); cancelled afterwards, so later tests see the queue as before.
    const ids: string[] = [];
    for (let i = 0; i < LIMITS.maxJobsPerMinute + 1; i++) {
      const { generate } = await keyedData(server().url, admin, GenerateDocument, { input: JOB });
      assert.equal(generate.status, 'QUEUED');
      ids.push(generate.id);
    }
    for (const id of ids) await keyedData(server().url, admin, CancelGenerationDocument, { id });
  });

  test('a job costing more than maxJobCost is BAD_USER_INPUT on `cost` with the max and its cost; one at the bound is accepted', async () => {
    const dave = await createKey(server(), 'cost-dave');
    // 80 steps are 4 times 20: at 512x512 and one image it costs exactly 4 (and fits the memory budget, at batch 2 too).
    const atBound = await keyedData(server().url, dave, GenerateDocument, { input: { prompt: 'a big job', width: 512, height: 512, steps: 80 } });
    assert.equal(atBound.generate.status, 'QUEUED');
    const error = errorOf(await keyedRequest(server().url, dave, GenerateDocument, { input: { prompt: 'a bigger job', width: 512, height: 512, steps: 80, batchSize: 2 } }));
    assert.deepEqual(error.extensions, { code: 'BAD_USER_INPUT', field: 'cost', max: 4, cost: 8, reason: 'JOB_TOO_COSTLY', setting: 'ATELIER_MAX_JOB_COST' });
    assert.match(error.message, /costs 8 .*lower the size, steps or batchSize/);
  });

  test('priority above 0 is for admins: a USER gets BAD_USER_INPUT with max 0, an admin queues it', async () => {
    const erin = await createKey(server(), 'priority-erin');
    const admin = await createKey(server(), 'priority-admin', 'ADMIN');
    const error = errorOf(await keyedRequest(server().url, erin, GenerateDocument, { input: { ...JOB, priority: 100 } }));
    assert.deepEqual(error.extensions, { code: 'BAD_USER_INPUT', field: 'priority', min: -100, max: 0, reason: 'ADMIN_ONLY' });
    assert.equal((await keyedData(server().url, erin, GenerateDocument, { input: { ...JOB, priority: -3 } })).generate.priority, -3);
    assert.equal((await keyedData(server().url, admin, GenerateDocument, { input: { ...JOB, priority: 100 } })).generate.priority, 100);
  });

  test('viewer.limits reports every limit, the priority the role allows, and what is used now', async () => {
    const frank = await createKey(server(), 'viewer-frank');
    const admin = await createKey(server(), 'viewer-admin', 'ADMIN');
    await keyedData(server().url, frank, GenerateDocument, { input: JOB });
    const user = (await keyedData(server().url, frank, ViewerLimitsDocument)).viewer;
    const common = { maxQueuedJobs: 1000, ...LIMITS, requestsPerMinute: 6_000 };
    assert.deepEqual(user.limits, { ...common, queuedJobs: 1, jobsLastMinute: 1, maxPriority: 0 });
    const other = (await keyedData(server().url, admin, ViewerLimitsDocument)).viewer;
    assert.deepEqual(other.limits, { ...common, queuedJobs: 0, jobsLastMinute: 0, maxPriority: 100 });
  });
});

describe('fair turns between accounts (ATELIER_AUTH=keys, no workers)', () => {
  const server = suiteServer({ workers: 0, auth: 'keys', secret: 'a test secret of at least thirty-two characters' });

  test("account A's 20 queued jobs do not starve B's one: B's job is second in position and in the real queue's claims", async () => {
    const a = await createKey(server(), 'fair-a');
    const b = await createKey(server(), 'fair-b');
    const aJobs: string[] = [];
    for (let i = 0; i < 20; i++) aJobs.push((await keyedData(server().url, a, GenerateDocument, { input: JOB })).generate.id);
    const bJob = (await keyedData(server().url, b, GenerateDocument, { input: JOB })).generate;
    assert.equal(bJob.queuePosition, 2);
    assert.equal((await keyedData(server().url, b, GenerationDocument, { id: bJob.id })).generation?.queuePosition, 2);
    assert.equal((await keyedData(server().url, a, GenerationDocument, { id: aJobs[19]! })).generation?.queuePosition, 21);
    const queue = new DatabaseJobQueue(server().database.prisma);
    const claimed = [(await queue.claimNext())?.id, (await queue.claimNext())?.id, (await queue.claimNext())?.id];
    assert.deepEqual(claimed, [aJobs[0], bJob.id, aJobs[1]]);
  });
});

describe('the HTTP request rate limit', () => {
  const keyed = suiteServer({ workers: 0, auth: 'keys', secret: 'a test secret of at least thirty-two characters', requestsPerMinute: 4 });

  test('every /graphql answer has x-ratelimit-* headers; over the limit, 429 with Retry-After and RATE_LIMITED; each account counts alone', async () => {
    const alice = await createKey(keyed(), 'http-alice');
    const bob = await createKey(keyed(), 'http-bob');
    for (const remaining of [3, 2, 1, 0]) {
      const answer = await post(keyed().url, alice, ViewerLimitsDocument);
      assert.equal(answer.status, 200);
      assert.deepEqual([answer.header('x-ratelimit-limit'), answer.header('x-ratelimit-remaining')], ['4', String(remaining)]);
      const reset = Number(answer.header('x-ratelimit-reset'));
      assert.ok(reset >= 1 && reset <= 60, `reset ${reset}`);
    }
    // Sent as a page on the server's own origin would: CORS then lets the page read the rate-limit headers.
    const refused = await post(keyed().url, alice, ViewerLimitsDocument, undefined, { origin: keyed().url });
    assert.equal(refused.status, 429);
    const retryAfter = Number(refused.header('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal(refused.header('x-ratelimit-remaining'), '0');
    assert.equal(refused.body.data, undefined);
    assert.deepEqual(errorOf(refused.body).extensions, { code: 'RATE_LIMITED', retryAfter, limit: 4, setting: 'ATELIER_RATE_LIMIT' });
    assert.match(refused.header('access-control-expose-headers') ?? '', /x-ratelimit-remaining.*retry-after/);
    const other = await post(keyed().url, bob, ViewerLimitsDocument);
    assert.deepEqual([other.status, other.header('x-ratelimit-remaining')], [200, '3']);
  });

  test('operations over a WebSocket count against the same limit: over it, the operation gets RATE_LIMITED', async () => {
    const carol = await createKey(keyed(), 'ws-carol');
    for (let i = 0; i < 4; i++) assert.equal((await post(keyed().url, carol, ViewerLimitsDocument)).status, 200);
    const client = keyedWsClient(keyed().url, carol);
    const outcome = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: 'subscription { generationEvents(id: "no-such-generation") { type } }' }, { next: () => undefined, error: resolve, complete: () => resolve('completed') });
    });
    await client.dispose();
    const errors = outcome as ReadonlyArray<{ extensions?: Record<string, unknown> }>;
    assert.ok(Array.isArray(errors), `expected GraphQL errors, got ${JSON.stringify(outcome)}`);
    assert.equal(errors[0]?.extensions?.code, 'RATE_LIMITED');
    assert.ok(Number(errors[0]?.extensions?.retryAfter) >= 1);
  });

  test('a request without a valid key is counted by its address, and its 401 carries the headers too', async () => {
    const answer = await post(keyed().url, undefined, ViewerLimitsDocument);
    assert.equal(answer.status, 401);
    assert.deepEqual([answer.header('x-ratelimit-limit'), answer.header('x-ratelimit-remaining')], ['4', '3']);
  });
});

describe('limits with auth off (open mode)', () => {
  const open = suiteServer({ workers: 0, requestsPerMinute: 3 });

  test("the local admin keeps priority 100, and the request limit applies (counted by client address) with its headers", async () => {
    const first = await post(open().url, undefined, GenerateDocument, { input: { ...JOB, priority: 100 } });
    assert.equal(first.body.data?.generate.priority, 100);
    assert.equal(first.header('x-ratelimit-remaining'), '2');
    await post(open().url, undefined, ViewerLimitsDocument);
    await post(open().url, undefined, ViewerLimitsDocument);
    const refused = await post(open().url, undefined, ViewerLimitsDocument);
    assert.equal(refused.status, 429);
    assert.equal(errorOf(refused.body).extensions?.code, 'RATE_LIMITED');
  });
});
