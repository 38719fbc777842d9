/**
 * npm run bench:queue — how fast the server accepts `generate` mutations, and what a status query costs, as
 * the queue grows.
 *
 * For each database (BENCH_DATABASES, default `postgresql,pglite`: a fresh PostgreSQL database at ATELIER_TEST_PG_URL (default 127.0.0.1:5432)
 * and the embedded PGlite in a data folder), a real server (startServer, auth with API keys, the tiny model,
 * ATELIER_WORKERS=0 so that every job stays queued: the accept path is measured alone, and the queue grows
 * to BENCH_CLIENTS x BENCH_JOBS jobs) serves BENCH_CLIENTS clients, each a distinct USER account sending
 * `generate` over HTTP one after another (the limits are raised so none is refused). BENCH_SUBSCRIBED of
 * them follow each of their jobs over graphql-ws. Reported: accepted mutations/s, median and p99 accept
 * latency; beside it, in the same run on the same database, the rate of BENCH_CLIENTS concurrent plain
 * INSERTs of Generation rows (the bare cost of a durable row) and the ratio. Then one client asks
 * `generation(id) { status queuePosition }` BENCH_POLLS times, once with a short queue and once with the
 * full one (the cost per status query must not grow with the queue). At the end, every subscribed job's last
 * QUEUED event must match its position as `generation(id)` tells it. Prints a table and one JSON line.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { newApiKey } from '../src/accounts/api-keys.js';
import { loadConfig } from '../src/config.js';
import { AccountStore } from '../src/library/index.js';
import { createLogger } from '../src/logger.js';
import { startServer, TINY_MODEL_NAME, type RunningServer } from '../src/server.js';
import { createTestDatabase, NO_POSTGRES } from '../test/library/pg-test-database.js';
import { printBenchRecord } from './bench-record.js';
import { median } from './timing.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const JOBS = Number(process.env.BENCH_JOBS ?? 20);
const SUBSCRIBED = Number(process.env.BENCH_SUBSCRIBED ?? 10);
const POLLS = Number(process.env.BENCH_POLLS ?? 500);
const SHORT_QUEUE = CLIENTS;
const DATABASES = (process.env.BENCH_DATABASES ?? 'postgresql,pglite').split(',').map((d) => d.trim());

const GENERATE = `mutation($input: GenerateInput!) { generate(input: $input) { id status queuePosition } }`;
const STATUS = `query($id: ID!) { generation(id: $id) { id status queuePosition } }`;
const EVENTS = `subscription($id: ID!) { generationEvents(id: $id) { type ... on GenerationQueued { position } } }`;

interface Accepted {
  id: string;
  status: string;
  queuePosition: number | null;
}

interface Result {
  database: string;
  accepted: number;
  /** Mutations answered with an error (none should be). */
  failed: number;
  acceptedPerSecond: number;
  acceptP50Ms: number;
  acceptP99Ms: number;
  insertsPerSecond: number;
  ratio: number;
  queuedEvents: number;
  statusShortQueue: Percentiles & { queue: number };
  statusLongQueue: Percentiles & { queue: number };
  statusRatio: number;
  positionsChecked: number;
  subscriptionsFailed: number;
}

async function main(): Promise<void> {
  const modelsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-bench-queue-models-'));
  const results: Result[] = [];
  try {
    for (const database of DATABASES) results.push(await benchDatabase(database, modelsDir));
  } finally {
    await fs.rm(modelsDir, { recursive: true, force: true });
  }
  console.log(`${CLIENTS} clients x ${JOBS} generate each (${SUBSCRIBED} of them subscribed to their jobs); ${POLLS} status queries per queue length`);
  console.log('| database | accepted (failed) | accepted/s | accept p50 / p99 | plain INSERTs/s (50 concurrent) | ratio | status query p50 / p99, queue ' + SHORT_QUEUE + ' | same, queue ' + CLIENTS * (JOBS + 1) + ' | status ratio |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.database} | ${r.accepted} (${r.failed}) | ${r.acceptedPerSecond} | ${r.acceptP50Ms} / ${r.acceptP99Ms} ms | ${r.insertsPerSecond} | ${r.ratio} | ` +
        `${r.statusShortQueue.p50} / ${r.statusShortQueue.p99} ms | ${r.statusLongQueue.p50} / ${r.statusLongQueue.p99} ms | ${r.statusRatio} |`,
    );
  }
  printBenchRecord('queue', { clients: CLIENTS, jobsPerClient: JOBS, subscribed: SUBSCRIBED, polls: POLLS, results });
}

