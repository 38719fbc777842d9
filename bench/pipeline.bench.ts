/**
 * npm run bench:pipeline — what the pipeline costs on top of the UNet.
 *
 * On a UNet big enough that one call takes tens of milliseconds here (the generator's `bench` preset at
 * 512x512, classifier-free guidance so each call is batch 2), measures in one run, interleaved:
 *   - per scheduler: a denoising step inside the real pipeline (scheduler, guidance, tensor conversion,
 *     progress callback) against a bare `session.run` of the same UNet file with the same options and input
 *     shapes (the overhead ratio);
 *   - the step preview by each method (latent2rgb; TAESD when its weights are found), as a fraction of a step;
 *   - classifier-free guidance as one UNet call of batch 2 against two calls of batch 1;
 *   - per model family (SD 1.x, SDXL, LCM), a step against the bare UNet with that family's inputs (families.ts).
 * Prints tables and one JSON line.
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { encodePreviewWebp, latentToRgb, schedulerNames, StableDiffusionPipeline, TorchGenerator, type FloatTensor } from '../src/diffusion/index.js';
import { writeTinyModel } from '../src/test-models/tiny/write-tiny-model.js';
import { cpuSessionOptions } from '../src/diffusion/model/onnx-session.js';
import { TaesdDecoder } from '../src/diffusion/preview/taesd.js';
import { printBenchRecord } from './bench-record.js';
import { benchFamilies, printFamilies } from './families.js';
import { median, timeMs } from './timing.js';

const SIZE = Number(process.env.BENCH_SIZE ?? 512);
const STEPS_PER_ROUND = Number(process.env.BENCH_STEPS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const THREADS = Number(process.env.BENCH_THREADS ?? os.availableParallelism());
/** cpu (default) or cuda: the pipeline and the bare baseline always run on the same provider. */
const DEVICE = process.env.BENCH_DEVICE === 'cuda' ? 'cuda' : 'cpu';
const TAESD_DIR = process.env.BENCH_TAESD_DIR ?? fileURLToPath(new URL('../../../shared/reference/taesd', import.meta.url));

