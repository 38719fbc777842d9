// Over a thousand generated bad requests, category by category, against the real server on PGlite and on
// PostgreSQL (where text cannot hold NUL and an index entry is bounded): each is refused with a coded client
// error, none gets INTERNAL_SERVER_ERROR or a stack trace, /health answers within a second after every
// category (the liveness bound), and the process's RSS stays bounded.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { RunningServer } from '../../src/server.js';
import { createTestDatabase, NO_POSTGRES } from '../library/pg-test-database.js';
import { seededRandom } from '../support/seeded-random.js';
import { GENERATE } from '../support/hostile-operations.js';
import { HOSTILE_CATEGORIES, type HostileRequest } from '../support/hostile-requests.js';
import { pngWithText, withDeclaredSize } from '../support/png-text.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';
import { CatalogDocument } from '../generated/operations.js';

/**
 * RSS may grow by at most this over the run (the server runs inside the test process). The largest body
 * accepted is 16 MB; a request holds it a few times over (bytes, text, parsed JSON, base64-decoded PNG), so a
 * bound of 512 MB leaves room for that and the garbage collector's lag, and still catches what the issue saw
 * (one request taking gigabytes, or memory that grows with every request).
 */
const RSS_GROWTH_BOUND = 512 * 1024 * 1024;
const HEALTH_BOUND_MS = 1000;
const STACK_TRACE = /\n\s+at [^\n]+:\d+:\d+|    at [\w.<>]+ \(/;

interface Answer {
  status: number;
  body: string;
}

async function send(baseUrl: string, ws: Client, request: HostileRequest): Promise<Answer> {
  if (request.transport === 'ws') return sendOverWs(ws, request.query, request.variables);
  try {
    const response = await fetch(`${baseUrl}${request.path}`, { method: request.method, headers: request.headers, body: request.body });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: String((error as Error).cause ?? error) };
  }
}

function sendOverWs(ws: Client, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  return new Promise((resolve) => {
    const messages: unknown[] = [];
    ws.subscribe(
      { query, variables },
      {
        next: (value) => void messages.push(value),
        // A CloseEvent (code 4500: the server failed) serializes to {}: its code and reason are kept.
        error: (error) => {
          const close = error as { code?: number; reason?: string };
          resolve({ status: close.code === 4500 ? 500 : -1, body: JSON.stringify({ messages, error, code: close.code, reason: close.reason }) });
        },
        complete: () => resolve({ status: -1, body: JSON.stringify({ messages }) }),
      },
    );
  });
}

/** Why an answer is not the coded client error a bad request must get; null when it is. */
function fault(request: HostileRequest, answer: Answer): string | null {
  if (answer.status === 0) return `no answer (${answer.body})`;
  if (answer.status >= 500) return `status ${answer.status}`;
  if (answer.body.includes('INTERNAL_SERVER_ERROR')) return 'INTERNAL_SERVER_ERROR';
  if (STACK_TRACE.test(answer.body)) return 'a stack trace in the body';
  if (request.transport === 'http' && answer.status > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.body);
    } catch {
      return null; // not a GraphQL answer (a 404 page, a 421 text)
    }
    const errors = (parsed as { errors?: Array<{ extensions?: { code?: unknown } }> }).errors ?? [];
    if (errors.some((error) => typeof error.extensions?.code !== 'string')) return 'an error without extensions.code';
  }
  return null;
}

