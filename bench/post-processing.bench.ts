/**
 * npm run bench:postprocess — what the post-processing costs:
 * 1. the hires fix on the toy-shapes model: a 64x64 image (20 steps, euler, guidance 5) alone, the baseline,
 *    against the same image with a 128x128 second pass at strength 0.5 (10 more steps at four times the
 *    latents) through each kind of upscaler (latent, Lanczos, the toy-2x model);
 * 2. tiled upscaling, per output megapixel: the shipped toy-2x on a 512x512 picture, and a network the size of
 *    Real-ESRGAN x4plus (bench/sized-models.ts, random weights) on a 128x128 one, each tiled (the defaults, 256
 *    px sharing 16, and smaller tiles) against one untiled run of the same picture in the same round.
 * BENCH_ROUNDS (default 3) interleaved rounds after a warm-up; BENCH_THREADS (default all cores).
 * Prints tables and one JSON line.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StableDiffusionPipeline, UpscalerModel, type Txt2ImgRequest } from '../src/diffusion/index.js';
import type { RgbImage } from '../src/diffusion/rgb-image.js';
import { SeededWeights } from '../src/test-models/tiny/seeded-weights.js';
import { printBenchRecord } from './bench-record.js';
import { buildSizedEsrgan } from './sized-models.js';
import { median } from './timing.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const THREADS = Number(process.env.BENCH_THREADS ?? os.availableParallelism());
const SESSION = { device: 'cpu' as const, cpuThreads: THREADS };

async function time(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** A picture with detail everywhere (a tiled run must not get off cheaply on flat regions). */
function picture(side: number): RgbImage {
  const data = new Uint8Array(side * side * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919 + (i >> 5) * 31) % 251;
  return { width: side, height: side, data };
}

/** Runs each case once per round, interleaved, after one warm-up each; the median of each. */
async function measure(cases: Record<string, () => Promise<unknown>>): Promise<Record<string, number>> {
  const times: Record<string, number[]> = {};
  for (const [name, run] of Object.entries(cases)) {
    await run();
    times[name] = [];
  }
  for (let round = 0; round < ROUNDS; round++) for (const [name, run] of Object.entries(cases)) times[name]!.push(await time(run));
  return Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)]));
}

async function hiresCosts(toy2x: UpscalerModel): Promise<Record<string, number>> {
  const pipeline = await StableDiffusionPipeline.load(path.resolve('models', 'toy-shapes'), SESSION);
  try {
    const base: Txt2ImgRequest = { prompt: 'a large red circle in the center, blue background', sampler: 'euler', steps: 20, guidanceScale: 5, width: 64, height: 64, seeds: [3n] };
    const hires = (upscaler: 'latent' | 'lanczos' | 'model') =>
      pipeline.txt2img({ ...base, hires: { width: 128, height: 128, steps: 20, strength: 0.5, upscaler, ...(upscaler === 'model' ? { upscalerModel: toy2x } : {}) } });
    const ms = await measure({
      'first pass alone (64x64, 20 steps)': () => pipeline.txt2img(base),
      'hires 128x128, latent': () => hires('latent'),
      'hires 128x128, lanczos': () => hires('lanczos'),
      'hires 128x128, toy-2x model': () => hires('model'),
    });
    const baseline = ms['first pass alone (64x64, 20 steps)']!;
    console.log('\nhires fix on toy-shapes (second pass: strength 0.5 of 20 steps = 10 steps at 16x16 latents)');
    console.log('| case | median ms | x the first pass |\n|---|---|---|');
    for (const [name, value] of Object.entries(ms)) console.log(`| ${name} | ${value.toFixed(0)} | ${(value / baseline).toFixed(2)} |`);
    return ms;
  } finally {
    await pipeline.release();
  }
}

async function upscaleCosts(name: string, model: UpscalerModel, side: number, tiles: Array<{ tile: number; overlap: number }>): Promise<Record<string, number>> {
  const image = picture(side);
  const outputMegapixels = (side * model.scale) ** 2 / 1e6;
  const cases: Record<string, () => Promise<unknown>> = { [`untiled (one ${side} px tile)`]: () => model.upscale(image, { tile: side, overlap: 0 }) };
  for (const { tile, overlap } of tiles) cases[`tile ${tile}, overlap ${overlap}`] = () => model.upscale(image, { tile, overlap });
  const ms = await measure(cases);
  const baseline = ms[`untiled (one ${side} px tile)`]!;
  console.log(`\n${name}: ${side}x${side} -> ${side * model.scale}x${side * model.scale} (${outputMegapixels.toFixed(2)} MP out)`);
  console.log('| case | median ms | ms per output MP | x untiled |\n|---|---|---|---|');
  for (const [label, value] of Object.entries(ms)) console.log(`| ${label} | ${value.toFixed(0)} | ${(value / outputMegapixels).toFixed(0)} | ${(value / baseline).toFixed(2)} |`);
  return Object.fromEntries(Object.entries(ms).map(([label, value]) => [label, Math.round(value / outputMegapixels)]));
}

async function main(): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-bench-postprocess-'));
  const toy2x = await UpscalerModel.load(path.resolve('models', 'upscalers', 'toy-2x.onnx'), SESSION);
  try {
    const hires = await hiresCosts(toy2x);
    const toy = await upscaleCosts('toy-2x (shipped)', toy2x, 512, [{ tile: 256, overlap: 16 }, { tile: 128, overlap: 16 }]);
    const esrganFile = path.join(work, 'esrgan-size-x4.onnx');
    const graph = buildSizedEsrgan(new SeededWeights(0));
    await fs.writeFile(esrganFile, graph.toBytes({ producerName: 'atelier-bench' }));
    console.log(`\nwrote an ESRGAN-size x4 network: ${(graph.parameterCount / 1e6).toFixed(1)} M parameters`);
    const esrgan = await UpscalerModel.load(esrganFile, SESSION);
    let esrganPerMp: Record<string, number>;
    try {
      esrganPerMp = await upscaleCosts('ESRGAN-size x4 (random weights)', esrgan, 128, [{ tile: 64, overlap: 8 }, { tile: 32, overlap: 8 }]);
    } finally {
      await esrgan.release();
    }
    printBenchRecord('postprocess', { threads: THREADS, rounds: ROUNDS, hiresMs: hires, toy2xMsPerOutputMp: toy, esrganMsPerOutputMp: esrganPerMp });
  } finally {
    await toy2x.release();
    await fs.rm(work, { recursive: true, force: true });
  }
}

await main();
