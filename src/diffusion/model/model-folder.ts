import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Reading a model folder in the diffusers ONNX layout (what `optimum-cli export onnx` and the diffusers
 * ONNX conversion script write): model_index.json, scheduler/, tokenizer/, text_encoder/, unet/,
 * vae_decoder/ and optionally vae_encoder/, each ONNX component as <component>/model.onnx.
 */

export class ModelFolderError extends Error {
  constructor(folder: string, problem: string) {
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
  /** Native resolution in pixels (UNet sample_size x 8): 512 for SD 1.5. */
  defaultSize: number;
  paths: {
    tokenizer: string;
    textEncoder: string;
    unet: string;
    vaeDecoder: string;
    vaeEncoder: string | undefined;
  };
}

const REQUIRED_FILES = ['text_encoder/model.onnx', 'unet/model.onnx', 'vae_decoder/model.onnx'] as const;
const DEFAULT_VAE_SCALING_FACTOR = 0.18215;
/** Pixels per latent pixel along each side: SD's VAE downsamples 8x. */
export const VAE_DOWNSCALE = 8;

export async function readModelFolder(dir: string): Promise<ModelFolder> {
  const folder = path.resolve(dir);
  const index = await readJson(folder, 'model_index.json');
  if (!index) throw new ModelFolderError(folder, 'model_index.json is missing');
  for (const file of REQUIRED_FILES) {
    if (!(await isFile(path.join(folder, file)))) throw new ModelFolderError(folder, `${file} is missing`);
  }
  const tokenizer = path.join(folder, 'tokenizer');
  if (!(await isFile(path.join(tokenizer, 'tokenizer.json'))) && !(await isFile(path.join(tokenizer, 'vocab.json')))) {
    throw new ModelFolderError(folder, 'tokenizer/ has neither tokenizer.json nor vocab.json');
  }
  const schedulerConfig = await readJson(folder, 'scheduler/scheduler_config.json');
  if (!schedulerConfig) throw new ModelFolderError(folder, 'scheduler/scheduler_config.json is missing');

  const vaeConfig = (await readJson(folder, 'vae_decoder/config.json')) ?? {};
  const unetConfig = (await readJson(folder, 'unet/config.json')) ?? {};
  const vaeEncoder = path.join(folder, 'vae_encoder/model.onnx');

  return {
    dir: folder,
    name: path.basename(folder),
    pipelineClass: typeof index._class_name === 'string' ? index._class_name : 'unknown',
    schedulerConfig,
    vaeScalingFactor: positiveNumber(vaeConfig.scaling_factor) ?? DEFAULT_VAE_SCALING_FACTOR,
    defaultSize: (positiveNumber(unetConfig.sample_size) ?? 64) * VAE_DOWNSCALE,
    paths: {
      tokenizer,
      textEncoder: path.join(folder, 'text_encoder/model.onnx'),
      unet: path.join(folder, 'unet/model.onnx'),
      vaeDecoder: path.join(folder, 'vae_decoder/model.onnx'),
      vaeEncoder: (await isFile(vaeEncoder)) ? vaeEncoder : undefined,
    },
  };
}

/** The model folders directly inside `modelsDir`, sorted by name; folders that are not models are skipped. */
export async function listModelFolders(modelsDir: string): Promise<ModelFolder[]> {
  let entries: string[];
  try {
    entries = (await fs.readdir(modelsDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
  const models: ModelFolder[] = [];
  for (const name of entries.sort()) {
    try {
      models.push(await readModelFolder(path.join(modelsDir, name)));
    } catch (error) {
      if (!(error instanceof ModelFolderError)) throw error;
    }
  }
  return models;
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

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
