/**
 * The engine's public entry: load a model folder in the diffusers ONNX layout and generate images with it.
 * Usable as a library without the server:
 *
 *   const pipeline = await StableDiffusionPipeline.load('models/tiny', { device: 'cpu' });
 *   const { images } = await pipeline.txt2img({ prompt: 'a red fox', sampler: 'euler', steps: 20,
 *     guidanceScale: 7, width: 512, height: 512, seeds: [42n] });
 *   const [again] = (await pipeline.img2img({ ...request, init: { image: images[0], strength: 0.5 } })).images;
 *   // pipeline.inpaint({ ...request, init: { image, strength, mask } }) repaints where mask is 255.
 *   // A folder with safety_checker/: (await SafetyChecker.load('models/sd15', options)).check(images).
 */
export { StableDiffusionPipeline } from './pipeline.js';
export {
  GenerationAbortedError,
  type GenerationRequest,
  type GenerationResult,
  type Img2ImgRequest,
  type InitImage,
  type InpaintInit,
  type InpaintRequest,
  type Txt2ImgRequest,
  type Txt2ImgResult,
  type StepProgress,
  type HiresPass,
  type HiresUpscaler,
  HIRES_UPSCALERS,
} from './requests.js';
export {
  readModelFolder,
  listModelFolders,
  scanModelFolders,
  ModelFolderError,
  type ModelFolder,
  type UnusableModelFolder,
} from './model/model-folder.js';
export { pipelineFileBytes } from './model/model-file-bytes.js';
export type { ModelTraits, ModelFamily, Distillation, GenerationDefaults } from './model/family.js';
export type { PredictionType } from './schedulers/types.js';
export type { SessionOptions, ExecutionDevice, ProviderChoice } from './model/onnx-session.js';
export { latentToRgb, latentRgbMapFor } from './preview/latent2rgb.js';
export type { RgbImage } from './rgb-image.js';
export { UpscalerModel, type TileOptions } from './upscale/upscaler-model.js';
export { upscaleToSize, upscaleRuns, tileCount } from './upscale/upscale-to-size.js';
export { readUpscalerFileInfo, type UpscalerFileInfo } from './upscale/upscaler-info.js';
export { SafetyChecker, type SafetyVerdict, type CheckedImage } from './safety/safety-checker.js';
export { CLIP_PREPROCESSING, clipPixelValues, type ClipPreprocessing } from './safety/clip-preprocessing.js';
export { blurImage, blackImage } from './safety/obscure.js';
export { TaesdDecoder } from './preview/taesd.js';
export { decodeToGray, decodeToRgb, normalizeToPng, readImageSize, encodePng, encodePreviewWebp, formatParameters, readTextChunks, toDataUrl, type ImageParameters } from './image.js';
export { PromptEmbedder } from './text/prompt-embedder.js';
export { createScheduler, flowSamplerNames, isFlowMatchConfig, schedulerNames } from './schedulers/index.js';
export { TorchGenerator } from './random/index.js';
export type { FloatTensor } from './tensor.js';
export { readLoraFileInfo, LoraFileError, type LoraFileInfo, type LoraFamily } from './lora/lora-info.js';
export { readEmbeddingFileInfo, type EmbeddingFileInfo } from './text/embedding-info.js';
export { namedEmbeddings } from './text/added-tokens.js';
