/**
 * Part of `npm run bench:pipeline`: the pipeline's cost per step on each model family (SD 1.x, SDXL with its
 * text_embeds/time_ids, LCM with its embedded guidance), each against a bare `session.run` of the same UNet
 * file with inputs of the same shapes, measured in the same run. SD 1.x and SDXL run with guidance (batch 2);
 * LCM's guidance is an input, so its step is one call of batch 1.
 */
import path from 'node:path';
import ort from 'onnxruntime-node';
import { StableDiffusionPipeline } from '../src/diffusion/index.js';
import { writeTinyModel, type TinyModelOptions } from '../src/test-models/tiny/write-tiny-model.js';
import { cpuSessionOptions } from '../src/diffusion/model/onnx-session.js';
import { median, medianStepMs, timeMs } from './timing.js';
import { unetFeeds } from './unet-feeds.js';

export interface FamilyResult {
  sampler: string;
  unetBatch: number;
  stepMs: number;
  bareMs: number;
  ratio: number;
}

interface BenchSettings {
  dir: string;
  size: number;
  steps: number;
  rounds: number;
  threads: number;
  device: 'cpu' | 'cuda';
}

const FAMILIES: Record<string, { options: TinyModelOptions; sampler: string; guidanceScale: number }> = {
  sd1: { options: {}, sampler: 'euler', guidanceScale: 7 },
  sdxl: { options: { family: 'sdxl' }, sampler: 'euler', guidanceScale: 5 },
  lcm: { options: { lcm: true }, sampler: 'lcm', guidanceScale: 8.5 },
};

export async function benchFamilies(settings: BenchSettings): Promise<Record<string, FamilyResult>> {
  const results: Record<string, FamilyResult> = {};
  for (const [name, family] of Object.entries(FAMILIES)) {
    const modelDir = path.join(settings.dir, `family-${name}`);
    await writeTinyModel(modelDir, { preset: 'bench', ...family.options });
    const pipeline = await StableDiffusionPipeline.load(modelDir, { device: settings.device, cpuThreads: settings.threads });
    const bare = await ort.InferenceSession.create(
      path.join(modelDir, 'unet/model.onnx'),
      settings.device === 'cuda'
        ? { executionProviders: [{ name: 'cuda', deviceId: 0 }], graphOptimizationLevel: 'all' }
        : cpuSessionOptions({ device: 'cpu', cpuThreads: settings.threads }),
    );
    const unetBatch = name === 'lcm' ? 1 : 2;
    const feeds = unetFeeds(bare, unetBatch, settings.size / 8);
    const request = {
      prompt: 'a lighthouse on a cliff at dusk',
      negativePrompt: 'blurry',
      sampler: family.sampler,
      steps: settings.steps,
      guidanceScale: family.guidanceScale,
      width: settings.size,
      height: settings.size,
      seeds: [42n],
    };
    await pipeline.txt2img({ ...request, steps: 2 });
    await bare.run(feeds);
    const stepRounds: number[] = [];
    const bareRounds: number[] = [];
    for (let r = 0; r < settings.rounds; r++) {
      stepRounds.push(await medianStepMs((onStep) => pipeline.txt2img({ ...request, onStep })));
      bareRounds.push(await timeMs(() => bare.run(feeds), settings.steps));
    }
    const stepMs = median(stepRounds);
    const bareMs = median(bareRounds);
    results[name] = { sampler: family.sampler, unetBatch, stepMs: round(stepMs), bareMs: round(bareMs), ratio: round(stepMs / bareMs, 3) };
    await pipeline.release();
    await bare.release();
  }
  return results;
}

function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

export function printFamilies(results: Record<string, FamilyResult>): void {
  console.log('| family | sampler | UNet batch | pipeline step | bare UNet | overhead ratio |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, r] of Object.entries(results)) {
    console.log(`| ${name} | ${r.sampler} | ${r.unetBatch} | ${r.stepMs} ms | ${r.bareMs} ms | ${r.ratio} |`);
  }
}