function describeRequest(request: HostileRequest): string {
  const text = request.transport === 'ws' ? `WS ${request.query} ${JSON.stringify(request.variables)}` : `${request.method} ${request.path} ${JSON.stringify(request.headers)} ${String(request.body ?? '')}`;
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

for (const backend of ['PGlite', 'PostgreSQL'] as const) {
  describe(`hostile input on ${backend}`, () => {
    let server: RunningServer | undefined;
    let dropDatabase: (() => Promise<void>) | undefined;
    let skip: string | undefined;

    before(async () => {
      let databaseUrl: string | undefined;
      if (backend === 'PostgreSQL') {
        const database = await createTestDatabase();
        if (!database) {
          skip = NO_POSTGRES;
          return;
        }
        databaseUrl = database.url;
        dropDatabase = () => database.drop();
      }
      server = await startTestServer({ dataDir: await tempDataDir(), workers: 0, ...(databaseUrl ? { databaseUrl } : {}) });
    });
    after(async () => {
      await server?.close();
      await dropDatabase?.();
    });

    test('the issue’s cases get coded client errors', async (t) => {
      if (skip) return t.skip(skip);
      const url = server!.url;
      const gql = async (query: string, variables?: unknown) => {
        const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
        return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions: Record<string, unknown> }> } };
      };

      // Text that is text passes: emoji (surrogate pairs), accents, CJK.
      assert.equal((await gql(GENERATE, { i: { prompt: 'a cat 🐱 on a café roof, 屋根の上' } })).body.errors, undefined);
      const nul = await gql(GENERATE, { i: { prompt: 'a \u0000 cat' } });
      assert.deepEqual(nul.body.errors?.[0]?.extensions, { code: 'BAD_USER_INPUT', field: '$i.prompt', reason: 'UNSTORABLE_TEXT' });
      const lone = await gql('mutation($n: String!) { createCollection(input: { name: $n }) { id } }', { n: 'half a pair \ud83d' });
      assert.deepEqual(lone.body.errors?.[0]?.extensions, { code: 'BAD_USER_INPUT', field: '$n', reason: 'UNSTORABLE_TEXT' });
      const longId = await gql('query($id: ID!) { generation(id: $id) { id } }', { id: 'x'.repeat(129) });
      assert.deepEqual(longId.body.errors?.[0]?.extensions, { code: 'BAD_USER_INPUT', field: '$id', max: 128 });

      // The longest prompt generate accepts is stored (on PostgreSQL a B-tree entry holds only 2.7 kB).
      const random = seededRandom(7);
      const longest = Array.from({ length: 10_000 }, () => String.fromCharCode(0x4e00 + Math.floor(random() * 20_000))).join('');
      assert.equal((await gql(GENERATE, { i: { prompt: longest } })).body.errors, undefined);

      const png = await pngWithText([{ keyword: 'parameters', text: `${'a'.repeat(3 * 1024 * 1024)}\nSteps: 5, Seed: 1` }]);
      const imported = await gql('mutation($d: String!) { importImage(dataUrl: $d) { prompt } }', { d: `data:image/png;base64,${png.toString('base64')}` });
      assert.equal(imported.body.errors?.[0]?.extensions.code, 'BAD_USER_INPUT');
      assert.equal(imported.body.errors?.[0]?.extensions.max, 10_000);
      assert.equal(imported.body.errors?.[0]?.extensions.reason, 'prompt too long');

      // A picture whose header declares 30000x30000 is refused from the header, before anything decodes it.
      const declared = withDeclaredSize(await pngWithText([{ keyword: 'parameters', text: 'a fox\nSteps: 5, Seed: 1' }]), 30_000, 30_000);
      const dataUrl = `data:image/png;base64,${declared.toString('base64')}`;
      const hugeUpload = await gql('mutation($d: String!) { uploadImage(dataUrl: $d) { id } }', { d: dataUrl });
      assert.deepEqual([hugeUpload.body.errors?.[0]?.extensions.code, hugeUpload.body.errors?.[0]?.extensions.max], ['BAD_USER_INPUT', 4096]);
      const hugeImport = await gql('mutation($d: String!) { importImage(dataUrl: $d) { prompt } }', { d: dataUrl });
      assert.deepEqual([hugeImport.body.errors?.[0]?.extensions.code, hugeImport.body.errors?.[0]?.extensions.max], ['BAD_USER_INPUT', 8192]);
      assert.equal(hugeImport.body.errors?.[0]?.extensions.reason, 'picture too large');

      const subscription = await gql('subscription { generationEvents(id: "x") { __typename } }');
      assert.equal(subscription.status, 400);
      assert.deepEqual(subscription.body.errors?.[0]?.extensions, { code: 'BAD_REQUEST', reason: 'USE_GRAPHQL_WS' });
      assert.match(subscription.body.errors![0]!.message, /graphql-ws/);

      const cursor = Buffer.from(JSON.stringify(['2020-01-01T00:00:00.000Z', 'a\u0000'])).toString('base64url');
      assert.equal((await gql('query($c: String) { generations(first: 5, after: $c) { totalCount } }', { c: cursor })).body.errors?.[0]?.extensions.field, 'after');
    });

    test('over a thousand generated bad requests: coded client errors, /health within a second after each category, RSS bounded', { timeout: 120_000 }, async (t) => {
      if (skip) return t.skip(skip);
      const url = server!.url;
      const ws = createClient({ url: `${url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      let sent = 0;
      const faults: string[] = [];
      try {
        for (const [index, category] of HOSTILE_CATEGORIES.entries()) {
          const requests = await category.make(seededRandom(index + 1), { png: (chunks) => pngWithText(chunks) });
          for (const request of requests) {
            const answer = await send(url, ws, request);
            const problem = fault(request, answer) ?? (category.refusedWith && !answer.body.includes(`"${category.refusedWith}"`) ? `not ${category.refusedWith}` : null);
            if (problem) faults.push(`${category.name}: ${problem}: ${describeRequest(request)}`);
          }
          sent += requests.length;
          const health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(HEALTH_BOUND_MS) });
          assert.equal(health.status, 200, `/health after ${category.name}`);
          peak = Math.max(peak, process.memoryUsage().rss);
        }
        // The WebSocket connection lived through every bad message: it still answers.
        const answer = await sendOverWs(ws, print(CatalogDocument));
        assert.match(answer.body, /samplers/);
      } finally {
        await ws.dispose();
      }
      t.diagnostic(`${sent} requests in ${HOSTILE_CATEGORIES.length} categories; RSS grew by ${Math.round((peak - baseline) / 2 ** 20)} MB at most`);
      assert.deepEqual(faults.slice(0, 20), [], `${faults.length} of ${sent} requests were not refused with a coded client error`);
      assert.ok(sent >= 1000, `only ${sent} requests`);
      assert.ok(peak - baseline < RSS_GROWTH_BOUND, `RSS grew by ${Math.round((peak - baseline) / 2 ** 20)} MB`);
    });
  });
}
