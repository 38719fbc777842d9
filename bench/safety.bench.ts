/**
 * npm run bench:safety — what the safety checker adds to an image: one check (CLIP preprocessing of a 512x512
 * picture, then the checker) against the VAE decode of that picture, measured in the same run, both at real
 * size with random weights (bench/sized-models.ts: CLIP ViT-L/14, 24 layers of width 1024 at 224 pixels, and
 * SD's VAE decoder). The decode is the cheapest step every image pays once, so the ratio says how much the
 * checker weighs beside it; the preprocessing alone is also timed, since it runs in JavaScript.
 * BENCH_ROUNDS (default 3) interleaved rounds after one warm-up each; BENCH_THREADS (default all cores).
 * Prints a table and one JSON line.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import type { GraphBuilder } from '../src/diffusion/graph/onnx-graph.js';
import { ModelSession } from '../src/diffusion/model/onnx-session.js';
import { outputAsFloat32 } from '../src/diffusion/model/onnx-tensors.js';
import { clipPixelValues } from '../src/diffusion/safety/clip-preprocessing.js';
import { SafetyChecker } from '../src/diffusion/safety/safety-checker.js';
import { planarToRgb } from '../src/diffusion/vae.js';
import { SeededWeights } from '../src/test-models/tiny/seeded-weights.js';
import { json } from '../src/test-models/tiny/tiny-configs.js';
import { preprocessorConfig } from '../src/test-models/tiny/tiny-safety-checker.js';
import { printBenchRecord } from './bench-record.js';
import { buildSizedSafetyChecker, buildSizedVaeDecoder, VIT_L14 } from './sized-models.js';
import { median } from './timing.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const THREADS = Number(process.env.BENCH_THREADS ?? os.availableParallelism());
const SESSION = { device: 'cpu' as const, cpuThreads: THREADS };
const SIZE = 512;

/** Writes a graph as model.onnx + model.onnx_data (the checker is over 1 GB) and returns its parameters and MiB. */
async function write(dir: string, build: () => GraphBuilder): Promise<{ parameters: number; mib: number }> {
  const graph = build();
  const parameters = graph.parameterCount;
  const { model, data } = graph.toBytesWithExternalData('model.onnx_data');
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'model.onnx'), model);
  await fs.writeFile(path.join(dir, 'model.onnx_data'), data);
  return { parameters, mib: Math.round((model.byteLength + data.byteLength) / 2 ** 20) };
}

async function time(work: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

async function main(): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-bench-safety-'));
  try {
    const weights = new SeededWeights(0);
    let started = performance.now();
    const checkerFiles = await write(path.join(work, 'safety_checker'), () => buildSizedSafetyChecker(weights));
    await fs.mkdir(path.join(work, 'feature_extractor'));
    await fs.writeFile(path.join(work, 'feature_extractor', 'preprocessor_config.json'), json(preprocessorConfig()));
    const vaeFiles = await write(path.join(work, 'vae_decoder'), () => buildSizedVaeDecoder(weights));
    console.log(`wrote the checker (${checkerFiles.mib} MiB) and the VAE decoder (${vaeFiles.mib} MiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    started = performance.now();
    const checker = await SafetyChecker.load(work, SESSION);
    const decoder = await ModelSession.load(path.join(work, 'vae_decoder', 'model.onnx'), SESSION);
    console.log(`loaded both in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    try {
      const latentValues = weights.tensor('bench.latents', [1, 4, SIZE / 8, SIZE / 8], { std: 1 / 0.18215 });
      const latents = new ort.Tensor('float32', latentValues, [1, 4, SIZE / 8, SIZE / 8]);
      let picture = planarToRgb(outputAsFloat32((await decoder.run({ latent_sample: latents })).sample!));
      await checker.check([picture]);
      const decodeMs: number[] = [];
      const checkMs: number[] = [];
      const preprocessMs: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        decodeMs.push(await time(async () => (picture = planarToRgb(outputAsFloat32((await decoder.run({ latent_sample: latents })).sample!)))));
        checkMs.push(await time(() => checker.check([picture])));
        preprocessMs.push(await time(() => clipPixelValues(picture, checker.preprocessing)));
      }
      const [decode, check, preprocess] = [median(decodeMs), median(checkMs), median(preprocessMs)];
      const ratio = check / decode;
      console.log('| step, one 512x512 image | parameters | median | against the decode |');
      console.log('|---|---|---|---|');
      console.log(`| VAE decode | ${(vaeFiles.parameters / 1e6).toFixed(1)} M | ${decode.toFixed(0)} ms | 1 |`);
      console.log(`| safety check (preprocessing + checker) | ${(checkerFiles.parameters / 1e6).toFixed(1)} M | ${check.toFixed(0)} ms | ${ratio.toFixed(2)} |`);
      console.log(`| of which CLIP preprocessing (JavaScript) | | ${preprocess.toFixed(1)} ms | ${(preprocess / decode).toFixed(3)} |`);
      printBenchRecord('safety', {
        rounds: ROUNDS,
        threads: THREADS,
        vit: VIT_L14,
        checkerParameters: checkerFiles.parameters,
        vaeParameters: vaeFiles.parameters,
        decodeMs: Math.round(decode),
        checkMs: Math.round(check),
        preprocessMs: Math.round(preprocess * 10) / 10,
        checkToDecode: Math.round(ratio * 1000) / 1000,
      });
    } finally {
      await Promise.all([checker.release(), decoder.release()]);
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

await main();
