/**
 * The files of a tiny flow-matching model in optimum's ONNX export layout: SD3 (three text encoders, the
 * third, T5, optional as SD3 allows) or FLUX.1 dev / schnell (CLIP + T5). Each ONNX component has the input
 * and output names, dtypes and axes of optimum's current exports; the networks are small and random
 * (seeded), so, as with the SD tiny models, their pictures are patterns, not the prompt.
 *
 * Layout: model_index.json, scheduler/, tokenizer*, text_encoder* / {config.json, model.onnx},
 * transformer/ (instead of unet/), vae_decoder/ and vae_encoder/ (16 latent channels; the encoder outputs
 * latent_parameters, mean and log-variance, as current optimum exports it).
 *
 * The T5 tokenizers are SentencePiece Unigram tokenizers in T5's own files (tiny-t5-tokenizer.ts): no start
 * token, <pad> 0 and </s> 1, as the real ones.
 */
import type { GraphBuilder, ModelOptions } from '../../diffusion/graph/onnx-graph.js';
import { SeededWeights, type WeightSource } from './seeded-weights.js';
import { json } from './tiny-configs.js';
import { FLOW_VAE, flowSchedulerConfig, fluxModelIndex, sd3ModelIndex } from './tiny-flow-configs.js';
import { buildFluxTransformer, fluxTransformerConfig, type FluxTransformerSpec } from './tiny-flux-transformer.js';
import { buildSd3Transformer, sd3TransformerConfig, type Sd3TransformerSpec } from './tiny-sd3-transformer.js';
import { buildT5Encoder, t5EncoderConfig, type T5EncoderSpec } from './tiny-t5-encoder.js';
import type { TextEncoderSpec } from './tiny-text-encoder.js';
import { addTextEncoder, prefixed } from './tiny-text-files.js';
import { buildTinyT5Tokenizer, t5TokenizerFiles, type TinyT5Tokenizer } from './tiny-t5-tokenizer.js';
import { buildTinyTokenizer, MAX_LENGTH } from './tiny-tokenizer.js';
import { buildVaeDecoder, buildVaeEncoder, vaeConfig, type VaeSpec } from './tiny-vae.js';

export interface FlowModelOptions {
  family: 'sd3' | 'flux';
  seed: number;
  /** FLUX.1 schnell instead of dev: no guidance input, 4-step scheduler config. */
  schnell?: boolean;
  /** SD3 without text_encoder_3/ and tokenizer_3/ (SD3 runs without T5, on zeros in its place). */
  withoutT5?: boolean;
}

/** The latent size of the tiny models' native picture (64 x 64 pixels). */
const SAMPLE_SIZE = 8;
/** SD3's CLIP-L-like encoder: SD3 conditions on the penultimate layer, so two layers. */
const CLIP_L = { hidden: 32, heads: 2, layers: 2 };
/** SD3's CLIP-bigG-like encoder, wider, as OpenCLIP bigG is beside CLIP-L. */
const CLIP_G = { hidden: 48, heads: 2, layers: 2 };
/**
 * T5's width (4096 in T5-XXL): at least CLIP-L + bigG (80), since SD3's pipeline pads the CLIP features to
 * it before putting them beside T5's tokens. It is the transformers' joint_attention_dim.
 */
const T5_WIDTH = 96;
/** How many tokens diffusers' pipelines give T5 by default (max_sequence_length): SD3 and schnell 256, dev 512. */
const T5_MAX_LENGTH = { sd3: 256, dev: 512, schnell: 256 };
/** The transformers' width and heads, and the timestep features, shared by both families. */
const DIT = { width: 64, heads: 2, timestepFeatures: 32 };
const LATENT_CHANNELS = 16;
const VAE_CHANNELS: VaeSpec['channels'] = [32, 16, 16, 8];

