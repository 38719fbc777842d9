/**
 * npm run bench:lora — what a LoRA costs, each number a ratio against a baseline measured in the same run:
 *  1. loading a model with a LoRA set merged (read the LoRA, merge every weight it names, build the sessions)
 *     against loading the plain model, on the tiny model and on toy-shapes, with a rank-8 LoRA on every
 *     MatMul/Conv module of the UNet and text encoder (the most a LoRA can touch);
 *  2. the first image with a new LoRA set (load + merge + generate) against the same image with the set's
 *     sessions kept by the worker's pipeline cache (generate only);
 *  3. alternating two LoRA sets job by job on one worker: with a cache budget that holds both
 *     (ATELIER_WORKER_MEMORY) against a budget of 0, where every switch merges again.
 * With BENCH_LARGE=1, part 1 also on a UNet with about as many weights as SD 1.5's (3.6 GB in float32,
 * external data), one round: far too slow to sample on a CPU, so only the loads are timed.
 * Prints a table and one JSON line.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StableDiffusionPipeline, type ModelFolder } from '../src/diffusion/index.js';
import { buildModuleIndex } from '../src/diffusion/lora/module-index.js';
import { scanOnnxModel } from '../src/diffusion/model/onnx-scan.js';
import { PipelineCache } from '../src/generation/pipeline-cache.js';
import { pipelineFileBytes } from '../src/diffusion/index.js';
import type { WorkerLora } from '../src/generation/worker-protocol.js';
import { writeTinyModel } from '../src/test-models/tiny/write-tiny-model.js';
import { kohyaLora, randomModule, type SyntheticModule } from '../test/support/lora-files.js';
import { printBenchRecord } from './bench-record.js';
import { timeMs } from './timing.js';

const TOY_SHAPES = fileURLToPath(new URL('../../models/toy-shapes', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const THREADS = Number(process.env.BENCH_THREADS ?? os.availableParallelism());
const RANK = 8;
const LARGE = process.env.BENCH_LARGE === '1';
const SESSION = { device: 'cpu' as const, cpuThreads: THREADS };

/** A rank-8 LoRA on every module of the model's UNet and first text encoder that has a weight. */
async function everyModuleLora(model: ModelFolder, seed: number): Promise<Buffer> {
  const modules: SyntheticModule[] = [];
  const components = [['unet', model.paths.unet], ['text_encoder', model.paths.textEncoders[0]!.model]] as const;
  for (const [component, file] of components) {
    const index = buildModuleIndex(scanOnnxModel(await fs.readFile(file)), { unet: component === 'unet' });
    for (const modulePath of index.paths) {
      const target = index.resolve(modulePath, 'dotted')!;
      if (target.shared || target.slice) continue;
      const conv = target.layout === 'conv';
      const inChannels = conv ? target.inFeatures / target.kernel.reduce((a, b) => a * b, 1) : target.inFeatures;
      const down = conv ? [RANK, inChannels, ...target.kernel] : [RANK, inChannels];
      const up = conv ? [target.outFeatures, RANK, 1, 1] : [target.outFeatures, RANK];
      modules.push(randomModule(component, modulePath, down, up, seed + modules.length, RANK / 2));
    }
  }
  return kohyaLora(modules);
}

interface Row {
  model: string;
  modelMiB: number;
  plainLoadMs: number;
  mergedLoadMs: number;
  mergeRatio: number;
  cachedImageMs: number;
  firstImageMs: number;
  firstImageRatio: number;
  alternatingCachedMs: number;
  alternatingUncachedMs: number;
  alternationRatio: number;
}

/** Loading the plain model and the model with one LoRA set merged, and the two sets written for it. */
async function benchLoads(name: string, dir: string, work: string, rounds: number) {
  const plain = await StableDiffusionPipeline.load(dir, SESSION);
  const model = plain.model;
  await plain.release();
  const loras: WorkerLora[] = [];
  for (const seed of [1, 2]) {
    const file = path.join(work, `${name}-${seed}.safetensors`);
    await fs.writeFile(file, await everyModuleLora(model, seed * 1000));
    loras.push({ name: `set${seed}`, file, hash: String(seed), weight: 0.8 });
  }
  const load = async (extra: WorkerLora[]) => (await StableDiffusionPipeline.load(dir, SESSION, { loras: extra })).release();
  const plainLoadMs = await timeMs(() => load([]), rounds);
  const mergedLoadMs = await timeMs(() => load([loras[0]!]), rounds);
  const modelMiB = Math.round((await pipelineFileBytes(model)) / 1024 ** 2 * 10) / 10;
  return { model, loras, plainLoadMs, mergedLoadMs, modelMiB };
}

