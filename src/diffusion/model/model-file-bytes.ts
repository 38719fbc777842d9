/**
 * What a loaded pipeline is reckoned to hold: the size of its ONNX files (each component's folder: model.onnx
 * and its external weights). Weights dominate a session's memory on the CPU and on CUDA alike; a merged LoRA
 * set has the size of the model it was merged into. The worker's pipeline cache weighs entries by this, and a
 * transformer pipeline compares it with the memory budget to decide whether T5 stays loaded.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ModelFolder } from './model-folder.js';

export async function pipelineFileBytes(model: Pick<ModelFolder, 'paths'>): Promise<number> {
  const { textEncoders, unet, vaeDecoder, vaeEncoder } = model.paths;
  const componentDirs = [...textEncoders.map((encoder) => encoder.model), unet, vaeDecoder, ...(vaeEncoder ? [vaeEncoder] : [])].map((file) => path.dirname(file));
  const sizes = await Promise.all([...new Set(componentDirs)].map(folderBytes));
  return sizes.reduce((sum, size) => sum + size, 0);
}

/** The ONNX files of one component folder (model.onnx, model.onnx_data, weights.pb, ...); configs are too small to count. */
async function folderBytes(dir: string): Promise<number> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) {
    if (!entry.isFile() || entry.name.endsWith('.json')) continue;
    total += (await fs.stat(path.join(dir, entry.name)).catch(() => ({ size: 0 }))).size;
  }
  return total;
}
