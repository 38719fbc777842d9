/**
 * Worker thread entry. Each worker owns its ONNX sessions (one set per model and LoRA set, kept up to its memory
 * budget by pipeline-cache.ts, and released when a large job grew them: giveBackMemory) and runs one job at a time; progress goes back to the pool as
 * messages. Decoding init images and masks, encoding PNGs and previews here keeps that CPU work off the main
 * thread that serves the API.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  decodeToGray,
  decodeToRgb,
  encodePng,
  encodePreviewWebp,
  GenerationAbortedError,
  latentToRgb,
  StableDiffusionPipeline,
  pipelineFileBytes,
  TaesdDecoder,
  toDataUrl,
  readTextChunks,
  readImageSize,
  upscaleToSize,
  UpscalerModel,
  SafetyChecker,
  blurImage,
  blackImage,
  type RgbImage,
  type ModelFamily,
  type Txt2ImgRequest,
} from '../diffusion/index.js';
import type { FloatTensor } from '../diffusion/tensor.js';
import { LoadedFiles } from './loaded-files.js';
import { safetyWarning } from './safety-mode.js';
import { PipelineCache } from './pipeline-cache.js';
import type { FromWorker, ToWorker, UpscaleWorkerJob, WorkerJob, WorkerStartData } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('worker.ts must run as a worker thread');
const { session, taesdDir, memoryBudgetBytes } = workerData as WorkerStartData;
/** One TAESD decoder per model family: a worker may load SD 1.x and SDXL models over its life. */
const taesdByFamily = new Map<ModelFamily, Promise<TaesdDecoder>>();

/** The models and LoRA sets this worker keeps loaded, up to its memory budget. */
const pipelines = new PipelineCache<StableDiffusionPipeline>(memoryBudgetBytes ?? 0, async (dir, loras, embeddings) => {
  const pipeline = await StableDiffusionPipeline.load(dir, session, { loras, embeddings, memoryBudgetBytes: memoryBudgetBytes ?? 0 });
  rssAfterLoad = process.memoryUsage.rss();
  return { pipeline, bytes: await pipelineFileBytes(pipeline.model) };
});
/** Safety checkers by file, loaded on a model's first checked job. */
const checkers = new LoadedFiles((file) => SafetyChecker.load(file, session));

/**
 * The model's safety checker on each image, as diffusers runs it after decoding (none, or ATELIER_SAFETY=off:
 * nothing is checked): a flagged image is black (block), blurred, or kept, and marked either way.
 */
async function checkSafety(job: WorkerJob, pipeline: StableDiffusionPipeline, images: readonly RgbImage[]): Promise<{ images: RgbImage[]; flagged: number[] }> {
  const file = pipeline.model.paths.safetyChecker;
  if (!file || job.safety === 'off') return { images: [...images], flagged: [] };
  const checker = await checkers.get(file);
  const flagged: number[] = [];
  const out: RgbImage[] = [];
  for (const [index, image] of images.entries()) {
    const verdict = await checker.checkImage(image);
    if (verdict.flagged) flagged.push(index);
    out.push(!verdict.flagged || job.safety === 'flag' ? image : job.safety === 'blur' ? blurImage(image) : blackImage(image));
  }
  return { images: out, flagged };
}

/** Upscaler models by file, for upscale jobs and hires fixes. */
const upscalers = new LoadedFiles((file) => UpscalerModel.load(file, session));

/** The process RSS right after the last load (what giveBackMemory compares to). */
let rssAfterLoad = 0;
const cancellations = new Map<string, AbortController>();
/** The job running now (run() never rejects), so that shutdown can wait for it. */
let current: Promise<void> | undefined;

