/**
 * npm run bench:affinity — queue affinity on one worker that keeps one model loaded (ATELIER_WORKER_MEMORY=0):
 * BENCH_JOBS jobs alternating two models (copies of toy-shapes, BENCH_STEPS steps each) queued in one request,
 * through the real server (embedded database, one worker). Measured: the time from the request to the last
 * job's end and how often the worker switched models, with affinity on (ATELIER_AFFINITY_WAIT_MS=20000) against
 * off (0: the fair first-come order, which switches on every job), in the same run; then the same with a cache
 * budget that keeps both models (the default 4 GiB), where switching costs nothing either way. BENCH_ROUNDS
 * rounds each; the median time. Prints a table and one JSON line.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startServer } from '../src/server.js';
import { printBenchRecord } from './bench-record.js';
import { median } from './timing.js';

const TOY_SHAPES = fileURLToPath(new URL('../../models/toy-shapes', import.meta.url));
const JOBS = Number(process.env.BENCH_JOBS ?? 12);
const STEPS = Number(process.env.BENCH_STEPS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const THREADS = Number(process.env.BENCH_THREADS ?? os.availableParallelism());

interface Case {
  label: string;
  affinityWaitMs: number;
  workerMemoryBytes: number;
}

interface Measured {
  ms: number;
  switches: number;
}

async function post<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** One round: a fresh server, JOBS jobs alternating the models in one request, until the last has finished. */
async function round(modelsDir: string, { affinityWaitMs, workerMemoryBytes }: Case): Promise<Measured> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-bench-affinity-'));
  const base = loadConfig({});
  // Every job in one request: raised beyond the 5 queueing mutations a request may hold by default.
  const queryLimits = { ...base.queryLimits, maxQueueingMutations: JOBS };
  const config = { ...base, host: '127.0.0.1', port: 0, dataDir, modelsDir, defaultModel: 'alpha', embeddingModel: 'off' as const, queryLimits };
  const server = await startServer({ ...config, workers: 1, cpuThreadsPerWorker: THREADS, affinityWaitMs, workerMemoryBytes }, createLogger('silent'));
  try {
    const fields = Array.from({ length: JOBS }, (_, i) => `j${i}: generate(input: { prompt: "a large red circle in the center, blue background", model: "${i % 2 ? 'beta' : 'alpha'}", seed: "${i}", steps: ${STEPS} }) { id }`);
    const started = performance.now();
    const queued = await post<Record<string, { id: string }>>(server.url, `mutation { ${fields.join('\n')} }`);
    const ids = Object.values(queued).map((job) => job.id);
    let rows: { id: string; status: string; model: string; startedAt: string | null }[] = [];
    for (;;) {
      rows = await Promise.all(ids.map(async (id) => (await post<{ generation: (typeof rows)[number] }>(server.url, `query($id: ID!) { generation(id: $id) { id status model startedAt } }`, { id })).generation));
      if (rows.every((row) => row.status === 'COMPLETED')) break;
      if (rows.some((row) => row.status === 'FAILED' || row.status === 'CANCELLED')) throw new Error(`a job did not complete: ${JSON.stringify(rows)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const ms = performance.now() - started;
    const order = rows.sort((a, b) => Date.parse(a.startedAt!) - Date.parse(b.startedAt!)).map((row) => row.model);
    return { ms, switches: order.filter((model, i) => i > 0 && model !== order[i - 1]).length };
  } finally {
    await server.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

async function measure(modelsDir: string, which: Case): Promise<Measured> {
  const runs: Measured[] = [];
  for (let r = 0; r < ROUNDS; r++) runs.push(await round(modelsDir, which));
  return { ms: Math.round(median(runs.map((run) => run.ms))), switches: median(runs.map((run) => run.switches)) };
}

async function main(): Promise<void> {
  const modelsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-bench-affinity-models-'));
  try {
    for (const name of ['alpha', 'beta']) await fs.cp(TOY_SHAPES, path.join(modelsDir, name), { recursive: true });
    const cases: Case[] = [
      { label: 'one model kept, affinity off', affinityWaitMs: 0, workerMemoryBytes: 0 },
      { label: 'one model kept, affinity on', affinityWaitMs: 20_000, workerMemoryBytes: 0 },
      { label: 'both kept, affinity off', affinityWaitMs: 0, workerMemoryBytes: 4 * 1024 ** 3 },
      { label: 'both kept, affinity on', affinityWaitMs: 20_000, workerMemoryBytes: 4 * 1024 ** 3 },
    ];
    const results: Array<Case & Measured> = [];
    for (const which of cases) results.push({ ...which, ...(await measure(modelsDir, which)) });
    console.log(`${JOBS} jobs alternating two toy-shapes models, ${STEPS} steps each, one worker (${THREADS} threads), median of ${ROUNDS}`);
    console.log('| case | total | model switches |');
    console.log('|---|---|---|');
    for (const r of results) console.log(`| ${r.label} | ${r.ms} ms | ${r.switches} |`);
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    const [offOne, onOne, offBoth, onBoth] = results;
    const ratios = { oneModelKept: ratio(offOne!.ms, onOne!.ms), bothKept: ratio(offBoth!.ms, onBoth!.ms) };
    console.log(`affinity off / on: ${ratios.oneModelKept} with one model kept, ${ratios.bothKept} with both kept`);
    printBenchRecord('affinity', { jobs: JOBS, steps: STEPS, rounds: ROUNDS, threads: THREADS, results, ratios });
  } finally {
    await fs.rm(modelsDir, { recursive: true, force: true });
  }
}

await main();
