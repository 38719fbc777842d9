/**
 * npm run bench:flow — what the pipeline costs on top of the transformer, for the flow-matching families.
 *
 * For each tiny model in optimum's layout (SD3 with and without T5, FLUX.1 dev and schnell; see
 * src/test-models/tiny/tiny-flow-model.ts), measured in one run:
 *   - a denoising step inside the real pipeline (flow sampler, SD3's classifier-free guidance, FLUX's packing
 *     and ids, tensor conversion, progress callback) against a bare `session.run` of the same transformer file
 *     with inputs of the same shapes (the overhead ratio; a step is one transformer call: Heun's 20 steps are
 *     its 39 calls, each reported);
 *   - text encoding: a prompt and a negative prompt through the CLIP encoders and T5, with T5 kept loaded,
 *     and with T5 loaded for each encode and released after (what a worker's memory budget smaller than the
 *     model asks for: one text encoder resident at a time).
 * The tiny models are a worst case for the ratio: their calls take a few milliseconds, so the pipeline's own
 * work weighs more than beside a real transformer's seconds. Prints tables and one JSON line.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { StableDiffusionPipeline, TorchGenerator } from '../src/diffusion/index.js';
import { cpuSessionOptions } from '../src/diffusion/model/onnx-session.js';
import { writeTinyModel, type TinyModelOptions } from '../src/test-models/tiny/write-tiny-model.js';
import { printBenchRecord } from './bench-record.js';
import { median, medianStepMs, timeMs } from './timing.js';

const STEPS = Number(process.env.BENCH_STEPS ?? 12);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/**
 * One thread by default: these calls take a millisecond or two, and with more each loaded session's intra-op pool
 * spins beside the one being timed, which made the same transformer 2-3x slower from one case to the next.
 */
const THREADS = Number(process.env.BENCH_THREADS ?? 1);
/** The tiny models' native picture; a larger one only adds image tokens. */
const SIZE = Number(process.env.BENCH_SIZE ?? 64);

interface FlowCase {
  options: TinyModelOptions;
  sampler: string;
  guidanceScale: number;
}

const CASES: Record<string, FlowCase> = {
  'sd3, euler': { options: { family: 'sd3' }, sampler: 'euler', guidanceScale: 4.5 },
  'sd3, heun': { options: { family: 'sd3' }, sampler: 'heun', guidanceScale: 4.5 },
  'sd3, dpmpp_2m': { options: { family: 'sd3' }, sampler: 'dpmpp_2m', guidanceScale: 4.5 },
  'sd3 without T5, euler': { options: { family: 'sd3', withoutT5: true }, sampler: 'euler', guidanceScale: 4.5 },
  'flux dev, euler': { options: { family: 'flux' }, sampler: 'euler', guidanceScale: 3.5 },
  'flux schnell, euler': { options: { family: 'flux', schnell: true }, sampler: 'euler', guidanceScale: 0 },
};

interface CaseResult {
  sampler: string;
  transformerBatch: number;
  textTokens: number;
  stepMs: number;
  bareMs: number;
  ratio: number;
  encodeMs: number;
  encodeTransientT5Ms: number | null;
}

function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

/**
 * Inputs of the shapes the pipeline gives the transformer, from its metadata: `batch` rows, a latent of
 * `latent` square, `textTokens` text tokens; ids and per-row values (timestep, guidance) as the export declares.
 */
function transformerFeeds(session: ort.InferenceSession, batch: number, latent: number, textTokens: number): Record<string, ort.Tensor> {
  const packedTokens = (latent / 2) ** 2;
  const feeds: Record<string, ort.Tensor> = {};
  session.inputMetadata.forEach((meta, i) => {
    if (!meta.isTensor) return;
    const fixed = (axis: number) => Number(meta.shape[axis]);
    let dims: number[];
    if (meta.name === 'hidden_states') dims = meta.shape.length === 4 ? [batch, fixed(1), latent, latent] : [batch, packedTokens, fixed(2)];
    else if (meta.name === 'encoder_hidden_states') dims = [batch, textTokens, fixed(2)];
    else if (meta.name === 'pooled_projections') dims = [batch, fixed(1)];
    else if (meta.name === 'img_ids' || meta.name === 'txt_ids') {
      const rows = meta.name === 'img_ids' ? packedTokens : textTokens;
      dims = meta.shape.length === 3 ? [batch, rows, 3] : [rows, 3];
    } else dims = meta.shape.length === 0 ? [] : meta.shape[0] === 1 ? [1] : [batch];
    const count = dims.reduce((a, b) => a * b, 1);
    if (meta.type === 'int64') feeds[meta.name] = new ort.Tensor('int64', new BigInt64Array(count), dims);
    else if (meta.name === 'timestep' || meta.name === 'guidance') feeds[meta.name] = new ort.Tensor('float32', new Float32Array(count).fill(0.5), dims);
    else feeds[meta.name] = new ort.Tensor('float32', new TorchGenerator(i + 1).randn(dims), dims);
  });
  return feeds;
}

