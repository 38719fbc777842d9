/**
 * A T5-like text encoder with the interface of optimum's `t5-encoder` export (SD3's text_encoder_3, FLUX's
 * text_encoder_2): `input_ids` int64 [batch_size, sequence_length] -> `last_hidden_state` [batch_size,
 * sequence_length, width].
 *
 * T5EncoderModel in miniature: a token embedding, pre-RMSNorm layers of bidirectional self-attention (no
 * causal mask, no biases) and a gated-GELU feed-forward, a final RMSNorm. T5's relative position bias is
 * left out; sinusoidal positions computed in the graph (any length) keep the output order-dependent.
 */
import { attention, linear, param, type Net } from '../../diffusion/graph/layers.js';
import { ElemType, GraphBuilder } from '../../diffusion/graph/onnx-graph.js';
import { ONES, type WeightSource } from './seeded-weights.js';
import { gelu, sinusoidal } from './tiny-dit-blocks.js';

export interface T5EncoderSpec {
  vocabSize: number;
  /** d_model: the width of last_hidden_state (4096 in T5-XXL). */
  width: number;
  heads: number;
  layers: number;
}

/** The values written to the encoder's config.json (a T5Config, reduced to what applies). */
export function t5EncoderConfig(spec: T5EncoderSpec, padTokenId: number, eosTokenId: number): Record<string, unknown> {
  return {
    architectures: ['T5EncoderModel'],
    model_type: 't5',
    d_model: spec.width,
    d_ff: spec.width * 2,
    d_kv: spec.width / spec.heads,
    num_heads: spec.heads,
    num_layers: spec.layers,
    vocab_size: spec.vocabSize,
    feed_forward_proj: 'gated-gelu',
    is_gated_act: true,
    dense_act_fn: 'gelu_new',
    layer_norm_epsilon: 1e-6,
    relative_attention_num_buckets: 32,
    pad_token_id: padTokenId,
    eos_token_id: eosTokenId,
    torch_dtype: 'float32',
  };
}

export function buildT5Encoder(weights: WeightSource, spec: T5EncoderSpec): GraphBuilder {
  const g = new GraphBuilder('text_encoder_t5');
  const net: Net = { g, w: weights };
  const { width } = spec;
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);

  const tokens = g.op('Gather', [param(net, 'shared.weight', [spec.vocabSize, width], { std: 1 }), ids], { axis: 0 });
  const length = g.op('Squeeze', [g.op('Slice', [g.op('Shape', [ids]), g.constInt64([1]), g.constInt64([2])]), g.constInt64([0])]);
  const positions = g.op('Cast', [g.op('Range', [g.constInt64([0], []), length, g.constInt64([1], [])])], { to: ElemType.float32 });
  let x = g.op('Add', [tokens, g.op('Mul', [sinusoidal(g, positions, width), g.constFloat([0.3], [])])]);

  for (let layer = 0; layer < spec.layers; layer++) {
    x = g.scope(`encoder.block.${layer}`, () => {
      const normed = rmsNorm(net, 'layer.0.layer_norm', x, width);
      const attended = attention(net, 'layer.0.SelfAttention', normed, normed, { queryDim: width, contextDim: width, innerDim: width, heads: spec.heads });
      const afterAttention = g.op('Add', [x, attended]);
      const ffIn = rmsNorm(net, 'layer.1.layer_norm', afterAttention, width);
      const ff = g.scope('layer.1.DenseReluDense', () => {
        const gate = gelu(g, linear(net, 'wi_0', ffIn, width, width * 2, { bias: false }));
        return linear(net, 'wo', g.op('Mul', [gate, linear(net, 'wi_1', ffIn, width, width * 2, { bias: false })]), width * 2, width, { bias: false });
      });
      return g.op('Add', [afterAttention, ff]);
    });
  }
  const last = g.scope('encoder', () => rmsNorm(net, 'final_layer_norm', x, width));
  g.output('last_hidden_state', last, 'float32', ['batch_size', 'sequence_length', width]);
  return g;
}

/** T5's LayerNorm: scale only, no mean subtraction (opset 17 has no RMSNormalization). */
function rmsNorm(net: Net, name: string, x: string, dim: number, epsilon = 1e-6): string {
  const { g } = net;
  return g.scope(name, () => {
    const meanSquare = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [-1], keepdims: 1 });
    const normed = g.op('Div', [x, g.op('Sqrt', [g.op('Add', [meanSquare, g.constFloat([epsilon], [])])])]);
    return g.op('Mul', [normed, param(net, 'weight', [dim], ONES)]);
  });
}
