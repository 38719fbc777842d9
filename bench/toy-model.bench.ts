/**
 * npm run bench:toy — images per second of the bundled toy-shapes model on this machine.
 *
 * In one run, interleaved: the real pipeline (tokenizer, text encoder, scheduler, classifier-free guidance,
 * VAE decode, conversion to RGB) against a bare baseline of the same ONNX files doing only the model calls
 * an image needs (one text-encoder call for prompt + negative, `steps` UNet calls of batch 2, one VAE decode).
 * Reports images/s for 1 and 4 images per request and the ratio pipeline / bare. Prints a table and one JSON line.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { StableDiffusionPipeline, TorchGenerator } from '../src/diffusion/index.js';
import { cpuSessionOptions } from '../src/diffusion/model/onnx-session.js';
import { printBenchRecord } from './bench-record.js';
import { median, timeMs } from './timing.js';

const MODEL_DIR = fileURLToPath(new URL('../../models/toy-shapes', import.meta.url));
const STEPS = 20;
const GUIDANCE = 5;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const THREADS = Number(process.env.BENCH_THREADS ?? os.availableParallelism());
const SAMPLERS = ['euler', 'ddim', 'dpmpp_2m'];

async function main(): Promise<void> {
  const sessionOptions = cpuSessionOptions({ device: 'cpu', cpuThreads: THREADS });
  const pipeline = await StableDiffusionPipeline.load(MODEL_DIR, { device: 'cpu', cpuThreads: THREADS });
  const bare = {
    text: await ort.InferenceSession.create(path.join(MODEL_DIR, 'text_encoder/model.onnx'), sessionOptions),
    unet: await ort.InferenceSession.create(path.join(MODEL_DIR, 'unet/model.onnx'), sessionOptions),
    vae: await ort.InferenceSession.create(path.join(MODEL_DIR, 'vae_decoder/model.onnx'), sessionOptions),
  };
  const bareImages = async (images: number): Promise<void> => {
    const ids = new ort.Tensor('int32', new Int32Array(2 * 77).fill(1), [2, 77]);
    const { last_hidden_state: context } = await bare.text.run({ input_ids: ids });
    const hidden = context!.dims[2]!;
    const batch = 2 * images;
    const contextBatch = new ort.Tensor('float32', new Float32Array(batch * 77 * hidden).fill(0.1), [batch, 77, hidden]);
    let sample: ort.Tensor = new ort.Tensor('float32', new TorchGenerator(1).randn([batch, 4, 8, 8]), [batch, 4, 8, 8]);
    for (let step = 0; step < STEPS; step++) {
      const out = await bare.unet.run({ sample, timestep: new ort.Tensor('float32', new Float32Array(batch).fill(999 - step * 50), [batch]), encoder_hidden_states: contextBatch });
      sample = out.out_sample!;
    }
    await bare.vae.run({ latent_sample: new ort.Tensor('float32', (sample.data as Float32Array).subarray(0, images * 256), [images, 4, 8, 8]) });
  };
  const request = (sampler: string, images: number) => ({
    prompt: 'a large green triangle on the right, black background',
    sampler,
    steps: STEPS,
    guidanceScale: GUIDANCE,
    width: 64,
    height: 64,
    seeds: Array.from({ length: images }, (_, i) => BigInt(i + 1)),
  });

  await pipeline.txt2img(request('euler', 1)); // warm-up: arenas and kernels
  await bareImages(1);

  const rows: { sampler: string; images: number; pipelineMs: number; bareMs: number; imagesPerSecond: number; ratio: number }[] = [];
  for (const images of [1, 4]) {
    for (const sampler of SAMPLERS) {
      const pipelineTimes: number[] = [];
      const bareTimes: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        pipelineTimes.push(await timeMs(() => pipeline.txt2img(request(sampler, images))));
        bareTimes.push(await timeMs(() => bareImages(images)));
      }
      const pipelineMs = median(pipelineTimes);
      const bareMs = median(bareTimes);
      rows.push({ sampler, images, pipelineMs: Number(pipelineMs.toFixed(1)), bareMs: Number(bareMs.toFixed(1)), imagesPerSecond: Number(((1000 * images) / pipelineMs).toFixed(2)), ratio: Number((pipelineMs / bareMs).toFixed(3)) });
    }
  }
  console.log(`toy-shapes, 64x64, ${STEPS} steps, guidance ${GUIDANCE}, CPU ${THREADS} threads (${os.cpus()[0]?.model ?? 'unknown CPU'})`);
  console.log('| sampler | images per request | pipeline | images/s | bare model calls | ratio pipeline / bare |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.sampler} | ${r.images} | ${r.pipelineMs} ms | ${r.imagesPerSecond} | ${r.bareMs} ms | ${r.ratio} |`);
  printBenchRecord('toy-model', { threads: THREADS, rows });
  await pipeline.release();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