function send(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

/** How far above its RSS after loading a worker may stay after a large job; more is given back. */
const KEEP_ABOVE_LOADED_BYTES = 256 * 1024 ** 2;

/**
 * onnxruntime's CPU arena keeps the largest job's buffers until its sessions are released (the Node binding
 * cannot pass the run option that shrinks it, and without the arena a step is 1.8x slower at 256 px, 2.7x at 512:
 * BENCHMARKS.md, bench:memory). So after a job larger than one native-size image, if the process holds more than
 * 256 MiB above what it held after the last load, that job's sessions are released; the next job loads them
 * again. Ordinary jobs keep their warm arena. Runs before the job's last message, so no next job can be using the
 * sessions. RSS is the whole process's: with several workers one may release after another grew it (a reload, no harm).
 */
async function giveBackMemory(job: WorkerJob, pipeline: StableDiffusionPipeline | undefined): Promise<void> {
  if (!pipeline) return;
  const native = pipeline.model.defaultSize ** 2;
  const { width, height, seeds } = job.request;
  const larger = seeds.length * (width * height) ** 2 > native ** 2;
  if (!larger || process.memoryUsage.rss() - rssAfterLoad <= KEEP_ABOVE_LOADED_BYTES) return;
  await pipelines.drop({ dir: job.modelDir }, job.loras, job.embeddings);
}

async function run(job: WorkerJob): Promise<void> {
  const abort = new AbortController();
  cancellations.set(job.id, abort);
  // Previews are encoded (on sharp's threads, or by TAESD's session) while the next step runs; the chain keeps
  // STEP events in order, and the job is not over before the last of them is.
  let steps = Promise.resolve();
  let outcome: FromWorker;
  let pipeline: StableDiffusionPipeline | undefined;
  try {
    const init = await decodeInit(job);
    pipeline = await pipelines.get({ dir: job.modelDir, name: job.modelName }, job.loras, job.embeddings).catch((error: unknown) => {
      throw new ModelLoadError(error);
    });
    // SDXL, SD3 and FLUX latents need their own preview colours and TAESD weights.
    const family = pipeline.model.traits.family;
    const previewPipeline = pipeline;
    const provider = pipeline.provider;
    send({ type: 'started', jobId: job.id, provider: provider.provider, providerNote: provider.reason });
    const { request } = job;
    const upscalerModel = job.hiresUpscaler && request.hires ? await upscalers.get(job.hiresUpscaler.file) : undefined;
    const result = await generate(pipeline!, {
      ...request,
      ...(request.hires && upscalerModel ? { hires: { ...request.hires, upscalerModel } } : {}),
      init,
      signal: abort.signal,
      onStep: ({ step, totalSteps, pass, latents, durationMs }) => {
        const wantPreview = job.previewEvery > 0 && (step % job.previewEvery === 0 || step === totalSteps);
        // A preview that fails is skipped; it must not fail the generation.
        const encoded = wantPreview ? preview(job, family, previewPipeline, latents).catch(() => undefined) : Promise.resolve(undefined);
        steps = steps.then(async () => {
          const webp = await encoded;
          send({ type: 'step', jobId: job.id, step, totalSteps, ...(pass === 2 ? { pass } : {}), preview: webp ? toDataUrl(webp, 'image/webp') : null, durationMs });
        });
      },
    });
    await steps;
    const safety = await checkSafety(job, pipeline, result.images);
    for (const [index, image] of safety.images.entries()) {
      const seed = request.seeds[index]!;
      const owned = ownedBytes(await encodePng(image, job.imageParameters[index] ?? ''));
      send(
        { type: 'image', jobId: job.id, index, seed, width: image.width, height: image.height, png: owned, ...(safety.flagged.includes(index) ? { nsfw: true } : {}) },
        [owned.buffer as ArrayBuffer],
      );
    }
    outcome = { type: 'completed', jobId: job.id, warnings: [...pipeline!.loraWarnings, ...pipeline!.embeddingWarningsFor([request.prompt, request.negativePrompt ?? '']), ...result.warnings, ...(safety.flagged.length && job.safety !== 'off' ? [safetyWarning(safety.flagged, job.safety)] : [])] };
  } catch (error) {
    if (error instanceof GenerationAbortedError) outcome = { type: 'cancelled', jobId: job.id };
    else if (error instanceof ModelLoadError) outcome = { type: 'failed', jobId: job.id, message: error.message, loadFailed: true };
    else outcome = { type: 'failed', jobId: job.id, message: error instanceof Error ? error.message : String(error) };
  } finally {
    await steps.catch(() => undefined);
    cancellations.delete(job.id);
  }
  // The pool hands this worker its next job on the outcome: memory is given back first.
  await giveBackMemory(job, pipeline);
  send({ type: 'loaded', pipelines: pipelines.loaded() });
  send(outcome);
}

/**
 * An upscale job: the source decoded at its own size, enlarged tile by tile (each tile a progress message, as
 * steps are for a generation), and encoded with the source's `parameters` text and a `postprocessing` one.
 */
async function runUpscale(job: UpscaleWorkerJob): Promise<void> {
  const abort = new AbortController();
  cancellations.set(job.id, abort);
  let outcome: FromWorker;
  try {
    const size = await readImageSize(job.source);
    const source = await decodeToRgb(job.source, size.width, size.height);
    const model = await upscalers.get(job.upscalerFile);
    send({ type: 'started', jobId: job.id, provider: session.device });
    let last = Date.now();
    const result = await upscaleToSize(model, source, job.width, job.height, {
      ...(job.tile ? { tile: job.tile } : {}),
      ...(job.overlap !== undefined ? { overlap: job.overlap } : {}),
      signal: abort.signal,
      onTile: (done, total) => {
        const now = Date.now();
        send({ type: 'step', jobId: job.id, step: done, totalSteps: total, preview: null, durationMs: now - last });
        last = now;
      },
    });
    const parameters = readTextChunks(Buffer.from(job.source.buffer, job.source.byteOffset, job.source.byteLength)).get('parameters') ?? '';
    const owned = ownedBytes(await encodePng(result, parameters, { postprocessing: job.postprocessing }));
    send({ type: 'image', jobId: job.id, index: 0, seed: job.seed, width: result.width, height: result.height, png: owned }, [owned.buffer as ArrayBuffer]);
    outcome = { type: 'completed', jobId: job.id, warnings: [] };
  } catch (error) {
    if (error instanceof GenerationAbortedError) outcome = { type: 'cancelled', jobId: job.id };
    else outcome = { type: 'failed', jobId: job.id, message: error instanceof Error ? error.message : String(error) };
  } finally {
    cancellations.delete(job.id);
  }
  send({ type: 'loaded', pipelines: pipelines.loaded() });
  send(outcome);
}

/** The PNG's bytes in a buffer of their own, to transfer: sharp's output may share a pooled buffer. */
function ownedBytes(png: Buffer): Uint8Array {
  const bytes = new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

/** Creating the model's sessions failed: its files, not the job, are at fault (the pool reports it so). */
class ModelLoadError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'ModelLoadError';
  }
}

