/**
 * A LoRA file's tensors grouped into modules (one down/up pair and optional alpha per layer), in the naming
 * schemes people's files use: kohya / AUTOMATIC1111 (`lora_unet_<underscored path>.lora_down.weight`,
 * `lora_te_`, SDXL's `lora_te1_` / `lora_te2_`, LoCon convs included), diffusers / PEFT
 * (`unet.<path>.lora_A.weight`, `text_encoder.`, `text_encoder_2.`, older `.lora.down.weight` and
 * attention-processor `processor.to_q_lora.down.weight`). Kinds that are not a plain low-rank product (LoHa,
 * LoKr, Tucker's lora_mid, DoRA, full diffs) are listed as unsupported instead of being dropped quietly.
 * Safetensors only: pickles are refused before they are opened.
 */
import { readSafetensors, readUserSafetensors, safetensorsFloat32, type SafetensorsFile } from '../model/safetensors.js';
import { LoraFileError } from './lora-info.js';

export type LoraComponent = 'unet' | 'text_encoder' | 'text_encoder_2';

export interface LoraTensor {
  shape: number[];
  read(): Float32Array;
}

export interface LoraModule {
  component: LoraComponent;
  /** kohya's underscore-joined module name (`down_blocks_0_attentions_0_..._to_q`) or a dotted module path. */
  name: string;
  naming: 'underscored' | 'dotted';
  /** The key prefix as the file has it, for messages. */
  key: string;
  down: LoraTensor;
  up: LoraTensor;
  /** The trained alpha; absent means alpha = rank (a scale of 1), as diffusers and kohya read such files. */
  alpha: number | undefined;
  rank: number;
}

export interface ParsedLora {
  source: string;
  modules: LoraModule[];
  /** Module keys of kinds this engine does not merge, with the kind: "lora_unet_x (LoHa)". */
  unsupported: string[];
  /** Keys that are no LoRA weight at all, or a module missing its up or down half. */
  unrecognised: string[];
}

const KOHYA_PREFIXES: [string, LoraComponent][] = [
  ['lora_unet_', 'unet'],
  ['lora_te1_', 'text_encoder'],
  ['lora_te2_', 'text_encoder_2'],
  ['lora_te_', 'text_encoder'],
];
const DOTTED_PREFIXES: [string, LoraComponent][] = [
  ['text_encoder_2.', 'text_encoder_2'],
  ['text_encoder.', 'text_encoder'],
  ['unet.', 'unet'],
];

/** Weight suffixes by role; the first that matches wins (longest forms first). */
const ROLES: [RegExp, 'down' | 'up' | 'alpha'][] = [
  [/\.(lora_down|lora\.down|lora_A)(\.default(_\d+)?)?\.weight$/, 'down'],
  [/\.(lora_up|lora\.up|lora_B)(\.default(_\d+)?)?\.weight$/, 'up'],
  [/\.alpha$/, 'alpha'],
  // Attention-processor files: `...attn1.processor.to_q_lora.down.weight`.
  [/(?<=\.processor\.\w+_lora)\.down\.weight$/, 'down'],
  [/(?<=\.processor\.\w+_lora)\.up\.weight$/, 'up'],
];

/** Suffixes of the other LyCORIS kinds, by the name a user knows them by. */
const OTHER_KINDS: [RegExp, string][] = [
  [/\.hada_(w|t)\d(_[ab])?$/, 'LoHa'],
  [/\.lokr_(w|t)\d(_[ab])?$/, 'LoKr'],
  [/\.lora_mid\.weight$/, 'LoCon with Tucker decomposition (lora_mid)'],
  [/\.dora_scale$/, 'DoRA'],
  [/\.diff(_b)?$/, 'full weight difference'],
  [/\.(on_input|weight)$/, 'IA3'],
  [/\.(w_norm|b_norm)$/, 'norm'],
];

export async function readLoraFile(file: string): Promise<ParsedLora> {
  return parseLora(await readUserSafetensors(file, 'LoRA files', readSafetensors, (message, options) => new LoraFileError(message, options)));
}

export function parseLora(content: SafetensorsFile): ParsedLora {
  type Group = { component: LoraComponent; name: string; naming: LoraModule['naming']; key: string; down?: string; up?: string; alpha?: string; kind?: string };
  const groups = new Map<string, Group>();
  const unrecognised: string[] = [];
  for (const key of content.tensors.keys()) {
    const role = ROLES.find(([pattern]) => pattern.test(key));
    const kind = role ? undefined : OTHER_KINDS.find(([pattern]) => pattern.test(key));
    const suffix = role ? role[0] : kind?.[0];
    const module = suffix ? key.replace(suffix, '') : '';
    const located = suffix ? locate(module) : undefined;
    if (!located) {
      unrecognised.push(key);
      continue;
    }
    const id = `${located.component}:${located.name}`;
    const group = groups.get(id) ?? { ...located, key: module };
    groups.set(id, group);
    if (kind) group.kind ??= kind[1];
    else group[role![1]] = key;
  }
  const modules: LoraModule[] = [];
  const unsupported: string[] = [];
  for (const group of groups.values()) {
    const { key } = group;
    if (group.kind) {
      unsupported.push(`${key} (${group.kind})`);
      continue;
    }
    if (!group.down || !group.up) {
      unrecognised.push(`${key} (no ${group.down ? 'up' : 'down'} weight)`);
      continue;
    }
    const down = tensor(content, group.down);
    const up = tensor(content, group.up);
    const alpha = group.alpha ? safetensorsFloat32(content, group.alpha)[0] : undefined;
    modules.push({ component: group.component, name: group.name, naming: group.naming, key, down, up, alpha, rank: down.shape[0] ?? 0 });
  }
  return { source: content.source, modules, unsupported, unrecognised };
}

/** Which component a module key belongs to, and its name there. */
function locate(module: string): { component: LoraComponent; name: string; naming: LoraModule['naming'] } | undefined {
  for (const [prefix, component] of KOHYA_PREFIXES) {
    if (module.startsWith(prefix) && !module.includes('.')) return { component, name: module.slice(prefix.length), naming: 'underscored' };
  }
  // Raw PEFT saves name the wrapped model base_model.model: a text encoder if its paths start at text_model.
  let path = module;
  if (path.startsWith('base_model.model.')) {
    const inner = path.slice('base_model.model.'.length);
    path = `${inner.startsWith('text_model.') ? 'text_encoder' : 'unet'}.${inner}`;
  }
  for (const [prefix, component] of DOTTED_PREFIXES) {
    if (path.startsWith(prefix)) return { component, name: processorPath(path.slice(prefix.length)), naming: 'dotted' };
  }
  // diffusers' attention-processor files (AttnProcsLayers) name UNet modules without a prefix.
  if (/\.processor\./.test(path)) return { component: 'unet', name: processorPath(path), naming: 'dotted' };
  return undefined;
}

/** `...attn1.processor.to_q_lora` -> `...attn1.to_q`; `to_out_lora` -> `to_out.0` (diffusers' module list). */
function processorPath(path: string): string {
  return path.replace(/\.processor\.(to_q|to_k|to_v|to_out)_lora$/, (_, projection: string) => (projection === 'to_out' ? '.to_out.0' : `.${projection}`));
}

function tensor(content: SafetensorsFile, key: string): LoraTensor {
  const entry = content.tensors.get(key)!;
  return { shape: entry.shape, read: () => safetensorsFloat32(content, key) };
}
