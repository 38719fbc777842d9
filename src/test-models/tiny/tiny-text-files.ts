/** The files of a tiny model's CLIP text encoders, shared by the UNet models and the flow (SD3, FLUX) ones. */
import type { GraphBuilder } from '../../diffusion/graph/onnx-graph.js';
import type { WeightSource } from './seeded-weights.js';
import { json } from './tiny-configs.js';
import { buildTextEncoder, textEncoderConfig, type TextEncoderSpec } from './tiny-text-encoder.js';
import { tokenizerFiles, type TinyTokenizer } from './tiny-tokenizer.js';

/** tokenizer{suffix}/ and text_encoder{suffix}/ (suffix "" or "_2"); the second tokenizer pads with "!" as SDXL's and bigG's. */
export function addTextEncoder(
  files: Map<string, Uint8Array | string>,
  suffix: '' | '_2',
  tokenizer: TinyTokenizer,
  spec: TextEncoderSpec,
  weights: WeightSource,
  onnx: (graph: GraphBuilder) => Uint8Array,
): void {
  for (const [name, text] of Object.entries(tokenizerFiles(tokenizer, suffix === '_2' ? '!' : undefined))) files.set(`tokenizer${suffix}/${name}`, text);
  files.set(`text_encoder${suffix}/config.json`, json(textEncoderConfig(spec, tokenizer.startId, tokenizer.endId)));
  files.set(`text_encoder${suffix}/model.onnx`, onnx(buildTextEncoder(weights, spec)));
}

/** Weights under other names, so a second text encoder does not repeat the first one's values. */
export function prefixed(weights: WeightSource, prefix: string): WeightSource {
  return { tensor: (name, dims, init) => weights.tensor(prefix + name, dims, init) };
}
