/**
 * A CLIP-like text encoder with the interface of a diffusers ONNX `text_encoder/model.onnx`:
 * `input_ids` int32 [batch, 77] -> `last_hidden_state` [batch, 77, hidden], `pooler_output` [batch, hidden].
 * As SDXL exports have them: with `hiddenStates`, also every layer's output `hidden_states.0..layers`
 * (0 is the embeddings); with `projection` (CLIPTextModelWithProjection, SDXL's text_encoder_2) the pooled
 * output is projected and named `text_embeds`.
 *
 * With `optimumAxes` it declares what current optimum exports declare (SD3's and FLUX's): int64 ids and a
 * symbolic sequence length (`batch_size`, `sequence_length`); the position table still has maxLength rows.
 *
 * Same structure as CLIPTextModel, only smaller: token + position embeddings, pre-LN transformer layers
 * with causal self-attention and a quick-GELU MLP, a final LayerNorm, and pooling at the end token.
 */
import { attention, floatOutput, layerNorm, linear, param, quickGelu, type FloatDtype, type Net } from '../../diffusion/graph/layers.js';
import { ElemType, GraphBuilder } from '../../diffusion/graph/onnx-graph.js';
import type { WeightSource } from './seeded-weights.js';

export interface TextEncoderSpec {
  vocabSize: number;
  hidden: number;
  heads: number;
  layers: number;
  /** CLIP's context length, 77. */
  maxLength: number;
  dtype: FloatDtype;
  /** Emit hidden_states.0..layers (an export with output_hidden_states, as SDXL's). */
  hiddenStates?: boolean;
  /** Width of the text projection: present makes this a CLIPTextModelWithProjection. */
  projection?: number;
  /** int64 ids and dynamic [batch_size, sequence_length] axes, as optimum's current exports (SD3, FLUX). */
  optimumAxes?: boolean;
}

/** The values written to text_encoder/config.json (a CLIPTextConfig). */
export function textEncoderConfig(spec: TextEncoderSpec, bosTokenId: number, eosTokenId: number): Record<string, unknown> {
  return {
    architectures: [spec.projection ? 'CLIPTextModelWithProjection' : 'CLIPTextModel'],
    ...(spec.projection ? { projection_dim: spec.projection } : {}),
    model_type: 'clip_text_model',
    hidden_act: 'quick_gelu',
    hidden_size: spec.hidden,
    intermediate_size: spec.hidden * 4,
    num_attention_heads: spec.heads,
    num_hidden_layers: spec.layers,
    max_position_embeddings: spec.maxLength,
    vocab_size: spec.vocabSize,
    layer_norm_eps: 1e-5,
    bos_token_id: bosTokenId,
    eos_token_id: eosTokenId,
    pad_token_id: eosTokenId,
    torch_dtype: spec.dtype,
  };
}

export function buildTextEncoder(weights: WeightSource, spec: TextEncoderSpec): GraphBuilder {
  const g = new GraphBuilder('text_encoder');
  const net: Net = { g, w: weights };
  const { hidden, maxLength } = spec;
  const [batch, length] = spec.optimumAxes ? ['batch_size', 'sequence_length'] : ['batch', maxLength];
  const ids = g.input('input_ids', spec.optimumAxes ? 'int64' : 'int32', [batch, length]);
  // With a symbolic length, the position table and the mask are cut to the ids' length.
  const firstRows = (table: string, axes: number[]) => {
    if (!spec.optimumAxes) return table;
    const count = g.op('Slice', [g.op('Shape', [ids]), g.constInt64([1]), g.constInt64([2])]);
    const zeros = g.constInt64(axes.map(() => 0));
    return g.op('Slice', [table, zeros, g.op('Concat', axes.map(() => count), { axis: 0 }), g.constInt64(axes)]);
  };

  let x = g.scope('text_model.embeddings', () => {
    const tokens = g.op('Gather', [param(net, 'token_embedding.weight', [spec.vocabSize, hidden], { std: 1 }), ids], { axis: 0 });
    // Smaller than the token embeddings so that which word it is matters more than where it is.
    return g.op('Add', [tokens, firstRows(param(net, 'position_embedding.weight', [maxLength, hidden], { std: 0.3 }), [0])]);
  });

  // Causal mask: position i attends to positions <= i, as in CLIP's text transformer.
  const mask = new Float32Array(maxLength * maxLength);
  for (let i = 0; i < maxLength; i++) for (let j = i + 1; j < maxLength; j++) mask[i * maxLength + j] = -1e9;
  const causalMask = firstRows(g.initializer('causal_mask', mask, [maxLength, maxLength]), [0, 1]);

  const layerOutputs = [x];
  for (let layer = 0; layer < spec.layers; layer++) {
    x = g.scope(`text_model.encoder.layers.${layer}`, () => {
      const normed = layerNorm(net, 'layer_norm1', x, hidden);
      const attended = attention(net, 'self_attn', normed, normed, {
        queryDim: hidden,
        contextDim: hidden,
        innerDim: hidden,
        heads: spec.heads,
        mask: causalMask,
        qkvBias: true,
      });
      const afterAttention = g.op('Add', [x, attended]);
      const mlpIn = layerNorm(net, 'layer_norm2', afterAttention, hidden);
      const mlp = linear(net, 'mlp.fc2', quickGelu(g, linear(net, 'mlp.fc1', mlpIn, hidden, hidden * 4)), hidden * 4, hidden);
      return g.op('Add', [afterAttention, mlp]);
    });
    layerOutputs.push(x);
  }
  const last = g.scope('text_model', () => layerNorm(net, 'final_layer_norm', x, hidden));

  // CLIP pools at the end token, found as the argmax of the ids (the end token has the largest id; ArgMax
  // returns the first maximum, so padding with the end token does not move it). ArgMax runs on the ids as
  // floats, exact below 2^24, because not every execution provider has an integer ArgMax.
  const endPosition = g.op('ArgMax', [g.op('Cast', [ids], { to: ElemType.float32 })], { axis: 1, keepdims: 1 }); // [batch, 1] int64
  const pooled = g.op('GatherND', [last, endPosition], { batch_dims: 1 }); // [batch, hidden]

  if (spec.projection) {
    const projected = linear(net, 'text_projection', pooled, hidden, spec.projection, { bias: false });
    floatOutput(g, 'text_embeds', projected, spec.dtype, [batch, spec.projection]);
    floatOutput(g, 'last_hidden_state', last, spec.dtype, [batch, length, hidden]);
  } else {
    floatOutput(g, 'last_hidden_state', last, spec.dtype, [batch, length, hidden]);
    floatOutput(g, 'pooler_output', pooled, spec.dtype, [batch, hidden]);
  }
  if (spec.hiddenStates) {
    layerOutputs.forEach((value, i) => floatOutput(g, `hidden_states.${i}`, value, spec.dtype, [batch, length, hidden]));
  }
  return g;
}
