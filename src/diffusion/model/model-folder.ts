/**
 * Reading a model folder in the diffusers ONNX layout (what `optimum-cli export onnx` and the diffusers
 * ONNX conversion script write): model_index.json, scheduler/, tokenizer/, text_encoder/, unet/,
 * vae_decoder/ and optionally vae_encoder/, each ONNX component as <component>/model.onnx. SDXL adds
 * tokenizer_2/ and text_encoder_2/ (an SDXL refiner has only those two). An export with its safety checker
 * has safety_checker/model.onnx and feature_extractor/ too; it is reported, never needed.
 *
 * Optimum's SD3 and FLUX exports have transformer/ instead of unet/ (and SD3 a third encoder, T5, in
 * text_encoder_3/ with tokenizer_3/). Such a folder is read and its family detected, checked by
 * transformer-folder.ts, and run by the transformer path of pipeline.ts (transformer.ts).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { detectTraits, type ModelTraits } from './family.js';
import { transformerFolderProblem } from './transformer-folder.js';

export class ModelFolderError extends Error {
  constructor(
    folder: string,
    /** What is wrong, without the folder: "unet/model.onnx is missing". */
    readonly problem: string,
  ) {
    super(`${folder} is not a usable diffusers ONNX model: ${problem}`);
    this.name = 'ModelFolderError';
  }
}

export interface ModelFolder {
  /** Absolute path of the folder. */
  dir: string;
  /** The folder name, which is the model's name in the API. */
  name: string;
  pipelineClass: string;
  schedulerConfig: Record<string, unknown>;
  /** VAE latent scaling factor: 0.18215 for SD 1.x/2.x unless the VAE config says otherwise. */
  vaeScalingFactor: number;
  /** VAE latent shift (latents = (z - shift) x scale): SD3 0.0609, FLUX 0.1159; 0 when the config has none. */
  vaeShiftFactor: number;
  /** Latent channels (the VAE config's latent_channels): 4, or 16 for SD3 and FLUX. */
  latentChannels: number;
  /** What denoises: a UNet (unet/), or a flow-matching transformer (transformer/: SD3, FLUX; transformer.ts). */
  denoiser: 'unet' | 'transformer';
  /** Native resolution in pixels (the denoiser's sample_size x 8): 512 for SD 1.5, 1024 for SD3 and FLUX. */
  defaultSize: number;
  /**
   * What the UNet's latent sides must be a multiple of: it halves them once per down block but the last
   * (SD: 4 blocks, 8), and its skip connections only meet again when every halving was exact. A transformer's
   * are cut into 2x2 patches (SD3's patch_size, FLUX's packing): 2.
   */
  latentMultiple: number;
  /** Family, distillation, prediction type and the defaults that go with them (family.ts). */
  traits: ModelTraits;
  paths: {
    /** The text encoders in the order their hidden states are concatenated (SD: one; SDXL: two; SD3: CLIP-L, bigG, T5; FLUX: CLIP-L, T5). */
    textEncoders: TextEncoderPaths[];
    /** The denoiser's model file: unet/model.onnx, or transformer/model.onnx when `denoiser` is 'transformer'. */
    unet: string;
    vaeDecoder: string;
    vaeEncoder: string | undefined;
    /** safety_checker/model.onnx when the export has one (safety/safety-checker.ts); the key is absent otherwise. */
    safetyChecker?: string;
  };
}

export interface TextEncoderPaths {
  /** The tokenizer folder that goes with it (tokenizer/ for text_encoder/, tokenizer_2/ for text_encoder_2/). */
  tokenizer: string;
  model: string;
}

/** A model that is not usable, and why: listed so the server can say so instead of silently ignoring it. */
export interface UnusableModelFolder {
  name: string;
  problem: string;
}

const TEXT_ENCODERS = [
  { tokenizer: 'tokenizer', model: 'text_encoder' },
  { tokenizer: 'tokenizer_2', model: 'text_encoder_2' },
  { tokenizer: 'tokenizer_3', model: 'text_encoder_3' },
] as const;
const DEFAULT_VAE_SCALING_FACTOR = 0.18215;
/** Pixels per latent pixel along each side: SD's VAE downsamples 8x. */
export const VAE_DOWNSCALE = 8;

