/**
 * The LDM / SGM names (Stability's original code, and kohya's SDXL LoRAs) of a diffusers-named UNet's
 * modules: `input_blocks.4.1.transformer_blocks.0.attn1.to_q` for `down_blocks.1.attentions.0...`. The two
 * number blocks differently, so the translation needs the UNet's block layout, read here from the module
 * paths the graph has: how many resnets each down block holds, and which up blocks have attentions.
 */

/** ResnetBlock2D's layers under their LDM names (in_layers and out_layers are nn.Sequentials). */
const RESNET_LAYERS: Record<string, string> = {
  norm1: 'in_layers.0',
  conv1: 'in_layers.2',
  time_emb_proj: 'emb_layers.1',
  norm2: 'out_layers.0',
  conv2: 'out_layers.3',
  conv_shortcut: 'skip_connection',
};

const FIXED: Record<string, string> = {
  conv_in: 'input_blocks.0.0',
  'time_embedding.linear_1': 'time_embed.0',
  'time_embedding.linear_2': 'time_embed.2',
  'add_embedding.linear_1': 'label_emb.0.0',
  'add_embedding.linear_2': 'label_emb.0.2',
  conv_norm_out: 'out.0',
  conv_out: 'out.2',
};

/** SGM path -> diffusers path, for every diffusers module path given that has an SGM counterpart. */
export function sgmAliases(paths: Iterable<string>): Map<string, string> {
  const all = [...paths];
  // layers_per_block: the resnets of a down block (up blocks have one more).
  let perBlock = 0;
  const upWithAttention = new Set<number>();
  for (const p of all) {
    const down = /^down_blocks\.\d+\.resnets\.(\d+)\./.exec(p);
    if (down) perBlock = Math.max(perBlock, Number(down[1]) + 1);
    const up = /^up_blocks\.(\d+)\.attentions\./.exec(p);
    if (up) upWithAttention.add(Number(up[1]));
  }
  const stride = perBlock + 1; // per level: its resnets (with attentions beside them), then a down or up sampler
  const aliases = new Map<string, string>();
  for (const p of all) {
    const sgm = sgmName(p, perBlock, stride, upWithAttention);
    if (sgm && sgm !== p) aliases.set(sgm, p);
  }
  return aliases;
}

function sgmName(p: string, perBlock: number, stride: number, upWithAttention: Set<number>): string | undefined {
  if (FIXED[p]) return FIXED[p];
  const resnet = (rest: string) => {
    const [layer, ...tail] = rest.split('.');
    const mapped = RESNET_LAYERS[layer!];
    return mapped ? [mapped, ...tail].join('.') : undefined;
  };
  let m = /^down_blocks\.(\d+)\.(resnets|attentions)\.(\d+)\.(.+)$/.exec(p);
  if (m) {
    const block = 1 + Number(m[1]) * stride + Number(m[3]);
    const rest = m[2] === 'resnets' ? resnet(m[4]!) : m[4];
    return rest && `input_blocks.${block}.${m[2] === 'resnets' ? 0 : 1}.${rest}`;
  }
  m = /^down_blocks\.(\d+)\.downsamplers\.0\.conv$/.exec(p);
  if (m) return `input_blocks.${1 + Number(m[1]) * stride + perBlock}.0.op`;
  m = /^mid_block\.(resnets|attentions)\.(\d+)\.(.+)$/.exec(p);
  if (m) {
    // middle_block: resnet, attention, resnet.
    const rest = m[1] === 'resnets' ? resnet(m[3]!) : m[3];
    return rest && `middle_block.${m[1] === 'resnets' ? Number(m[2]) * 2 : 1}.${rest}`;
  }
  m = /^up_blocks\.(\d+)\.(resnets|attentions)\.(\d+)\.(.+)$/.exec(p);
  if (m) {
    const block = Number(m[1]) * stride + Number(m[3]);
    const rest = m[2] === 'resnets' ? resnet(m[4]!) : m[4];
    return rest && `output_blocks.${block}.${m[2] === 'resnets' ? 0 : 1}.${rest}`;
  }
  m = /^up_blocks\.(\d+)\.upsamplers\.0\.conv$/.exec(p);
  if (m) {
    const level = Number(m[1]);
    // The upsampler sits after the last resnet of its output block, and after its attention if it has one.
    return `output_blocks.${level * stride + perBlock}.${upWithAttention.has(level) ? 2 : 1}.conv`;
  }
  return undefined;
}
