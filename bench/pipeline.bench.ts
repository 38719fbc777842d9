/**
 * npm run bench:pipeline — what the pipeline costs on top of the UNet.
 *
 * On a UNet big enough that one call takes tens of milliseconds here (the generator's `bench` preset at
 * 512x512, classifier-free guidance so each call is batch 2), compares, in the same run and interleaved:
 *   - a denoising step inside the real pipeline (scheduler, guidance, tensor conversion, progress callback)
 *   - a bare `session.run` of the same UNet file with the same session options and input shapes
 * and reports the ratio (pipeline overhead), plus what a latent2rgb WebP preview costs as a fraction of a step.
 * Prints a table and one JSON line.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { encodePreviewWebp, latentToRgb, StableDiffusionPipeline, TorchGenerator } from '../src/diffusion/index.js';
import { writeTinyModel } from '../src/diffusion/model/tiny/write-tiny-model.js';

const SIZE = Number(process.env.BENCH_SIZE ?? 512);
const STEPS_PER_ROUND = Number(process.env.BENCH_STEPS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const THREADS = Number(process.env.BENCH_THREADS ?? os.availableParallelism());
/** cpu (default) or cuda: the pipeline and the bare baseline always run on the same provider. */
const DEVICE = process.env.BENCH_DEVICE === 'cuda' ? 'cuda' : 'cpu';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-bench-'));
  const modelDir = path.join(dir, 'bench');
  await writeTinyModel(modelDir, { preset: 'bench' });
  const sessionOptions = { device: DEVICE, cpuThreads: THREADS } as const;
  const pipeline = await StableDiffusionPipeline.load(modelDir, sessionOptions);

  // The bare baseline: the same UNet file, the same options, inputs of the same shapes.
  const bare = await ort.InferenceSession.create(
    path.join(modelDir, 'unet/model.onnx'),
    DEVICE === 'cuda'
      ? { executionProviders: [{ name: 'cuda', deviceId: 0 }], graphOptimizationLevel: 'all' }
      : { executionProviders: ['cpu'], graphOptimizationLevel: 'all', enableCpuMemArena: true, intraOpNumThreads: THREADS, interOpNumThreads: 1 },
  );
  const latent = SIZE / 8;
  const timestepMeta = bare.inputMetadata.find((m) => m.name === 'timestep');
  const hiddenMeta = bare.inputMetadata.find((m) => m.name === 'encoder_hidden_states');
  const hidden = hiddenMeta && hiddenMeta.isTensor ? Number(hiddenMeta.shape[2]) : NaN;
  const feeds: Record<string, ort.Tensor> = {
    sample: new ort.Tensor('float32', new TorchGenerator(1).randn([2, 4, latent, latent]), [2, 4, latent, latent]),
    timestep:
      timestepMeta && timestepMeta.isTensor && timestepMeta.type === 'int64'
        ? new ort.Tensor('int64', BigInt64Array.from([500n, 500n]), [2])
        : new ort.Tensor('float32', Float32Array.from([500, 500]), [2]),
    encoder_hidden_states: new ort.Tensor('float32', new TorchGenerator(2).randn([2, 77, hidden]), [2, 77, hidden]),
  };

  const request = {
    prompt: 'a lighthouse on a cliff at dusk',
    negativePrompt: 'blurry',
    sampler: 'euler',
    steps: STEPS_PER_ROUND,
    guidanceScale: 7,
    width: SIZE,
    height: SIZE,
    seeds: [42n],
  };

  // Warm up both paths (first runs allocate the arena and pick kernels).
  await pipeline.txt2img({ ...request, steps: 2 });
  for (let i = 0; i < 2; i++) await bare.run(feeds);

  const pipelineStepMs: number[] = [];
  const bareStepMs: number[] = [];
  const previewMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let last = 0;
    const stepTimes: number[] = [];
    let latentsForPreview: Parameters<typeof latentToRgb>[0] | undefined;
    await pipeline.txt2img({
      ...request,
      onStep: ({ step, latents }) => {
        const now = performance.now();
        if (step > 1) stepTimes.push(now - last); // step 1 also includes text encoding
        last = now;
        latentsForPreview = latents;
      },
    });
    pipelineStepMs.push(median(stepTimes));

    const bareTimes: number[] = [];
    for (let i = 0; i < STEPS_PER_ROUND; i++) {
      const start = performance.now();
      await bare.run(feeds);
      bareTimes.push(performance.now() - start);
    }
    bareStepMs.push(median(bareTimes));

    const previewTimes: number[] = [];
    for (let i = 0; i < STEPS_PER_ROUND; i++) {
      const start = performance.now();
      await encodePreviewWebp(latentToRgb(latentsForPreview!, 0), 128);
      previewTimes.push(performance.now() - start);
    }
    previewMs.push(median(previewTimes));
  }

  const step = median(pipelineStepMs);
  const bareStep = median(bareStepMs);
  const preview = median(previewMs);
  const result = {
    bench: 'pipeline',
    device: pipeline.provider.provider,
    date: new Date().toISOString().slice(0, 10),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    threads: THREADS,
    size: SIZE,
    unetBatch: 2,
    rounds: ROUNDS,
    stepsPerRound: STEPS_PER_ROUND,
    bareUnetMs: round(bareStep),
    pipelineStepMs: round(step),
    overheadRatio: round(step / bareStep, 3),
    previewMs: round(preview),
    previewFractionOfStep: round(preview / step, 3),
  };
  console.log(`provider: ${pipeline.provider.provider}${pipeline.provider.reason ? ` (${pipeline.provider.reason})` : ''}`);
  console.log('| measure | value |');
  console.log('|---|---|');
  console.log(`| bare UNet session.run (batch 2, ${SIZE}x${SIZE}) | ${result.bareUnetMs} ms |`);
  console.log(`| pipeline denoising step (same UNet) | ${result.pipelineStepMs} ms |`);
  console.log(`| overhead ratio (pipeline step / bare run) | ${result.overheadRatio} |`);
  console.log(`| latent2rgb + WebP preview | ${result.previewMs} ms (${result.previewFractionOfStep} of a step) |`);
  console.log(JSON.stringify(result));
  await pipeline.release();
  await bare.release();
  await fs.rm(dir, { recursive: true, force: true });
}

function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
