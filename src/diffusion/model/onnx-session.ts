/**
 * Loading one ONNX component (text encoder, UNet, VAE) on the best execution provider, and feeding it.
 * A model with LoRA merged in comes as bytes with its external data in memory (editable-onnx.ts), so the
 * pipeline above never sees the difference.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ort from 'onnxruntime-node';
import type { FloatTensor } from '../tensor.js';
import { floatOnnxTensor, intOnnxTensor, type OnnxFeeds, type OnnxTensor } from './onnx-tensors.js';

export type ExecutionDevice = 'auto' | 'cuda' | 'cpu';

export interface SessionOptions {
  device: ExecutionDevice;
  /** CUDA device ordinal when running on CUDA. */
  cudaDeviceId?: number;
  /** Intra-op threads on CPU; undefined lets onnxruntime choose. */
  cpuThreads?: number;
}

export interface InputDescription {
  name: string;
  /** onnxruntime tensor type, e.g. "float32", "float16", "int64", "int32". */
  type: string;
  /** Declared shape; strings are symbolic (dynamic) dimensions. */
  shape: ReadonlyArray<number | string>;
}

/** The provider actually used, reported so the server can log why it is not CUDA. */
export interface ProviderChoice {
  provider: 'cuda' | 'cpu';
  reason?: string;
}

/**
 * One ONNX component of a model (text encoder, UNet, VAE). Knows its inputs' declared dtypes and shapes
 * so callers can hand it float32 data and let it convert, which is what lets fp16 and fp32 exports and
 * int64 or float timesteps share one pipeline.
 */
export class ModelSession {
  private constructor(
    readonly session: ort.InferenceSession,
    readonly providerChoice: ProviderChoice,
    private readonly inputs: Map<string, InputDescription>,
  ) {}

  /** From a model file, or from bytes with their external data in memory (a model with LoRA merged in). */
  static async load(model: string, options: SessionOptions): Promise<ModelSession> {
    const { session, choice } = await createSession(model, options);
    const inputs = new Map<string, InputDescription>();
    for (const meta of session.inputMetadata) {
      if (!meta.isTensor) continue;
      inputs.set(meta.name, { name: meta.name, type: meta.type, shape: meta.shape });
    }
    return new ModelSession(session, choice, inputs);
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  input(name: string): InputDescription {
    const description = this.inputs.get(name);
    if (!description) {
      throw new Error(`model input "${name}" not found; the model has ${[...this.inputs.keys()].join(', ')}`);
    }
    return description;
  }

  hasInput(name: string): boolean {
    return this.inputs.has(name);
  }

  /** A tensor for a float input, converted to the dtype the model declares (float32 or float16). */
  floatInput(name: string, value: FloatTensor): OnnxTensor {
    return floatOnnxTensor(this.input(name).type, value, name);
  }

  /** A tensor for an integer input (token ids, a discrete timestep), as int64 or int32 as the model declares. */
  intInput(name: string, values: Int32Array, dims: readonly number[]): OnnxTensor {
    return intOnnxTensor(this.input(name).type, values, dims);
  }

  async run(feeds: OnnxFeeds): Promise<OnnxFeeds> {
    const results = await this.session.run(feeds);
    return results as OnnxFeeds;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** The CPU session options every model session uses (exported so benchmarks time bare calls the same way). */
export function cpuSessionOptions(options: SessionOptions): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    // The arena keeps freed blocks for the next step, which has the same shapes: without it a 512x512 step is
    // about twice as slow (fresh pages for every large tensor; bench:memory). It holds the largest job's
    // buffers until the session is released, and the Node binding passes no run option that shrinks it, so
    // the worker releases its sessions after a large job instead (generation/worker.ts giveBackMemory).
    enableCpuMemArena: true,
    // The memory pattern allocates a second block of a step's whole working set from the second run on, beside
    // the arena's chunks from the first: twice the peak of a large job, for no measurable speed (bench:memory).
    enableMemPattern: false,
    ...(options.cpuThreads ? { intraOpNumThreads: options.cpuThreads, interOpNumThreads: 1 } : {}),
  };
}

function open(model: string, sessionOptions: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, sessionOptions);
}

async function createSession(
  model: string,
  options: SessionOptions,
): Promise<{ session: ort.InferenceSession; choice: ProviderChoice }> {
  if (options.device === 'cpu') {
    return { session: await open(model, cpuSessionOptions(options)), choice: { provider: 'cpu' } };
  }
  const missing = missingCudaProvider();
  if (missing && options.device === 'auto') {
    return { session: await open(model, cpuSessionOptions(options)), choice: { provider: 'cpu', reason: missing } };
  }
  try {
    const session = await open(model, {
      executionProviders: [{ name: 'cuda', deviceId: options.cudaDeviceId ?? 0 }],
      graphOptimizationLevel: 'all',
    });
    return { session, choice: { provider: 'cuda' } };
  } catch (error) {
    if (options.device === 'cuda') throw new Error(`CUDA was requested but is not usable: ${describe(error)}`);
    const session = await open(model, cpuSessionOptions(options));
    return { session, choice: { provider: 'cpu', reason: `CUDA not available: ${describe(error)}` } };
  }
}

/**
 * onnxruntime-node ships the CPU provider only; the CUDA provider library is a separate install
 * (`ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install`, README "Running on a GPU"). Checking for the file first avoids onnxruntime's noisy
 * load errors on every CPU-only machine. Returns why CUDA is unavailable, or undefined when it may be.
 */
function missingCudaProvider(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined; // let onnxruntime decide
  const packageDir = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  const library = path.join(packageDir, 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so');
  return fs.existsSync(library)
    ? undefined
    : 'onnxruntime-node was installed without its CUDA provider (install it with ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install)';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
