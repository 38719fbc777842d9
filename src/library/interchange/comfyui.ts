/** Reading the parameters out of ComfyUI's `prompt` chunk (the node graph that was run). */
import { parseCount, parseNumber, parseSeed, parseText, type ImportedParameters } from './parameters.js';
import type { SamplerNames } from './sampler-names.js';
import type { LoraUse } from '../../generation/lora-tags.js';

/** A node of ComfyUI's API-format graph: inputs are literals or links, [sourceNodeId, outputIndex]. */
interface ComfyNode {
  class_type: string;
  inputs: Record<string, unknown>;
}
type Graph = Record<string, ComfyNode>;

const SAMPLER_CLASSES = ['KSampler', 'KSamplerAdvanced'];
/** Nodes a link may pass through on its way to the text, size or checkpoint (LoRAs, conditioning tweaks, reroutes). */
const PASS_THROUGH_INPUTS = ['conditioning', 'conditioning_to', 'conditioning_1', 'model', 'samples', 'latent', 'input', 'value'];
/** Enough hops for real workflows, few enough that a cyclic graph ends. */
const MAX_HOPS = 32;

/**
 * ComfyUI's `prompt` chunk: the API-format node graph that was run. The parameters live on the sampler node
 * (KSampler, or KSamplerAdvanced with noise_seed); the texts, size and checkpoint are found by following its
 * positive / negative / latent_image / model links. Returns null when the text is not such a graph.
 */
export function parseComfyUi(text: string, samplers: SamplerNames): ImportedParameters | null {
  const graph = readGraph(text);
  if (!graph) return null;
  const candidates = Object.entries(graph).filter(([, node]) => SAMPLER_CLASSES.includes(node.class_type));
  if (candidates.length === 0) return null;
  // With several samplers (a hires-fix pass), the first pass is the one that starts from an empty latent.
  const [, sampler] = candidates.find(([, node]) => traceNode(graph, node.inputs.latent_image, (n) => n.class_type.startsWith('EmptyLatentImage') || n.class_type.startsWith('EmptySD3LatentImage'))) ?? candidates[0]!;
  const inputs = sampler.inputs;

  const latent = traceNode(graph, inputs.latent_image, (n) => 'width' in n.inputs && 'height' in n.inputs);
  const checkpoint = traceNode(graph, inputs.model, (n) => typeof n.inputs.ckpt_name === 'string' || typeof n.inputs.unet_name === 'string');
  const samplerName = parseText(inputs.sampler_name);
  return {
    format: 'COMFYUI',
    prompt: traceText(graph, inputs.positive) ?? '',
    negativePrompt: traceText(graph, inputs.negative) ?? '',
    seed: parseSeed(literal(graph, inputs.seed ?? inputs.noise_seed)),
    steps: parseCount(literal(graph, inputs.steps)),
    // FLUX dev's guidance is an input of the model, set by a FluxGuidance node (KSampler's cfg is then 1).
    guidanceScale: fluxGuidance(graph, inputs.positive) ?? parseNumber(literal(graph, inputs.cfg)),
    sampler: samplerName ? samplers.fromComfyUi(samplerName, parseText(inputs.scheduler) ?? undefined) : null,
    width: latent ? parseCount(literal(graph, latent.inputs.width)) : null,
    height: latent ? parseCount(literal(graph, latent.inputs.height)) : null,
    model: checkpoint ? stripExtension(String(checkpoint.inputs.ckpt_name ?? checkpoint.inputs.unet_name)) : null,
    denoisingStrength: null,
    loras: traceLoras(graph, inputs.model),
    raw: text,
  };
}

/**
 * The LoraLoader (and LoraLoaderModelOnly) nodes on the sampler's model link, in the order they were applied
 * (nearest the checkpoint first); each one's weight is its strength on the model. ComfyUI records no hash.
 */
function traceLoras(graph: Graph, modelInput: unknown): LoraUse[] {
  const loras: LoraUse[] = [];
  let current = modelInput;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const node = linked(graph, current);
    if (!node) break;
    const name = parseText(node.inputs.lora_name);
    if (node.class_type.startsWith('LoraLoader') && name) {
      loras.unshift({ name: stripExtension(name), weight: parseNumber(literal(graph, node.inputs.strength_model)) ?? 1, hash: '' });
    }
    current = node.inputs.model;
  }
  return loras;
}

function readGraph(text: string): Graph | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(parsed)) return null;
  const graph: Graph = {};
  for (const [id, node] of Object.entries(parsed)) {
    if (isObject(node) && typeof node.class_type === 'string' && isObject(node.inputs)) graph[id] = node as unknown as ComfyNode;
  }
  return Object.keys(graph).length > 0 ? graph : null;
}

/** Follows a link (through pass-through nodes) to the first node `wanted` accepts. */
function traceNode(graph: Graph, input: unknown, wanted: (node: ComfyNode) => boolean): ComfyNode | null {
  let current = input;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const node = linked(graph, current);
    if (!node) return null;
    if (wanted(node)) return node;
    const next = PASS_THROUGH_INPUTS.find((key) => isLink(node.inputs[key]));
    if (!next) return null;
    current = node.inputs[next];
  }
  return null;
}

/**
 * The prompt text behind a conditioning link, itself possibly a link to a text node: CLIPTextEncode's `text`,
 * SDXL's `text_g`, and for SD3 and FLUX (CLIPTextEncodeSD3, CLIPTextEncodeFlux) T5's `t5xxl`, else CLIP-L's.
 */
function traceText(graph: Graph, input: unknown): string | null {
  const keys = ['text', 'text_g', 'prompt', 't5xxl', 'clip_l'];
  const encoder = traceNode(graph, input, (n) => keys.some((key) => key in n.inputs));
  if (!encoder) return null;
  const texts = keys.map((key) => literal(graph, encoder.inputs[key])).filter((value): value is string => typeof value === 'string');
  return texts.find((text) => text !== '') ?? texts[0] ?? null;
}

/** The guidance of a FluxGuidance node (or CLIPTextEncodeFlux's own) on the positive conditioning; null without one. */
function fluxGuidance(graph: Graph, positive: unknown): number | null {
  const node = traceNode(graph, positive, (n) => n.class_type === 'FluxGuidance' || n.class_type === 'CLIPTextEncodeFlux');
  return node ? parseNumber(literal(graph, node.inputs.guidance)) : null;
}

/** An input's value: a literal as it is, a link resolved to the literal a primitive node holds. */
function literal(graph: Graph, input: unknown): unknown {
  let current = input;
  for (let hop = 0; hop < MAX_HOPS && isLink(current); hop++) {
    const node = linked(graph, current);
    if (!node) return null;
    const key = ['value', 'text', 'string', 'seed', 'noise_seed', 'int', 'float'].find((k) => k in node.inputs);
    if (!key) return null;
    current = node.inputs[key];
  }
  return isLink(current) ? null : current;
}

function linked(graph: Graph, input: unknown): ComfyNode | null {
  return isLink(input) ? (graph[String(input[0])] ?? null) : null;
}

function isLink(value: unknown): value is [string | number, number] {
  return Array.isArray(value) && value.length === 2 && (typeof value[0] === 'string' || typeof value[0] === 'number') && typeof value[1] === 'number';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "v1-5-pruned-emaonly.safetensors" -> "v1-5-pruned-emaonly", as A1111 names a model. */
function stripExtension(name: string): string {
  return name.replace(/\\/g, '/').split('/').at(-1)!.replace(/\.(safetensors|ckpt|pt|pth|bin|gguf|sft)$/i, '');
}
