/**
 * One case of `npm run bench:memory`, in its own process so that the peak is the case's own. Starts the real
 * server (embedded database, one worker thread, the model's folder), runs a warm-up job at the model's native
 * size, then the case's job through `generate`, and prints one JSON line: RSS before the job, the peak (VmHWM
 * of the whole process) and RSS after it. The measured process is what an operator runs.
 * Usage: node dist/bench/memory-case.js '{"modelsDir":"...","model":"toy-shapes","width":1024,"height":512,"batchSize":1,"steps":2}'
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startServer } from '../src/server.js';

export interface MemoryCase {
  modelsDir: string;
  model: string;
  width: number;
  height: number;
  batchSize: number;
  steps: number;
}

export interface MemoryResult extends MemoryCase {
  beforeMiB: number;
  peakMiB: number;
  afterMiB: number;
  jobSeconds: number;
}

/** A field of /proc/self/status (VmRSS: now, VmHWM: the peak so far), in MiB. */
export function procStatusMiB(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
  if (!match) throw new Error(`/proc/self/status has no ${field}`);
  return Math.round(Number(match[1]) / 1024);
}

interface GraphqlAnswer {
  generate?: { id: string };
  generation?: { status: string; error: string | null };
}

async function graphql(url: string, query: string, variables: Record<string, unknown>): Promise<GraphqlAnswer> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: GraphqlAnswer; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Runs one generate to its end; throws unless it completed. */
async function generate(url: string, input: Record<string, unknown>): Promise<void> {
  const { generate: queued } = await graphql(url, 'mutation($input: GenerateInput!) { generate(input: $input) { id } }', { input });
  for (;;) {
    const { generation } = await graphql(url, 'query($id: ID!) { generation(id: $id) { status error } }', { id: queued!.id });
    if (generation?.status === 'COMPLETED') return;
    if (generation?.status === 'FAILED' || generation?.status === 'CANCELLED') throw new Error(`job ${generation.status}: ${generation.error}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as MemoryCase;
  const dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'atelier-bench-memory-'));
  const config = { ...loadConfig({}), host: '127.0.0.1', port: 0, dataDir, modelsDir: job.modelsDir, defaultModel: job.model, embeddingModel: 'off', workers: 1 };
  const server = await startServer(config, createLogger('silent'));
  try {
    const prompt = 'a large green triangle on the right, black background';
    await generate(server.url, { prompt, steps: 1, seed: '1' }); // warm: the model loaded, an ordinary job's arena
    const beforeMiB = procStatusMiB('VmRSS');
    const start = performance.now();
    await generate(server.url, { prompt, steps: job.steps, seed: '2', width: job.width, height: job.height, batchSize: job.batchSize });
    const jobSeconds = Number(((performance.now() - start) / 1000).toFixed(1));
    const peakMiB = procStatusMiB('VmHWM');
    const afterMiB = procStatusMiB('VmRSS');
    const result: MemoryResult = { ...job, beforeMiB, peakMiB, afterMiB, jobSeconds };
    console.log(JSON.stringify(result));
  } finally {
    await server.close();
    await fs.promises.rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
