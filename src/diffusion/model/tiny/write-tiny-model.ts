/**
 * Writes a small, deterministic Stable Diffusion 1.x model in the diffusers ONNX layout, so the server and
 * the tests run a real ONNX pipeline with nothing downloaded. Its weights are random (seeded), so its
 * pictures are colourful patterns, not images of the prompt.
 *
 * Same options -> byte-identical files. The model is written into a temporary sibling folder and renamed
 * into place, and model_index.json is written last, so an interrupted run never looks like a model.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { GraphBuilder } from '../../graph/onnx-graph.js';
import { SeededWeights } from './seeded-weights.js';
import { buildTextEncoder, textEncoderConfig, type TextEncoderSpec } from './tiny-text-encoder.js';
import { buildTinyTokenizer, MAX_LENGTH, tokenizerFiles } from './tiny-tokenizer.js';
import { buildUNet, unetConfig, type UNetSpec } from './tiny-unet.js';
import { buildVaeDecoder, buildVaeEncoder, vaeConfig, type VaeSpec } from './tiny-vae.js';

export type TinyPreset = 'tiny' | 'bench';

export interface TinyModelOptions {
  /** Seed of the weights; default 0. */
  seed?: number;
  /** `tiny` (default): fast enough for tests. `bench`: a UNet heavy enough to time at 512x512. */
  preset?: TinyPreset;
  /** The UNet's `timestep` input: int64 (default, as diffusers' exporter) or float32 (as some exports). */
  timestepType?: 'int64' | 'float32';
  /** float16 makes every float input and output float16, as in an fp16 export. */
  dtype?: 'float32' | 'float16';
  /** An inpainting model: a UNet with 9 input channels, as SD's inpainting checkpoints. */
  inpainting?: boolean;
  /** v_prediction: a UNet that predicts v, as SD 2.x 768 models (the scheduler config says so too). */
  predictionType?: 'epsilon' | 'v_prediction';
  /** The UNet's weights in a separate file next to unet/model.onnx, as exports of large models have them. */
  externalData?: 'model.onnx_data' | 'weights.pb';
}

/** Bumped whenever the generated files change for the same options. */
export const TINY_MODEL_VERSION = 1;

interface PresetSpec {
  text: Pick<TextEncoderSpec, 'hidden' | 'heads' | 'layers'>;
  unet: Pick<UNetSpec, 'channels' | 'groups' | 'heads' | 'timestepFeatures' | 'timeEmbedDim'>;
  vae: Pick<VaeSpec, 'channels' | 'groups'>;
  /** UNet sample_size: the latent size of the model's default picture (x8 pixels). */
  sampleSize: number;
}

const PRESETS: Record<TinyPreset, PresetSpec> = {
  tiny: {
    text: { hidden: 32, heads: 2, layers: 1 },
    unet: { channels: [32, 64], groups: 8, heads: 2, timestepFeatures: 32, timeEmbedDim: 64 },
    vae: { channels: [32, 16, 16, 8], groups: 4 },
    sampleSize: 8,
  },
  bench: {
    text: { hidden: 64, heads: 4, layers: 1 },
    unet: { channels: [96, 192], groups: 16, heads: 4, timestepFeatures: 64, timeEmbedDim: 256 },
    vae: { channels: [32, 16, 16, 8], groups: 4 },
    sampleSize: 64,
  },
};