export function tinyFlowModelFiles(options: FlowModelOptions, onnxOptions: ModelOptions): Map<string, Uint8Array | string> {
  const { family, seed } = options;
  if (options.schnell && family !== 'flux') throw new Error('schnell is a FLUX model; use family flux');
  if (options.withoutT5 && family !== 'sd3') throw new Error('only an SD3 model can be written without T5 (FLUX needs it)');
  const weights = new SeededWeights(seed);
  const tokenizer = buildTinyTokenizer();
  const onnx = (graph: GraphBuilder) => graph.toBytes(onnxOptions);
  const files = new Map<string, Uint8Array | string>();
  const clip = (layers: typeof CLIP_L, extra: Partial<TextEncoderSpec>): TextEncoderSpec => ({
    ...layers,
    vocabSize: tokenizer.vocab.size,
    maxLength: MAX_LENGTH,
    dtype: 'float32',
    optimumAxes: true,
    ...extra,
  });
  const t5Tokenizer = buildTinyT5Tokenizer();
  const t5: T5EncoderSpec = { vocabSize: t5Tokenizer.vocabSize, width: T5_WIDTH, heads: 2, layers: 1 };

  files.set('scheduler/scheduler_config.json', json(flowSchedulerConfig(family, options.schnell ?? false)));
  if (family === 'sd3') {
    // Both CLIP encoders are CLIPTextModelWithProjection exported with every layer's hidden states (optimum).
    addTextEncoder(files, '', tokenizer, clip(CLIP_L, { projection: CLIP_L.hidden, hiddenStates: true }), weights, onnx);
    addTextEncoder(files, '_2', tokenizer, clip(CLIP_G, { projection: CLIP_G.hidden, hiddenStates: true }), prefixed(weights, 'text_encoder_2.'), onnx);
    if (!options.withoutT5) addT5(files, '_3', t5Tokenizer, t5, T5_MAX_LENGTH.sd3, prefixed(weights, 'text_encoder_3.'), onnx);
    const spec: Sd3TransformerSpec = {
      ...DIT,
      channels: LATENT_CHANNELS,
      patchSize: 2,
      jointAttentionDim: T5_WIDTH,
      pooledProjectionDim: CLIP_L.hidden + CLIP_G.hidden,
    };
    files.set('transformer/config.json', json(sd3TransformerConfig(spec, SAMPLE_SIZE)));
    files.set('transformer/model.onnx', onnx(buildSd3Transformer(prefixed(weights, 'transformer.'), spec)));
  } else {
    // FLUX uses CLIP-L's pooled output only, exported as a plain CLIPTextModel.
    addTextEncoder(files, '', tokenizer, clip({ ...CLIP_L, layers: 1 }, {}), weights, onnx);
    addT5(files, '_2', t5Tokenizer, t5, options.schnell ? T5_MAX_LENGTH.schnell : T5_MAX_LENGTH.dev, prefixed(weights, 'text_encoder_2.'), onnx);
    const spec: FluxTransformerSpec = {
      ...DIT,
      inChannels: LATENT_CHANNELS * 4,
      jointAttentionDim: T5_WIDTH,
      pooledProjectionDim: CLIP_L.hidden,
      guidanceEmbeds: !options.schnell,
      idFeatures: 8,
    };
    files.set('transformer/config.json', json(fluxTransformerConfig(spec, SAMPLE_SIZE)));
    files.set('transformer/model.onnx', onnx(buildFluxTransformer(prefixed(weights, 'transformer.'), spec)));
  }

  const vaeSpec: VaeSpec = { channels: VAE_CHANNELS, groups: 4, dtype: 'float32', latentChannels: LATENT_CHANNELS, encoderOutput: 'latent_parameters', ...FLOW_VAE[family] };
  const vae = vaeConfig(vaeSpec, SAMPLE_SIZE * 8);
  const vaeWeights = prefixed(weights, 'vae.');
  files.set('vae_decoder/config.json', json(vae));
  files.set('vae_decoder/model.onnx', onnx(buildVaeDecoder(vaeWeights, vaeSpec)));
  files.set('vae_encoder/config.json', json(vae));
  files.set('vae_encoder/model.onnx', onnx(buildVaeEncoder(vaeWeights, vaeSpec)));

  const index = family === 'sd3' ? sd3ModelIndex(!options.withoutT5) : fluxModelIndex();
  const record = {
    version: Number(onnxOptions.producerVersion),
    seed,
    family,
    ...(options.schnell ? { schnell: true } : {}),
    ...(options.withoutT5 ? { without_t5: true } : {}),
  };
  // Published under a name that says what it is, as FLUX.1 schnell's is (family.ts reads it when configs do not say).
  const name = family === 'sd3' ? 'atelier/tiny-sd3' : options.schnell ? 'atelier/tiny-flux-schnell' : 'atelier/tiny-flux-dev';
  files.set('model_index.json', json({ ...index, _name_or_path: name, _atelier_tiny_model: record }));
  return files;
}

/** tokenizer{suffix}/ and text_encoder{suffix}/ of the T5 encoder. */
function addT5(
  files: Map<string, Uint8Array | string>,
  suffix: '_2' | '_3',
  tokenizer: TinyT5Tokenizer,
  spec: T5EncoderSpec,
  maxLength: number,
  weights: WeightSource,
  onnx: (graph: GraphBuilder) => Uint8Array,
): void {
  for (const [name, text] of Object.entries(t5TokenizerFiles(tokenizer, maxLength))) files.set(`tokenizer${suffix}/${name}`, text);
  files.set(`text_encoder${suffix}/config.json`, json(t5EncoderConfig(spec, tokenizer.padId, tokenizer.eosId)));
  files.set(`text_encoder${suffix}/model.onnx`, onnx(buildT5Encoder(weights, spec)));
}