function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-bench-'));
  const modelDir = path.join(dir, 'bench');
  await writeTinyModel(modelDir, { preset: 'bench' });
  const pipeline = await StableDiffusionPipeline.load(modelDir, { device: DEVICE, cpuThreads: THREADS });
  const bare = await ort.InferenceSession.create(
    path.join(modelDir, 'unet/model.onnx'),
    DEVICE === 'cuda'
      ? { executionProviders: [{ name: 'cuda', deviceId: 0 }], graphOptimizationLevel: 'all' }
      : cpuSessionOptions({ device: 'cpu', cpuThreads: THREADS }),
  );
  const latent = SIZE / 8;
  const hiddenMeta = bare.inputMetadata.find((m) => m.name === 'encoder_hidden_states');
  const hidden = hiddenMeta && hiddenMeta.isTensor ? Number(hiddenMeta.shape[2]) : NaN;
  const int64Timestep = bare.inputMetadata.some((m) => m.name === 'timestep' && m.isTensor && m.type === 'int64');
  const feeds = (batch: number): Record<string, ort.Tensor> => ({
    sample: new ort.Tensor('float32', new TorchGenerator(1).randn([batch, 4, latent, latent]), [batch, 4, latent, latent]),
    timestep: int64Timestep
      ? new ort.Tensor('int64', new BigInt64Array(batch).fill(500n), [batch])
      : new ort.Tensor('float32', new Float32Array(batch).fill(500), [batch]),
    encoder_hidden_states: new ort.Tensor('float32', new TorchGenerator(2).randn([batch, 77, hidden]), [batch, 77, hidden]),
  });
  const batch2 = feeds(2);
  const batch1 = feeds(1);
  const request = { prompt: 'a lighthouse on a cliff at dusk', negativePrompt: 'blurry', steps: STEPS_PER_ROUND, guidanceScale: 7, width: SIZE, height: SIZE, seeds: [42n] };

  // Warm up (first runs allocate the arena and pick kernels).
  await pipeline.txt2img({ ...request, sampler: 'euler', steps: 2 });
  for (let i = 0; i < 2; i++) await bare.run(batch2);

  const samplers: Record<string, { stepMs: number; bareMs: number; ratio: number }> = {};
  let latents: FloatTensor | undefined;
  for (const sampler of schedulerNames) {
    const stepRounds: number[] = [];
    const bareRounds: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const times: number[] = [];
      let last = 0;
      await pipeline.txt2img({
        ...request,
        sampler,
        onStep: ({ step, latents: current }) => {
          const now = performance.now();
          if (step > 1) times.push(now - last); // step 1 also includes text encoding
          last = now;
          latents = current;
        },
      });
      stepRounds.push(median(times));
      bareRounds.push(await timeMs(() => bare.run(batch2), STEPS_PER_ROUND));
    }
    const stepMs = median(stepRounds);
    const bareMs = median(bareRounds);
    samplers[sampler] = { stepMs: round(stepMs), bareMs: round(bareMs), ratio: round(stepMs / bareMs, 3) };
  }

  const referenceStep = samplers.euler!.stepMs;
  const previews: Record<string, { ms: number; fractionOfStep: number }> = {};
  const linearMs = await timeMs(() => encodePreviewWebp(latentToRgb(latents!, 0), 128), STEPS_PER_ROUND * ROUNDS);
  previews.LATENT2RGB = { ms: round(linearMs), fractionOfStep: round(linearMs / referenceStep, 3) };
  if (existsSync(path.join(TAESD_DIR, 'taesd_decoder.safetensors'))) {
    const taesd = await TaesdDecoder.load(TAESD_DIR);
    await taesd.decode(latents!);
    // As the worker does: latents pooled down to about the preview size before decoding.
    const taesdMs = await timeMs(async () => encodePreviewWebp(await taesd.decode(latents!, 0, 128), 128), STEPS_PER_ROUND * ROUNDS);
    previews.TAESD = { ms: round(taesdMs), fractionOfStep: round(taesdMs / referenceStep, 3) };
    const fullMs = await timeMs(async () => encodePreviewWebp(await taesd.decode(latents!), 128), ROUNDS);
    previews.TAESD_full_resolution = { ms: round(fullMs), fractionOfStep: round(fullMs / referenceStep, 3) };
    await taesd.release();
  }

  const oneCall = await timeMs(() => bare.run(batch2), STEPS_PER_ROUND * ROUNDS);
  const twoCalls = await timeMs(async () => {
    await bare.run(batch1);
    await bare.run(batch1);
  }, STEPS_PER_ROUND * ROUNDS);

  const families = await benchFamilies({ dir, size: SIZE, steps: STEPS_PER_ROUND, rounds: ROUNDS, threads: THREADS, device: DEVICE });

  console.log(`provider: ${pipeline.provider.provider}${pipeline.provider.reason ? ` (${pipeline.provider.reason})` : ''}; ${SIZE}x${SIZE}, ${THREADS} threads`);
  console.log('| sampler | pipeline step | bare UNet (batch 2) | overhead ratio |');
  console.log('|---|---|---|---|');
  for (const [name, s] of Object.entries(samplers)) console.log(`| ${name} | ${s.stepMs} ms | ${s.bareMs} ms | ${s.ratio} |`);
  console.log('| preview method | time | fraction of an Euler step |');
  console.log('|---|---|---|');
  for (const [name, p] of Object.entries(previews)) console.log(`| ${name} | ${p.ms} ms | ${p.fractionOfStep} |`);
  console.log(`| CFG: one UNet call of batch 2 | ${round(oneCall)} ms | two calls of batch 1: ${round(twoCalls)} ms (ratio ${round(oneCall / twoCalls, 3)}) |`);
  printFamilies(families);
  printBenchRecord('pipeline', {
    device: pipeline.provider.provider,
    threads: THREADS,
    size: SIZE,
    rounds: ROUNDS,
    stepsPerRound: STEPS_PER_ROUND,
    samplers,
    previews,
    families,
    cfg: { batchedMs: round(oneCall), twoCallsMs: round(twoCalls), ratio: round(oneCall / twoCalls, 3) },
  });
  await pipeline.release();
  await bare.release();
  await fs.rm(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
