/**
 * Writes a small, deterministic Stable Diffusion model in the diffusers ONNX layout, so the server and the
 * tests run a real ONNX pipeline with nothing downloaded: SD 1.x by default, or an SDXL one (two text
 * encoders, text_embeds and time_ids), an LCM one (timestep_cond) or a Turbo one; or, in optimum's layout
 * with a transformer instead of a UNet, an SD3 or FLUX.1 dev / schnell one (tiny-flow-model.ts). Its weights
 * are random (seeded), so its pictures are colourful patterns, not images of the prompt.
 *
 * Same options -> byte-identical files. The model is written into a temporary sibling folder and renamed
 * into place, and model_index.json is written last, so an interrupted run never looks like a model.
 *
 * It lives under src/ (test-models/, beside nothing the engine imports) because `npm run model:tiny` and
 * ATELIER_DEFAULT_MODEL=tiny write it at run time, not only the tests and benchmarks.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { GraphBuilder } from '../../diffusion/graph/onnx-graph.js';
import { SeededWeights, type WeightSource } from './seeded-weights.js';
import { json, modelIndex, schedulerConfig, SDXL_VAE_SCALING_FACTOR } from './tiny-configs.js';
import { tinyFlowModelFiles } from './tiny-flow-model.js';
import { SAFETY_CHECKER_INDEX, tinySafetyCheckerFiles } from './tiny-safety-checker.js';
import type { TextEncoderSpec } from './tiny-text-encoder.js';
import { addTextEncoder, prefixed } from './tiny-text-files.js';
import { buildTinyTokenizer, MAX_LENGTH, tokenizerFiles, type TinyTokenizer } from './tiny-tokenizer.js';
import { buildUNet, unetConfig, type UNetSpec } from './tiny-unet.js';
import { buildVaeDecoder, buildVaeEncoder, vaeConfig, type VaeSpec } from './tiny-vae.js';

export type TinyPreset = 'tiny' | 'bench' | 'sd15-size';

export interface TinyModelOptions {
  /** Seed of the weights; default 0. */
  seed?: number;
  /** `tiny` (default): fast enough for tests. `bench`: a UNet heavy enough to time at 512x512. */
  preset?: TinyPreset;
  /** The UNet's `timestep` input: int64 (default, as diffusers' exporter) or float32 (as some exports). */
  timestepType?: 'int64' | 'float32';
  /** The timestep's shape: [batch] (default) or a scalar, as optimum's exports declare it. */
  timestepShape?: 'batch' | 'scalar';
  /** float16 makes every float input and output float16, as in an fp16 export. */
  dtype?: 'float32' | 'float16';
  /** An inpainting model: a UNet with 9 input channels, as SD's inpainting checkpoints. */
  inpainting?: boolean;
  /** v_prediction: a UNet that predicts v, as SD 2.x 768 models (the scheduler config says so too). */
  predictionType?: 'epsilon' | 'v_prediction';
  /** The UNet's weights in a separate file next to unet/model.onnx, as exports of large models have them. */
  externalData?: 'model.onnx_data' | 'weights.pb';
  /**
   * sd1 (default); sdxl: two text encoders (penultimate layers, pooled projection), text_embeds and time_ids;
   * sd3 or flux: a transformer in optimum's layout (tiny-flow-model.ts), which takes only seed, schnell and withoutT5.
   */
  family?: 'sd1' | 'sdxl' | 'sd3' | 'flux';
  /** FLUX.1 schnell (no guidance input, shift 1) instead of dev; family flux only. */
  schnell?: boolean;
  /** SD3 without its T5 encoder (text_encoder_3/, tokenizer_3/); family sd3 only. */
  withoutT5?: boolean;
  /** A latent consistency model: LCMScheduler and a UNet that takes the guidance embedding timestep_cond. */
  lcm?: boolean;
  /** A Turbo model: Euler ancestral with trailing timesteps, meant for 1-4 steps without guidance. */
  turbo?: boolean;
  /** The VAE encoder's output: latent_sample (default, diffusers' export) or latent_parameters (newer optimum). */
  vaeEncoderOutput?: 'latent_sample' | 'latent_parameters';
  /** With safety_checker/ and feature_extractor/ (tiny-safety-checker.ts: it flags pictures of one colour). */
  safetyChecker?: boolean;
}

/** The tiny SDXL's second text encoder: wider than the first, with a pooled projection, as CLIP ViT-bigG. */
const SDXL_SECOND_ENCODER = { hidden: 48, heads: 2, projection: 40 };
/** Width of each SDXL time id's sinusoidal features (addition_time_embed_dim; 256 in SDXL). */
const SDXL_TIME_ID_FEATURES = 8;
/** The tiny LCM UNet's time_cond_proj_dim (256 in LCM distillations of SD 1.5 and SDXL). */
const LCM_GUIDANCE_EMBEDDING = 16;