async function benchModel(name: string, dir: string, work: string): Promise<Row> {
  const { model, loras, plainLoadMs, mergedLoadMs, modelMiB } = await benchLoads(name, dir, work, ROUNDS);

  const request = { prompt: 'a large red circle in the center, blue background', sampler: 'euler', steps: 4, guidanceScale: 5, width: model.defaultSize, height: model.defaultSize, seeds: [1n] };
  const cacheFor = (budget: number) =>
    new PipelineCache<StableDiffusionPipeline>(budget, async (modelDir, set) => {
      const pipeline = await StableDiffusionPipeline.load(modelDir, SESSION, { loras: set });
      return { pipeline, bytes: await pipelineFileBytes(pipeline.model) };
    });
  const target = { dir, name };
  const image = async (cache: PipelineCache<StableDiffusionPipeline>, set: WorkerLora) => (await cache.get(target, [set])).txt2img(request);

  const firsts: number[] = [];
  const cachedTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const cache = cacheFor(Number.MAX_SAFE_INTEGER);
    firsts.push(await timeMs(() => image(cache, loras[0]!)));
    cachedTimes.push(await timeMs(() => image(cache, loras[0]!)));
    await cache.clear();
  }
  const alternate = async (budget: number) => {
    const cache = cacheFor(budget);
    await image(cache, loras[0]!); // both runs start with the first set loaded
    const ms = await timeMs(async () => {
      for (let job = 1; job <= 6; job++) await image(cache, loras[job % 2]!);
    });
    await cache.clear();
    return ms;
  };
  const alternatingCachedMs = await alternate(Number.MAX_SAFE_INTEGER);
  const alternatingUncachedMs = await alternate(0);
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const firstImageMs = sorted(firsts);
  const cachedImageMs = sorted(cachedTimes);
  return {
    model: name,
    modelMiB,
    plainLoadMs: Math.round(plainLoadMs),
    mergedLoadMs: Math.round(mergedLoadMs),
    mergeRatio: round2(mergedLoadMs / plainLoadMs),
    cachedImageMs: Math.round(cachedImageMs),
    firstImageMs: Math.round(firstImageMs),
    firstImageRatio: round2(firstImageMs / cachedImageMs),
    alternatingCachedMs: Math.round(alternatingCachedMs),
    alternatingUncachedMs: Math.round(alternatingUncachedMs),
    alternationRatio: round2(alternatingUncachedMs / alternatingCachedMs),
  };
}

/** Part 1 on an SD 1.5-sized UNet, one round (BENCH_LARGE=1). */
async function benchLarge(work: string) {
  const dir = path.join(work, 'sd15-size');
  await writeTinyModel(dir, { preset: 'sd15-size', externalData: 'model.onnx_data' });
  const { plainLoadMs, mergedLoadMs, modelMiB } = await benchLoads('sd15-size', dir, work, 1);
  return { model: 'sd15-size', modelMiB, plainLoadMs: Math.round(plainLoadMs), mergedLoadMs: Math.round(mergedLoadMs), mergeRatio: round2(mergedLoadMs / plainLoadMs) };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

async function main(): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-bench-lora-'));
  try {
    await writeTinyModel(path.join(work, 'tiny'));
    const rows = [await benchModel('tiny', path.join(work, 'tiny'), work), await benchModel('toy-shapes', TOY_SHAPES, work)];
    const large = LARGE ? await benchLarge(work) : undefined;
    console.log('| model | files | plain load | load with LoRA set | ratio | image, set kept | first image, new set | ratio | 6 switches, kept | 6 switches, budget 0 | ratio |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of rows) {
      console.log(
        `| ${r.model} | ${r.modelMiB} MiB | ${r.plainLoadMs} ms | ${r.mergedLoadMs} ms | ${r.mergeRatio} | ${r.cachedImageMs} ms | ${r.firstImageMs} ms | ${r.firstImageRatio} | ${r.alternatingCachedMs} ms | ${r.alternatingUncachedMs} ms | ${r.alternationRatio} |`,
      );
    }
    if (large) console.log(`| sd15-size UNet | ${large.modelMiB} MiB | ${large.plainLoadMs} ms | ${large.mergedLoadMs} ms | ${large.mergeRatio} | (not sampled) | | | | | |`);
    printBenchRecord('lora', { rounds: ROUNDS, threads: THREADS, rank: RANK, rows, ...(large ? { large } : {}) });
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

await main();
