/**
 * npm run bench:memory — peak memory of the largest job each model accepts, and whether it is given back.
 *
 * For toy-shapes (the bundled model) and the tiny test model, finds the largest job the memory admission
 * accepts at batchSize 1 and 8 (generation/memory-budget.ts), and runs each in a child process of its own
 * (memory-case.ts: the real server, one worker) that reports RSS before the job, the peak (VmHWM) and RSS after.
 * Then times a UNet call with onnxruntime's CPU arena on and off, interleaved in this process (arena-cost.ts),
 * which is why the arena stays on and the worker releases its sessions after a large job instead.
 * BENCH_SWEEP=1 adds toy-shapes at 256..640 px and batches 1..8 at 256 px: how memory grows with the size.
 * Prints tables and one JSON line. Linux only (/proc/self/status).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readModelFolder } from '../src/diffusion/index.js';
import { LIMITS } from '../src/generation/request-limits.js';
import { maxPixelsAtBatch, maxPixelsFor } from '../src/generation/memory-budget.js';
import { writeTinyModel } from '../src/test-models/tiny/write-tiny-model.js';
import { printBenchRecord } from './bench-record.js';
import { benchArenaCost } from './arena-cost.js';
import type { MemoryCase, MemoryResult } from './memory-case.js';

const REPO_MODELS = fileURLToPath(new URL('../../models', import.meta.url));
const TOY_SHAPES = path.join(REPO_MODELS, 'toy-shapes');
const CASE_SCRIPT = fileURLToPath(new URL('./memory-case.js', import.meta.url));
const STEPS = Number(process.env.BENCH_STEPS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const THREADS = Number(process.env.BENCH_THREADS ?? os.availableParallelism());
const SWEEP = process.env.BENCH_SWEEP === '1';

/**
 * The width x height with the most pixels up to `maxPixels`, squarest first, in multiples of 64: what real SD
 * exports need (3 downsamplings of the latents), and sides whose latents halve evenly in toy-shapes' UNet.
 */
export function largestShape(maxPixels: number): { width: number; height: number } {
  const { min, max } = LIMITS.size;
  const multipleOf = 64;
  let best: { width: number; height: number } = { width: min, height: min };
  for (let width = min; width <= max; width += multipleOf) {
    const height = Math.min(max, Math.floor(maxPixels / width / multipleOf) * multipleOf);
    if (height < min) continue;
    const area = width * height;
    const bestArea = best.width * best.height;
    if (area > bestArea || (area === bestArea && Math.abs(width - height) < Math.abs(best.width - best.height))) best = { width, height };
  }
  return best;
}

async function runCase(job: MemoryCase): Promise<MemoryResult> {
  const { stdout } = await promisify(execFile)(process.execPath, [CASE_SCRIPT, JSON.stringify(job)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as MemoryResult;
}

async function main(): Promise<void> {
  const tinyModels = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-bench-models-'));
  await writeTinyModel(path.join(tinyModels, 'tiny'));
  const cases: Array<MemoryCase & { maxPixels: number }> = [];
  for (const [model, modelsDir] of [['toy-shapes', REPO_MODELS], ['tiny', tinyModels]] as const) {
    const folder = await readModelFolder(path.join(modelsDir, model));
    const maxPixels = maxPixelsFor({ defaultSize: folder.defaultSize, family: folder.traits.family });
    for (const batchSize of [1, 8]) {
      const shape = largestShape(maxPixelsAtBatch(maxPixels, batchSize));
      cases.push({ modelsDir, model, ...shape, batchSize, steps: STEPS, maxPixels: maxPixelsAtBatch(maxPixels, batchSize) });
    }
  }
  if (SWEEP) {
    const modelsDir = REPO_MODELS;
    for (const size of [256, 384, 512, 640]) cases.push({ modelsDir, model: 'toy-shapes', width: size, height: size, batchSize: 1, steps: STEPS, maxPixels: NaN });
    for (const batchSize of [2, 4, 8]) cases.push({ modelsDir, model: 'toy-shapes', width: 256, height: 256, batchSize, steps: STEPS, maxPixels: NaN });
  }
  const rows: Array<MemoryResult & { maxPixels: number }> = [];
  for (const job of cases) {
    const { maxPixels, ...memoryCase } = job;
    rows.push({ ...(await runCase(memoryCase)), maxPixels });
  }
  const arena = await benchArenaCost(TOY_SHAPES, [64, 256, 512], ROUNDS, THREADS);

  console.log(`${STEPS} steps, guidance 7 (UNet batch 2 x batchSize), CPU ${THREADS} threads (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`);
  console.log('| model | width x height | batchSize | max pixels at this batch | RSS before | peak RSS (VmHWM) | RSS after | job |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const max = Number.isNaN(r.maxPixels) ? '(sweep)' : String(r.maxPixels);
    console.log(`| ${r.model} | ${r.width}x${r.height} | ${r.batchSize} | ${max} | ${r.beforeMiB} MiB | ${r.peakMiB} MiB | ${r.afterMiB} MiB | ${r.jobSeconds} s |`);
  }
  console.log('| model | size (UNet batch 2) | arena + memory pattern | arena only | ratio | neither | ratio |');
  console.log('|---|---|---|---|---|---|---|');
  for (const a of arena) {
    console.log(`| ${a.model} | ${a.size}x${a.size} | ${a.defaultsMs} ms | ${a.noPatternMs} ms | ${a.noPatternRatio} | ${a.noArenaMs} ms | ${a.noArenaRatio} |`);
  }
  printBenchRecord('memory', { steps: STEPS, threads: THREADS, rows: rows.map(({ modelsDir: _, ...r }) => r), arena });
  await fs.rm(tinyModels, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