/** Bumped whenever the generated files change for the same options. */
export const TINY_MODEL_VERSION = 2;

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
  // About as many UNet weights as SD 1.5's (3.4 GB in float32), for what merging a LoRA into that much costs
  // (bench:lora's BENCH_LARGE); far too slow to sample on a CPU.
  'sd15-size': {
    text: { hidden: 64, heads: 4, layers: 1 },
    unet: { channels: [2560, 5120], groups: 32, heads: 8, timestepFeatures: 320, timeEmbedDim: 1280 },
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
  if (!preset) throw new Error(`unknown tiny model preset "${String(presetName)}"; use tiny, bench or sd15-size`);
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
  const family = options.family ?? 'sd1';
  if (family !== 'sd1' && family !== 'sdxl' && family !== 'sd3' && family !== 'flux') {
    throw new Error(`tiny model family must be sd1, sdxl, sd3 or flux, got "${String(family)}"`);
  }
  if (family === 'sd3' || family === 'flux') {
    const sdOnly = (['preset', 'timestepType', 'timestepShape', 'dtype', 'inpainting', 'predictionType', 'externalData', 'lcm', 'turbo', 'vaeEncoderOutput', 'safetyChecker'] as const).filter(
      (key) => options[key] !== undefined && options[key] !== false && !(key === 'preset' && options.preset === 'tiny') && !(key === 'dtype' && options.dtype === 'float32'),
    );
    if (sdOnly.length) throw new Error(`a tiny ${family} model takes only seed, schnell and withoutT5, not ${sdOnly.join(', ')}`);
    const docString = `Atelier tiny model v${TINY_MODEL_VERSION} (${family}${options.schnell ? ' schnell' : ''}, seed ${seed}): random weights`;
    return tinyFlowModelFiles(
      { family, seed, ...(options.schnell ? { schnell: true } : {}), ...(options.withoutT5 ? { withoutT5: true } : {}) },
      { producerName: 'atelier-tiny-model', producerVersion: String(TINY_MODEL_VERSION), docString },
    );
  }
  if (options.schnell || options.withoutT5) throw new Error('schnell and withoutT5 are for tiny sd3 / flux models');
  if (options.lcm && options.turbo) throw new Error('a tiny model is LCM or Turbo, not both');
  const sdxl = family === 'sdxl';
  const weights = new SeededWeights(seed);
  const tokenizer = buildTinyTokenizer();

  // SDXL conditions on the penultimate layer, so its encoders get a second layer for that to differ from the last.
  const textSpec: TextEncoderSpec = {
    ...preset.text,
    vocabSize: tokenizer.vocab.size,
    maxLength: MAX_LENGTH,
    dtype,
    ...(sdxl ? { layers: preset.text.layers + 1, hiddenStates: true } : {}),
  };
  const secondTextSpec: TextEncoderSpec | undefined = sdxl ? { ...textSpec, ...SDXL_SECOND_ENCODER } : undefined;
  const unetSpec: UNetSpec = {
    ...preset.unet,
    contextDim: textSpec.hidden + (secondTextSpec?.hidden ?? 0),
    timestepType,
    dtype,
    inChannels: options.inpainting ? 9 : 4,
    predictionType,
    ...(options.timestepShape === 'scalar' ? { timestepShape: 'scalar' as const } : {}),
    ...(sdxl ? { textTime: { textEmbedsDim: SDXL_SECOND_ENCODER.projection, timeIdFeatures: SDXL_TIME_ID_FEATURES } } : {}),
    ...(options.lcm ? { timestepCondDim: LCM_GUIDANCE_EMBEDDING } : {}),
  };
  const vaeSpec: VaeSpec = { ...preset.vae, dtype, ...(options.vaeEncoderOutput ? { encoderOutput: options.vaeEncoderOutput } : {}) };
  const docString = `Atelier tiny model v${TINY_MODEL_VERSION} (preset ${presetName}, seed ${seed}): random weights`;
  const onnxOptions = { producerName: 'atelier-tiny-model', producerVersion: String(TINY_MODEL_VERSION), docString };
  const onnx = (graph: GraphBuilder) => graph.toBytes(onnxOptions);

  const files = new Map<string, Uint8Array | string>();
  const vPrediction = predictionType === 'v_prediction' ? { prediction_type: predictionType } : {};
  files.set('scheduler/scheduler_config.json', json({ ...schedulerConfig(options), ...vPrediction }));
  addTextEncoder(files, '', tokenizer, textSpec, weights, onnx);
  if (secondTextSpec) addTextEncoder(files, '_2', tokenizer, secondTextSpec, prefixed(weights, 'text_encoder_2.'), onnx);
  files.set('unet/config.json', json(unetConfig(unetSpec, preset.sampleSize)));
  const unet = buildUNet(weights, unetSpec);
  if (options.externalData) {
    const { model, data } = unet.toBytesWithExternalData(options.externalData, onnxOptions);
    files.set('unet/model.onnx', model);
    files.set(`unet/${options.externalData}`, data);
  } else {
    files.set('unet/model.onnx', onnx(unet));
  }
  const vae = { ...vaeConfig(vaeSpec, preset.sampleSize * 8), ...(sdxl ? { scaling_factor: SDXL_VAE_SCALING_FACTOR } : {}) };
  files.set('vae_decoder/config.json', json(vae));
  files.set('vae_decoder/model.onnx', onnx(buildVaeDecoder(weights, vaeSpec)));
  files.set('vae_encoder/config.json', json(vae));
  files.set('vae_encoder/model.onnx', onnx(buildVaeEncoder(weights, vaeSpec)));
  if (options.safetyChecker) for (const [name, contents] of tinySafetyCheckerFiles(dtype, onnxOptions)) files.set(name, contents);
  files.set(
    'model_index.json',
    json({
      ...modelIndex(options),
      ...(options.safetyChecker ? SAFETY_CHECKER_INDEX : {}),
      _atelier_tiny_model: {
        ...{ version: TINY_MODEL_VERSION, preset: presetName, seed, dtype, timestep_type: timestepType },
        ...(options.inpainting ? { inpainting: true } : {}),
        ...vPrediction,
        ...(options.externalData ? { external_data: options.externalData } : {}),
        ...(sdxl ? { family } : {}),
        ...(options.lcm ? { lcm: true } : {}),
        ...(options.turbo ? { turbo: true } : {}),
        ...(options.vaeEncoderOutput ? { vae_encoder_output: options.vaeEncoderOutput } : {}),
        ...(options.timestepShape === 'scalar' ? { timestep_shape: 'scalar' } : {}),
        ...(options.safetyChecker ? { safety_checker: true } : {}),
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
