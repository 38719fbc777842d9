/** What start-up settles before the services run: the default model, the semantic-search encoder, and the store sweep that runs after. */
import path from 'node:path';
import { nonModelDirs, type Config } from './config.js';
import { folderNamesInside } from './generation/model-catalog.js';
import { PromptEmbedder, scanModelFolders } from './diffusion/index.js';
import type { Library, TextEmbedder } from './library/index.js';
import type { Logger } from './logger.js';
import { writeTinyModel } from './test-models/tiny/write-tiny-model.js';

/** The model that ships in the repository's models/ folder: a small model trained on the toy-shapes world. */
export const BUNDLED_MODEL_NAME = 'toy-shapes';
/** The random-weights test model, written on demand when it is asked for and missing. */
export const TINY_MODEL_NAME = 'tiny';

/**
 * What a kill -9 left in the image store (temporary files, files whose row was never committed) is removed
 * after start-up, in the background: the API serves meanwhile. `stop` ends it between folders and waits.
 */
export function sweepStoreInBackground(library: Library, graceMs: number, logger: Logger): { stop(): Promise<void> } {
  const abort = new AbortController();
  const done = library.sweepStore({ graceMs, signal: abort.signal }).then(
    ({ temporaryFiles, unreferencedFiles }) =>
      logger.info({ temporaryFiles, unreferencedFiles }, `image store swept: ${temporaryFiles.length} temporary and ${unreferencedFiles.length} unreferenced files removed`),
    (error: unknown) => logger.warn({ err: error }, 'image store sweep failed; it runs again at the next start'),
  );
  return {
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}

/**
 * Semantic search: the embedding model's text encoder (ATELIER_EMBEDDING_MODEL, else the default model) embeds
 * every prompt. Without a usable encoder the server still runs, without semantic search. Prompts not yet
 * embedded (a new library, another encoder) are embedded in the background, so start-up does not wait.
 */
export async function loadEmbedder(config: Config, defaultModel: string, logger: Logger): Promise<TextEmbedder | null> {
  if (config.embeddingModel === 'off') return null;
  const name = config.embeddingModel ?? defaultModel;
  let embedder: PromptEmbedder;
  try {
    embedder = await PromptEmbedder.load(path.join(config.modelsDir, name));
  } catch (error) {
    logger.warn({ model: name, err: error }, `semantic search is off: the text encoder of ${name} cannot be loaded`);
    return null;
  }
  return { encoder: name, dimensions: embedder.dimensions, embed: (texts) => embedder.embed(texts) };
}

/**
 * The model requests get when they name none: ATELIER_DEFAULT_MODEL if set (the tiny model is written when it
 * is asked for and missing), else the bundled toy-shapes model, else the first model in the folder.
 */
export async function resolveDefaultModel(config: Config, logger: Logger): Promise<string> {
  const scan = await scanModelFolders(config.modelsDir);
  const others = folderNamesInside(config.modelsDir, nonModelDirs(config));
  for (const { name, problem } of scan.unusable.filter((folder) => !others.has(folder.name))) logger.warn({ model: name, problem }, `${name} in ${config.modelsDir} is not a usable model: ${problem}`);
  const installed = scan.models.map((m) => m.name);
  const wanted = config.defaultModel ?? BUNDLED_MODEL_NAME;
  if (installed.includes(wanted)) return wanted;
  if (wanted === TINY_MODEL_NAME) {
    const dir = path.join(config.modelsDir, TINY_MODEL_NAME);
    logger.info({ dir }, 'writing the tiny test model');
    await writeTinyModel(dir);
    return wanted;
  }
  if (config.defaultModel === undefined && installed.length > 0) {
    logger.info({ model: installed[0] }, `${BUNDLED_MODEL_NAME} is not in ${config.modelsDir}: using the first model there`);
    return installed[0]!;
  }
  const names = installed.join(', ') || 'none';
  throw new Error(
    config.defaultModel === undefined
      ? `no model in ${config.modelsDir}: put a diffusers ONNX model folder there, or set ATELIER_MODELS_DIR to the repository's models/ folder for the bundled ${BUNDLED_MODEL_NAME} model`
      : `ATELIER_DEFAULT_MODEL is "${wanted}" but ${path.join(config.modelsDir, wanted)} is not a diffusers ONNX model folder (installed: ${names})`,
  );
}
