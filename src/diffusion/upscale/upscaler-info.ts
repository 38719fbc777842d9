/**
 * What the upscaler catalogue keeps of an .onnx file: its name (the file name, as AUTOMATIC1111 names
 * upscalers), its scale (from a test run, so exports with dynamic shapes are read right) and a hash of the
 * file. Loading the file is the check that it is an upscaler at all: one that is not is reported as unusable.
 */
import path from 'node:path';
import { sha256From } from '../lora/lora-info.js';
import { UpscalerModel } from './upscaler-model.js';

export interface UpscalerFileInfo {
  name: string;
  file: string;
  /** First 12 hex digits of the file's sha256. */
  hash: string;
  /** Output pixels per input pixel, on each side. */
  scale: number;
}

export async function readUpscalerFileInfo(file: string): Promise<UpscalerFileInfo> {
  // One thread: a listing must not take the cores the workers use.
  const model = await UpscalerModel.load(file, { device: 'cpu', cpuThreads: 1 });
  const scale = model.scale;
  await model.release();
  return { name: path.basename(file, path.extname(file)), file, hash: (await sha256From(file, 0)).slice(0, 12), scale };
}