/** T5's tokens (its tokenizer's model_max_length), 0 without T5. */
async function t5Tokens(modelDir: string, family: string): Promise<number> {
  const config = path.join(modelDir, family === 'sd3' ? 'tokenizer_3' : 'tokenizer_2', 'tokenizer_config.json');
  try {
    return Number((JSON.parse(await fs.readFile(config, 'utf8')) as { model_max_length: number }).model_max_length);
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-bench-flow-'));
  const results: Record<string, CaseResult> = {};
  try {
    for (const [name, c] of Object.entries(CASES)) {
      const modelDir = path.join(dir, name.replace(/[^a-z0-9]+/g, '-'));
      await writeTinyModel(modelDir, c.options);
      const family = c.options.family!;
      const options = { device: 'cpu' as const, cpuThreads: THREADS };
      const pipeline = await StableDiffusionPipeline.load(modelDir, options);
      const bare = await ort.InferenceSession.create(path.join(modelDir, 'transformer/model.onnx'), cpuSessionOptions(options));
      const withGuidance = family === 'sd3' && c.guidanceScale > 1;
      const transformerBatch = withGuidance ? 2 : 1;
      const t5 = await t5Tokens(modelDir, family);
      const textTokens = family === 'sd3' ? 77 + (t5 || 256) : t5;
      const feeds = transformerFeeds(bare, transformerBatch, SIZE / 8, textTokens);
      const request = {
        prompt: 'a lighthouse on a cliff at dusk, oil painting',
        negativePrompt: 'blurry',
        sampler: c.sampler,
        steps: STEPS,
        guidanceScale: c.guidanceScale,
        width: SIZE,
        height: SIZE,
        seeds: [42n],
      };
      // Warm up: the first runs allocate the arena and pick kernels.
      await pipeline.txt2img({ ...request, steps: 2 });
      await bare.run(feeds);
      const steps: number[] = [];
      const bares: number[] = [];
      const encodes: number[] = [];
      const transientEncodes: number[] = [];
      const prompts = [request.negativePrompt, request.prompt];
      for (let r = 0; r < ROUNDS; r++) {
        steps.push(await medianStepMs((onStep) => pipeline.txt2img({ ...request, onStep })));
        bares.push(await timeMs(() => bare.run(feeds), STEPS));
        encodes.push(await timeMs(() => pipeline.encodePrompts(prompts), 3));
      }
      await Promise.all([pipeline.release(), bare.release()]);
      // Loaded only now: an idle session's thread pool still spins beside the one being timed. A budget of one
      // byte: T5 loaded for each encode and released after.
      const transient = family === 'sd3' && c.options.withoutT5 ? null : await StableDiffusionPipeline.load(modelDir, options, { memoryBudgetBytes: 1 });
      if (transient) {
        await transient.encodePrompts(prompts);
        for (let r = 0; r < ROUNDS; r++) transientEncodes.push(await timeMs(() => transient.encodePrompts(prompts), 3));
        await transient.release();
      }
      const stepMs = median(steps);
      const bareMs = median(bares);
      results[name] = {
        sampler: c.sampler,
        transformerBatch,
        textTokens,
        stepMs: round(stepMs),
        bareMs: round(bareMs),
        ratio: round(stepMs / bareMs, 3),
        encodeMs: round(median(encodes)),
        encodeTransientT5Ms: transient ? round(median(transientEncodes)) : null,
      };
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }

  console.log(`tiny flow models, ${SIZE}x${SIZE}, ${STEPS} steps x ${ROUNDS} rounds, CPU, ${THREADS} threads`);
  console.log('| model, sampler | transformer batch | text tokens | pipeline step | bare transformer | overhead ratio | text encoding, T5 resident | T5 loaded per encode |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [name, r] of Object.entries(results)) {
    const transient = r.encodeTransientT5Ms === null ? 'no T5' : `${r.encodeTransientT5Ms} ms`;
    console.log(`| ${name} | ${r.transformerBatch} | ${r.textTokens} | ${r.stepMs} ms | ${r.bareMs} ms | ${r.ratio} | ${r.encodeMs} ms | ${transient} |`);
  }
  printBenchRecord('flow', { device: 'cpu', threads: THREADS, size: SIZE, steps: STEPS, rounds: ROUNDS, results });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