/** img2img: the init image (and mask) decoded at the request's size; undefined for text-to-image. */
async function decodeInit(job: WorkerJob): Promise<Txt2ImgRequest['init']> {
  if (!job.init) return undefined;
  const { width, height } = job.request;
  try {
    const image = await decodeToRgb(job.init.image, width, height);
    if (!job.init.mask) return { image, strength: job.init.strength };
    return { image, strength: job.init.strength, mask: await decodeToGray(job.init.mask, width, height) };
  } catch (error) {
    throw new Error(`the init image or mask could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Stops between steps, waits for whatever ONNX run is in flight (a step, a preview, a model loading), releases
 * every session, then ends the thread. Only then is it safe for the thread to go.
 */
async function shutdown(): Promise<void> {
  for (const abort of cancellations.values()) abort.abort();
  await current;
  const releases = [
    pipelines.clear(),
    ...[...taesdByFamily.values()].map(async (decoder) => (await decoder).release()),
    upscalers.releaseAll(),
    checkers.releaseAll(),
  ];
  await Promise.allSettled(releases);
  process.exit(0);
}

/** The step preview as WebP: TAESD (decoded while the next step runs) or the instant linear map. */
async function preview(job: WorkerJob, family: ModelFamily, pipeline: StableDiffusionPipeline, latents: FloatTensor): Promise<Buffer> {
  const taesd = job.previewMethod === 'TAESD' ? taesdFor(family) : undefined;
  if (taesd) {
    const copy = { data: latents.data.slice(0, latents.data.length / latents.dims[0]!), dims: [1, ...latents.dims.slice(1)] };
    return encodePreviewWebp(await (await taesd).decode(copy, 0, job.previewMaxSize), job.previewMaxSize);
  }
  const { factors, bias } = await pipeline.latentRgbMap();
  return encodePreviewWebp(latentToRgb(latents, 0, factors, bias), job.previewMaxSize);
}

/**
 * The family's TAESD decoder, loaded on first use; undefined when its weights are not installed (a TAESD
 * folder may hold only the SD 1.x decoder), so that the job gets linear previews instead of none. A missing
 * file is not remembered, so weights added later are picked up by the next job.
 */
function taesdFor(family: ModelFamily): Promise<TaesdDecoder> | undefined {
  if (!taesdDir) return undefined;
  let decoder = taesdByFamily.get(family);
  if (!decoder) {
    if (!TaesdDecoder.isInstalled(taesdDir, family)) return undefined;
    decoder = TaesdDecoder.load(taesdDir, family);
    taesdByFamily.set(family, decoder);
  }
  return decoder;
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'run') current = message.job.kind === 'upscale' ? runUpscale(message.job) : run(message.job);
  else if (message.type === 'cancel') cancellations.get(message.jobId)?.abort();
  else if (message.type === 'shutdown') void shutdown();
});

/** The pipeline's entry point for the request: inpaint with a mask, img2img with an init image, else txt2img. */
function generate(pipeline: StableDiffusionPipeline, request: Txt2ImgRequest) {
  const { init } = request;
  if (init?.mask) return pipeline.inpaint({ ...request, init: { ...init, mask: init.mask } });
  return init ? pipeline.img2img({ ...request, init }) : pipeline.txt2img(request);
}
