import type { SessionOptions } from '../diffusion/index.js';

/** Messages between the pool (main thread) and a worker thread. Seeds travel as decimal strings. */

export interface WorkerJob {
  id: string;
  modelDir: string;
  modelName: string;
  prompt: string;
  negativePrompt: string;
  sampler: string;
  steps: number;
  guidanceScale: number;
  width: number;
  height: number;
  seeds: string[];
  previewEvery: number;
  previewMaxSize: number;
}

export type ToWorker = { type: 'run'; job: WorkerJob } | { type: 'cancel'; jobId: string };

export type FromWorker =
  | { type: 'started'; jobId: string; provider: string; providerNote?: string }
  | { type: 'step'; jobId: string; step: number; totalSteps: number; preview: string | null }
  | { type: 'image'; jobId: string; index: number; seed: string; width: number; height: number; png: Uint8Array }
  | { type: 'completed'; jobId: string; warnings: string[] }
  | { type: 'cancelled'; jobId: string }
  | { type: 'failed'; jobId: string; message: string };

export interface WorkerStartData {
  session: SessionOptions;
}
