/**
 * Stable Diffusion's safety checker as diffusers exports it (`safety_checker/model.onnx`): `clip_input`
 * [B, 3, 224, 224] (the CLIP processor's pixel values, clip-preprocessing.ts) and `images` [B, H, W, 3] (the
 * picture in 0..1) in; `out_images` (flagged pictures zeroed) and `has_nsfw_concepts` bool [B] out. fp16
 * exports take and give float16, which ModelSession converts to as each input declares.
 * It is run one picture at a time, as diffusers' ONNX pipeline does, because exports traced at batch 1 do not
 * reliably take more. What to do with a flagged picture (drop, blur, black, only mark it) is the caller's.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ModelSession, type SessionOptions } from '../model/onnx-session.js';
import { outputAsFloat32, type OnnxTensor } from '../model/onnx-tensors.js';
import { throwIfAborted } from '../requests.js';
import type { RgbImage } from '../rgb-image.js';
import { clipPixelValues, readClipPreprocessing, type ClipPreprocessing } from './clip-preprocessing.js';

export interface SafetyVerdict {
  /** The checker found a concept it is meant to catch. */
  flagged: boolean;
}

export interface CheckedImage extends SafetyVerdict {
  /** The checker's own `out_images`: the picture as it was, or black when flagged. */
  output: RgbImage;
}

const INPUTS = ['clip_input', 'images'] as const;
const OUTPUTS = ['out_images', 'has_nsfw_concepts'] as const;

export class SafetyChecker {
  private constructor(
    private readonly session: ModelSession,
    /** How pictures become `clip_input`: the model folder's feature_extractor/, or CLIP's defaults. */
    readonly preprocessing: ClipPreprocessing,
  ) {}

  /**
   * From a model folder (its `safety_checker/model.onnx` and `feature_extractor/preprocessor_config.json`), or
   * from the checker's model file, whose preprocessor config is then looked for at
   * `../feature_extractor/preprocessor_config.json` beside its folder. Without a config CLIP's settings apply.
   */
  static async load(model: string, options: SessionOptions): Promise<SafetyChecker> {
    const isFolder = (await fs.stat(model)).isDirectory();
    const file = isFolder ? path.join(model, 'safety_checker', 'model.onnx') : model;
    const modelDir = isFolder ? model : path.dirname(path.dirname(file));
    const preprocessing = await readClipPreprocessing(path.join(modelDir, 'feature_extractor', 'preprocessor_config.json'));
    const session = await ModelSession.load(file, options);
    const missing = [...INPUTS.filter((name) => !session.inputNames.includes(name)), ...OUTPUTS.filter((name) => !session.outputNames.includes(name))];
    if (missing.length > 0) {
      await session.release();
      throw new Error(
        `${file} is not a safety checker: it lacks ${missing.join(', ')} (has inputs ${session.inputNames.join(', ')}; outputs ${session.outputNames.join(', ')})`,
      );
    }
    return new SafetyChecker(session, preprocessing);
  }

  /** A verdict per picture, in order; each picture is run on its own. */
  async check(images: readonly RgbImage[], signal?: AbortSignal): Promise<SafetyVerdict[]> {
    const verdicts: SafetyVerdict[] = [];
    for (const image of images) {
      throwIfAborted(signal);
      verdicts.push({ flagged: (await this.checkImage(image)).flagged });
    }
    return verdicts;
  }

  /** One picture's verdict with what the checker made of the picture. */
  async checkImage(image: RgbImage): Promise<CheckedImage> {
    const { session } = this;
    const pixels = new Float32Array(image.data.length);
    for (let i = 0; i < pixels.length; i++) pixels[i] = image.data[i]! / 255;
    const outputs = await session.run({
      clip_input: session.floatInput('clip_input', clipPixelValues(image, this.preprocessing)),
      images: session.floatInput('images', { data: pixels, dims: [1, image.height, image.width, 3] }),
    });
    const concepts = outputs.has_nsfw_concepts!;
    if (concepts.size !== 1) throw new Error(`the safety checker gave ${concepts.size} verdicts for one picture`);
    return { flagged: isTrue(concepts), output: toRgb(outputAsFloat32(outputs.out_images!), image) };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** A verdict tensor's one value: bool as exported, or any number (non-zero is true) from other exporters. */
function isTrue(tensor: OnnxTensor): boolean {
  const value = (tensor.data as ArrayLike<number | bigint | boolean>)[0];
  return typeof value === 'bigint' ? value !== 0n : Boolean(value);
}

/** `out_images` [1, H, W, 3] in 0..1 back to bytes, as diffusers' numpy_to_pil rounds them. */
function toRgb(output: { data: Float32Array; dims: readonly number[] }, like: RgbImage): RgbImage {
  const expected = [1, like.height, like.width, 3];
  if (output.dims.length !== 4 || output.dims.some((d, i) => d !== expected[i])) {
    throw new Error(`the safety checker gave out_images [${output.dims.join(', ')}] for a [${expected.join(', ')}] picture`);
  }
  const data = new Uint8Array(output.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(Math.min(1, Math.max(0, output.data[i]!)) * 255);
  return { width: like.width, height: like.height, data };
}