async function benchDatabase(database: string, modelsDir: string): Promise<Result> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-bench-queue-'));
  const pgDatabase = database === 'postgresql' ? await createTestDatabase() : null;
  if (database === 'postgresql' && !pgDatabase) throw new Error(`${NO_POSTGRES} (BENCH_DATABASES=pglite runs the embedded database alone)`);
  if (database !== 'postgresql' && database !== 'pglite') throw new Error(`BENCH_DATABASES: unknown database "${database}"`);
  const base = loadConfig({ ...process.env, ATELIER_AUTH: 'keys' });
  const server = await startServer(
    {
      ...base,
      ...{ host: '127.0.0.1', port: 0, dataDir, modelsDir, defaultModel: TINY_MODEL_NAME, workers: 0, embeddingModel: 'off' as const },
      databaseUrl: pgDatabase?.url,
      auth: 'keys',
      maxQueuedJobs: 1_000_000,
      requestsPerMinute: 100_000_000,
      accountLimits: { ...base.accountLimits, maxQueuedJobsPerAccount: 1_000_000, maxJobsPerMinute: 1_000_000 },
    },
    createLogger('silent'),
  );
  const subscriptions: Client[] = [];
  try {
    const keys = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => createAccountKey(server, `bench-${i}`)));
    const input = (client: number, job: number) => ({ input: { prompt: `a lighthouse number ${client}-${job}`, steps: 2, width: 64, height: 64, seed: String(job) } });

    // A short queue first: one job per client, then status queries over them.
    const first = await Promise.all(keys.map((key, client) => graphql<{ generate: Accepted }>(server.url, key, GENERATE, input(client, 0))));
    const statusShortQueue = await pollStatus(server.url, keys, first.map((r, i) => ({ id: r.generate.id, key: i })));

    // Then every client sends its jobs, one after another; the first SUBSCRIBED clients follow each job.
    const lastPosition = new Map<string, number>();
    let queuedEvents = 0;
    const latencies: number[] = [];
    const accepted: { id: string; key: number }[] = [];
    const failures = new Map<string, number>();
    const subscriptionErrors = new Map<string, number>();
    const started = performance.now();
    await Promise.all(
      keys.map(async (key, client) => {
        const ws = client < SUBSCRIBED ? wsClient(server.url, key) : undefined;
        if (ws) subscriptions.push(ws);
        for (let job = 1; job <= JOBS; job++) {
          const start = performance.now();
          const result = await graphql<{ generate: Accepted }>(server.url, key, GENERATE, input(client, job)).catch((error: unknown) => error as Error);
          latencies.push(performance.now() - start);
          if (result instanceof Error) {
            failures.set(result.message.slice(0, 200), (failures.get(result.message.slice(0, 200)) ?? 0) + 1);
            continue;
          }
          const { generate } = result;
          if (generate.status !== 'QUEUED' || !generate.queuePosition) throw new Error(`not queued: ${JSON.stringify(generate)}`);
          accepted.push({ id: generate.id, key: client });
          ws?.subscribe<{ generationEvents: { type: string; position?: number } }>(
            { query: EVENTS, variables: { id: generate.id } },
            {
              next: ({ data }) => {
                if (data?.generationEvents.type !== 'QUEUED') return;
                queuedEvents++;
                lastPosition.set(generate.id, data.generationEvents.position!);
              },
              error: (error) => {
                subscriptionErrors.set(describeError(error), (subscriptionErrors.get(describeError(error)) ?? 0) + 1);
              },
              complete: () => {},
            },
          );
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const sorted = [...latencies].sort((a, b) => a - b);

    const insertsPerSecond = await plainInserts(server, CLIENTS * JOBS);
    const statusLongQueue = await pollStatus(server.url, keys, accepted);
    for (const [message, count] of subscriptionErrors) console.log(`${server.database.kind}: ${count} subscriptions failed: ${message}`);
    // A job whose subscription failed has no events to check.
    const positionsChecked = await checkPositions(server.url, keys, subscriptionErrors.size > 0 ? [] : accepted, lastPosition);
    const acceptedPerSecond = round(accepted.length / seconds, 1);
    for (const [message, count] of failures) console.log(`${server.database.kind}: ${count} generate failed: ${message}`);
    return {
      database: server.database.kind,
      accepted: accepted.length,
      failed: [...failures.values()].reduce((a, b) => a + b, 0),
      acceptedPerSecond,
      acceptP50Ms: round(median(latencies)),
      acceptP99Ms: round(sorted[Math.ceil(0.99 * sorted.length) - 1]!),
      insertsPerSecond: round(insertsPerSecond, 1),
      ratio: round(acceptedPerSecond / insertsPerSecond, 3),
      queuedEvents,
      statusShortQueue: { ...statusShortQueue, queue: first.length },
      statusLongQueue: { ...statusLongQueue, queue: first.length + accepted.length },
      statusRatio: round(statusLongQueue.p50 / statusShortQueue.p50, 2),
      positionsChecked,
      subscriptionsFailed: [...subscriptionErrors.values()].reduce((a, b) => a + b, 0),
    };
  } finally {
    await Promise.all(subscriptions.map((ws) => ws.dispose()));
    await server.close();
    await pgDatabase?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

/** POLLS status queries, one after another, cycling over `jobs` (each asked with its owner's key). */
async function pollStatus(url: string, keys: string[], jobs: { id: string; key: number }[]): Promise<Percentiles> {
  const times: number[] = [];
  for (let i = 0; i < POLLS; i++) {
    const job = jobs[i % jobs.length]!;
    const start = performance.now();
    const { generation } = await graphql<{ generation: Accepted | null }>(url, keys[job.key]!, STATUS, { id: job.id }, true);
    times.push(performance.now() - start);
    if (generation?.status !== 'QUEUED' || !generation.queuePosition) throw new Error(`status query: ${JSON.stringify(generation)}`);
  }
  return percentiles(times);
}

/**
 * Every subscribed job's last QUEUED event must come to say what `generation(id)` says (events may still be
 * on their way: polled with a deadline). Returns how many were checked.
 */
async function checkPositions(url: string, keys: string[], accepted: { id: string; key: number }[], lastPosition: Map<string, number>): Promise<number> {
  const subscribed = accepted.filter((job) => job.key < SUBSCRIBED);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const wrong: string[] = [];
    for (const job of subscribed) {
      const { generation } = await graphql<{ generation: Accepted | null }>(url, keys[job.key]!, STATUS, { id: job.id }, true);
      if (lastPosition.get(job.id) !== generation?.queuePosition) wrong.push(`${job.id}: event ${lastPosition.get(job.id)}, query ${generation?.queuePosition}`);
    }
    if (wrong.length === 0) return subscribed.length;
    if (Date.now() > deadline) throw new Error(`${wrong.length} subscribed jobs' positions disagree, e.g. ${wrong.slice(0, 3).join('; ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The baseline: `count` single-row INSERTs of Generation rows, CLIENTS at a time (COMPLETED, so the queue is untouched). */
async function plainInserts(server: RunningServer, count: number): Promise<number> {
  const { prisma } = server.database;
  const prompt = await prisma.prompt.findFirstOrThrow({ select: { id: true } });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < count) {
        const i = next++;
        await prisma.$executeRaw`
          INSERT INTO "Generation" (id, "promptId", model, sampler, steps, "guidanceScale", width, height, seed, "batchSize", status, "finishedAt")
          VALUES (${`baseline${i}`}, ${prompt.id}, 'tiny', 'euler', 2, 7, 64, 64, ${i}, 1, 'COMPLETED', now())`;
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

async function createAccountKey(server: RunningServer, name: string): Promise<string> {
  const key = newApiKey();
  await new AccountStore(server.database.prisma).addKey(name, key, 'USER');
  return key.key;
}

async function graphql<T>(url: string, key: string, query: string, variables: object, idempotent = false): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    // A kept-alive connection the server closed as it was reused: a query may simply be asked again.
    if (idempotent) return graphql(url, key, query, variables, false);
    throw error;
  }
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(`GraphQL failed (${response.status}): ${JSON.stringify(body.errors)}`);
  return body.data;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  const close = error as { code?: number; reason?: string };
  return close.code !== undefined ? `closed ${close.code} ${close.reason}` : JSON.stringify(error).slice(0, 200);
}

function wsClient(url: string, key: string): Client {
  return createClient({ url: `${url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: { authorization: `Bearer ${key}` } });
}

interface Percentiles {
  p50: number;
  p99: number;
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  return { p50: at(0.5), p99: at(0.99) };
}

function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

await main();
