/**
 * Part of `npm run bench:memory`: what onnxruntime's memory options cost a step. Sessions of the same UNet file
 * with the CPU arena and memory pattern (onnxruntime's defaults), the arena without the memory pattern, and
 * neither, run interleaved on the same inputs (batch 2, as with classifier-free guidance) at each size; each
 * variant's time is given as a ratio to the defaults', measured in the same run.
 */
import path from 'node:path';
import ort from 'onnxruntime-node';
import { cpuSessionOptions } from '../src/diffusion/model/onnx-session.js';
import { median, timeMs } from './timing.js';
import { unetFeeds } from './unet-feeds.js';

export interface ArenaCost {
  model: string;
  size: number;
  /** Median ms per call: arena and memory pattern / arena only / neither. */
  defaultsMs: number;
  noPatternMs: number;
  noArenaMs: number;
  noPatternRatio: number;
  noArenaRatio: number;
}

export async function benchArenaCost(modelDir: string, sizes: readonly number[], rounds: number, threads: number): Promise<ArenaCost[]> {
  const file = path.join(modelDir, 'unet/model.onnx');
  const base = cpuSessionOptions({ device: 'cpu', cpuThreads: threads });
  const variants = [
    await ort.InferenceSession.create(file, { ...base, enableCpuMemArena: true, enableMemPattern: true }),
    await ort.InferenceSession.create(file, { ...base, enableCpuMemArena: true, enableMemPattern: false }),
    await ort.InferenceSession.create(file, { ...base, enableCpuMemArena: false, enableMemPattern: false }),
  ];
  const results: ArenaCost[] = [];
  for (const size of sizes) {
    const feeds = unetFeeds(variants[0]!, 2, size / 8);
    for (const session of variants) await session.run(feeds);
    const times: number[][] = variants.map(() => []);
    const repeats = size <= 128 ? 20 : 3;
    for (let r = 0; r < rounds; r++) {
      for (const [i, session] of variants.entries()) times[i]!.push(await timeMs(() => session.run(feeds), repeats));
    }
    const [defaultsMs, noPatternMs, noArenaMs] = times.map(median) as [number, number, number];
    results.push({
      model: path.basename(modelDir),
      size,
      ...{ defaultsMs: round(defaultsMs), noPatternMs: round(noPatternMs), noArenaMs: round(noArenaMs) },
      ...{ noPatternRatio: round(noPatternMs / defaultsMs, 3), noArenaRatio: round(noArenaMs / defaultsMs, 3) },
    });
  }
  for (const session of variants) await session.release();
  return results;
}

function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}