/** File name -> contents of the whole model, in the order they are written (model_index.json last). */
export function tinyModelFiles(options: TinyModelOptions = {}): Map<string, Uint8Array | string> {
  const seed = options.seed ?? 0;
  const presetName = options.preset ?? 'tiny';
  const preset = Object.hasOwn(PRESETS, presetName) ? PRESETS[presetName] : undefined;
  if (!preset) throw new Error(`unknown tiny model preset "${String(presetName)}"; use tiny or bench`);
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float16') throw new Error(`tiny model dtype must be float32 or float16, got "${String(dtype)}"`);
  const timestepType = options.timestepType ?? 'int64';
  if (timestepType !== 'int64' && timestepType !== 'float32') {
    throw new Error(`tiny model timestepType must be int64 or float32, got "${String(timestepType)}"`);
  }
  const predictionType = options.predictionType ?? 'epsilon';
  if (predictionType !== 'epsilon' && predictionType !== 'v_prediction') {
    throw new Error(`tiny model predictionType must be epsilon or v_prediction, got "${String(predictionType)}"`);
  }
  const weights = new SeededWeights(seed);
  const tokenizer = buildTinyTokenizer();

  const textSpec: TextEncoderSpec = { ...preset.text, vocabSize: tokenizer.vocab.size, maxLength: MAX_LENGTH, dtype };
  const unetSpec: UNetSpec = { ...preset.unet, contextDim: textSpec.hidden, timestepType, dtype, inChannels: options.inpainting ? 9 : 4, predictionType };
  const vaeSpec: VaeSpec = { ...preset.vae, dtype };
  const docString = `Atelier tiny model v${TINY_MODEL_VERSION} (preset ${presetName}, seed ${seed}): random weights`;
  const onnxOptions = { producerName: 'atelier-tiny-model', producerVersion: String(TINY_MODEL_VERSION), docString };
  const onnx = (graph: GraphBuilder) => graph.toBytes(onnxOptions);

  const files = new Map<string, Uint8Array | string>();
  for (const [name, text] of Object.entries(tokenizerFiles(tokenizer))) files.set(`tokenizer/${name}`, text);
  const vPrediction = predictionType === 'v_prediction' ? { prediction_type: predictionType } : {};
  files.set('scheduler/scheduler_config.json', json({ ...SCHEDULER_CONFIG, ...vPrediction }));
  files.set('text_encoder/config.json', json(textEncoderConfig(textSpec, tokenizer.startId, tokenizer.endId)));
  files.set('text_encoder/model.onnx', onnx(buildTextEncoder(weights, textSpec)));
  files.set('unet/config.json', json(unetConfig(unetSpec, preset.sampleSize)));
  const unet = buildUNet(weights, unetSpec);
  if (options.externalData) {
    const { model, data } = unet.toBytesWithExternalData(options.externalData, onnxOptions);
    files.set('unet/model.onnx', model);
    files.set(`unet/${options.externalData}`, data);
  } else {
    files.set('unet/model.onnx', onnx(unet));
  }
  files.set('vae_decoder/config.json', json(vaeConfig(vaeSpec, preset.sampleSize * 8)));
  files.set('vae_decoder/model.onnx', onnx(buildVaeDecoder(weights, vaeSpec)));
  files.set('vae_encoder/config.json', json(vaeConfig(vaeSpec, preset.sampleSize * 8)));
  files.set('vae_encoder/model.onnx', onnx(buildVaeEncoder(weights, vaeSpec)));
  files.set(
    'model_index.json',
    json({
      ...MODEL_INDEX,
      ...(options.inpainting ? { _class_name: 'OnnxStableDiffusionInpaintPipeline' } : {}),
      _atelier_tiny_model: {
        ...{ version: TINY_MODEL_VERSION, preset: presetName, seed, dtype, timestep_type: timestepType },
        ...(options.inpainting ? { inpainting: true } : {}),
        ...vPrediction,
        ...(options.externalData ? { external_data: options.externalData } : {}),
      },
    }),
  );
  return files;
}

export async function writeTinyModel(dir: string, options: TinyModelOptions = {}): Promise<void> {
  const target = path.resolve(dir);
  const files = tinyModelFiles(options);
  await fs.mkdir(path.dirname(target), { recursive: true });
  // A unique sibling: same file system (so rename is atomic), no clash with a concurrent writer.
  const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    for (const [name, contents] of files) {
      const file = path.join(temp, name);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, contents);
    }
    await replaceDirectory(temp, target);
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Moves `from` to `to`; an existing `to` is moved aside first and removed after. */
async function replaceDirectory(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EISDIR' && code !== 'EPERM') throw error;
  }
  const old = `${to}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
  await fs.rename(to, old);
  await fs.rename(from, to);
  await fs.rm(old, { recursive: true, force: true });
}

/** Keys sorted, as diffusers writes its configs, so the bytes depend on nothing but the values. */
function json(value: Record<string, unknown>): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

/** Stable Diffusion 1.5's scheduler config. */
const SCHEDULER_CONFIG = {
  _class_name: 'PNDMScheduler',
  _diffusers_version: '0.6.0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  clip_sample: false,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
};

/** What diffusers' ONNX export writes, without the safety checker. */
const MODEL_INDEX = {
  _class_name: 'OnnxStableDiffusionPipeline',
  _diffusers_version: '0.6.0',
  feature_extractor: [null, null],
  requires_safety_checker: false,
  safety_checker: [null, null],
  scheduler: ['diffusers', 'PNDMScheduler'],
  text_encoder: ['diffusers', 'OnnxRuntimeModel'],
  tokenizer: ['transformers', 'CLIPTokenizer'],
  unet: ['diffusers', 'OnnxRuntimeModel'],
  vae_decoder: ['diffusers', 'OnnxRuntimeModel'],
  vae_encoder: ['diffusers', 'OnnxRuntimeModel'],
};