export async function readModelFolder(dir: string): Promise<ModelFolder> {
  const folder = path.resolve(dir);
  const index = await readJson(folder, 'model_index.json');
  if (!index) throw new ModelFolderError(folder, 'model_index.json is missing');
  const denoiser = await findDenoiser(folder);
  if (!(await isFile(path.join(folder, 'vae_decoder/model.onnx')))) throw new ModelFolderError(folder, 'vae_decoder/model.onnx is missing');
  const textEncoders = await findTextEncoders(folder, denoiser);
  const schedulerConfig = await readJson(folder, 'scheduler/scheduler_config.json');
  if (!schedulerConfig) throw new ModelFolderError(folder, 'scheduler/scheduler_config.json is missing');

  const vaeConfig = (await readJson(folder, 'vae_decoder/config.json')) ?? {};
  const denoiserConfig = (await readJson(folder, `${denoiser}/config.json`)) ?? {};
  const vaeEncoder = path.join(folder, 'vae_encoder/model.onnx');
  const safetyChecker = path.join(folder, 'safety_checker/model.onnx');
  const name = path.basename(folder);
  const encoderFolders = textEncoders.map((e) => path.basename(path.dirname(e.model)));
  const transformer = denoiser === 'transformer' ? denoiserConfig : undefined;
  const traits = detectTraits({
    ...{ name, index, scheduler: schedulerConfig, unet: transformer ? {} : denoiserConfig },
    ...(transformer ? { transformer } : {}),
    hasSecondTextEncoder: encoderFolders.includes('text_encoder_2'),
    hasThirdTextEncoder: encoderFolders.includes('text_encoder_3'),
  });
  if (transformer) {
    const problem = transformerFolderProblem({ family: traits.family, transformer, vae: vaeConfig, textEncoders: encoderFolders });
    if (problem) throw new ModelFolderError(folder, problem);
  }

  return {
    dir: folder,
    name,
    pipelineClass: typeof index._class_name === 'string' ? index._class_name : 'unknown',
    schedulerConfig,
    vaeScalingFactor: positiveNumber(vaeConfig.scaling_factor) ?? DEFAULT_VAE_SCALING_FACTOR,
    vaeShiftFactor: typeof vaeConfig.shift_factor === 'number' && Number.isFinite(vaeConfig.shift_factor) ? vaeConfig.shift_factor : 0,
    latentChannels: positiveNumber(vaeConfig.latent_channels) ?? 4,
    denoiser,
    // FLUX's config has no sample_size: its pipeline assumes 128 latents (1024 pixels), as SD3's config says.
    defaultSize: (positiveNumber(denoiserConfig.sample_size) ?? (transformer ? 128 : 64)) * VAE_DOWNSCALE,
    latentMultiple: transformer ? TRANSFORMER_PATCH : latentMultiple(denoiserConfig),
    traits,
    paths: {
      textEncoders,
      unet: path.join(folder, denoiser, 'model.onnx'),
      vaeDecoder: path.join(folder, 'vae_decoder/model.onnx'),
      vaeEncoder: (await isFile(vaeEncoder)) ? vaeEncoder : undefined,
      ...((await isFile(safetyChecker)) ? { safetyChecker } : {}),
    },
  };
}

/** SD's UNets have 4 down blocks: without a config that says otherwise, latents must be a multiple of 8. */
const DEFAULT_DOWN_BLOCKS = 4;
/** SD3 and FLUX see latents as 2x2 patches. */
const TRANSFORMER_PATCH = 2;

/** unet/ when it has its model, else transformer/ (optimum's SD3 and FLUX exports); unet/ is what is missing otherwise. */
async function findDenoiser(folder: string): Promise<'unet' | 'transformer'> {
  if (await isFile(path.join(folder, 'unet/model.onnx'))) return 'unet';
  if (await isFile(path.join(folder, 'transformer/model.onnx'))) return 'transformer';
  const missing = (await isDirectory(path.join(folder, 'transformer'))) ? 'transformer/model.onnx' : 'unet/model.onnx';
  throw new ModelFolderError(folder, `${missing} is missing`);
}

function latentMultiple(unetConfig: Record<string, unknown>): number {
  const blocks = Array.isArray(unetConfig.block_out_channels) ? unetConfig.block_out_channels.length : DEFAULT_DOWN_BLOCKS;
  return 2 ** Math.max(0, blocks - 1);
}

/**
 * text_encoder/ and text_encoder_2/ (and, beside a transformer, SD3's text_encoder_3/) that are present, each
 * with its tokenizer; at least one is needed.
 */
async function findTextEncoders(folder: string, denoiser: 'unet' | 'transformer'): Promise<TextEncoderPaths[]> {
  const found: TextEncoderPaths[] = [];
  for (const names of denoiser === 'transformer' ? TEXT_ENCODERS : TEXT_ENCODERS.slice(0, 2)) {
    const model = path.join(folder, names.model, 'model.onnx');
    if (!(await isFile(model))) continue;
    const tokenizer = path.join(folder, names.tokenizer);
    // tokenizer.json (fast), or the slow files: CLIP's vocab.json + merges.txt, T5's spiece.model.
    const files = await Promise.all(['tokenizer.json', 'vocab.json', 'spiece.model'].map((name) => isFile(path.join(tokenizer, name))));
    if (!files.some(Boolean)) {
      throw new ModelFolderError(folder, `${names.tokenizer}/ has no tokenizer.json, vocab.json or spiece.model (needed by ${names.model}/)`);
    }
    found.push({ tokenizer, model });
  }
  if (found.length === 0) throw new ModelFolderError(folder, 'text_encoder/model.onnx is missing');
  return found;
}

/** The model folders directly inside `modelsDir`, sorted by name; folders that are not models are skipped. */
export async function listModelFolders(modelsDir: string): Promise<ModelFolder[]> {
  return (await scanModelFolders(modelsDir)).models;
}

/**
 * Every folder inside `modelsDir`: the usable models, and the others with the reason (a half-copied export,
 * a checkpoint that was never converted), so that a request naming one gets told what is wrong with it.
 */
export async function scanModelFolders(modelsDir: string): Promise<{ models: ModelFolder[]; unusable: UnusableModelFolder[] }> {
  let entries: string[];
  try {
    entries = (await fs.readdir(modelsDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return { models: [], unusable: [] };
  }
  const models: ModelFolder[] = [];
  const unusable: UnusableModelFolder[] = [];
  for (const name of entries.sort()) {
    // The tiny model writer's temporary and replaced folders are not models to report.
    if (/\.(tmp|old)-\d+-[0-9a-f]+$/.test(name)) continue;
    try {
      models.push(await readModelFolder(path.join(modelsDir, name)));
    } catch (error) {
      if (!(error instanceof ModelFolderError)) throw error;
      unusable.push({ name, problem: error.problem });
    }
  }
  return { models, unusable };
}

async function readJson(folder: string, file: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(folder, file), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new ModelFolderError(folder, `${file} is not a JSON object`);
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await fs.stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
