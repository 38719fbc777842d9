/**
 * The layers of an exported graph that a LoRA can target, by module path. torch.onnx.export names each node
 * after the module that made it (`/down_blocks.0/attentions.0/transformer_blocks.0/attn1/to_q/MatMul` is
 * module `down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q`), while the weight itself is often
 * anonymous (`onnx::MatMul_123`, stored transposed as [in, out]); Gemm and Conv weights usually keep the
 * parameter's name (`xxx.weight`, [out, in] and [out, in, kh, kw]). kohya's underscore-joined names are
 * resolved against this set of paths rather than by guessing where their dots were; SGM names of a
 * diffusers UNet and q/k/v slices of a fused projection are aliases of the layers they denote.
 */
import type { OnnxModelScan } from '../model/onnx-scan.js';
import { sgmAliases } from './sgm-names.js';

export interface WeightTarget {
  path: string;
  initializer: string;
  /** in-out: MatMul's [in, out]; out-in: Gemm transB or a transposed parameter; conv: [out, in, kh, kw]. */
  layout: 'in-out' | 'out-in' | 'conv';
  outFeatures: number;
  /** Input features, times kh * kw for a conv. */
  inFeatures: number;
  kernel: number[];
  /** A q, k or v slice of a fused projection: slice `index` of `parts` equal blocks of the outputs. */
  slice?: { index: number; parts: number };
  /** Other modules read the same initializer: changing it would change them too. */
  shared: boolean;
}

export interface ModuleIndex {
  resolve(name: string, naming: 'underscored' | 'dotted'): WeightTarget | undefined;
  /** Every module path with a weight (aliases excluded). */
  paths: string[];
}

/** Fused projections and the separate ones they hold, in output order. */
const FUSED: Record<string, string[][]> = {
  to_qkv: [['to_q'], ['to_k'], ['to_v']],
  qkv: [['to_q', 'q_proj', 'q'], ['to_k', 'k_proj', 'k'], ['to_v', 'v_proj', 'v']],
  qkv_proj: [['q_proj', 'to_q'], ['k_proj', 'to_k'], ['v_proj', 'to_v']],
  in_proj: [['q_proj', 'to_q'], ['k_proj', 'to_k'], ['v_proj', 'to_v']],
  to_kv: [['to_k'], ['to_v']],
};

export function buildModuleIndex(scan: OnnxModelScan, options: { unet?: boolean } = {}): ModuleIndex {
  const targets = findTargets(scan);
  const byPath = new Map(targets.map((t) => [t.path, t]));
  const aliases = new Map<string, WeightTarget>();
  for (const t of targets) addFusedAliases(t, byPath, aliases);
  if (options.unet) {
    for (const [sgm, path] of sgmAliases(byPath.keys())) if (!byPath.has(sgm)) aliases.set(sgm, byPath.get(path)!);
  }
  // A text encoder exported from CLIPTextModel has paths under text_model.; one exported from its inner
  // transformer does not. LoRA files for CLIP name them with the prefix.
  for (const t of targets) {
    const other = t.path.startsWith('text_model.') ? t.path.slice('text_model.'.length) : `text_model.${t.path}`;
    if (!byPath.has(other) && !aliases.has(other)) aliases.set(other, t);
  }
  const dotted = new Map([...aliases, ...byPath]);
  const underscored = new Map<string, WeightTarget | null>();
  for (const [path, target] of dotted) {
    const key = path.replace(/\./g, '_');
    const seen = underscored.get(key);
    // Two paths that differ only in '.' against '_' would be ambiguous: resolve neither.
    underscored.set(key, seen === undefined || seen === target ? target : null);
  }
  return {
    paths: [...byPath.keys()],
    resolve: (name, naming) => (naming === 'dotted' ? dotted.get(name) : underscored.get(name)) ?? undefined,
  };
}

/** The module path in a node name: its scopes without the op's own name. */
export function modulePathOfNode(nodeName: string): string | undefined {
  const scopes = nodeName.replace(/^\//, '').split('/');
  scopes.pop();
  const path: string[] = [];
  for (const scope of scopes) {
    // An nn.Sequential is a scope of its own and its children repeat its name: /time_embed/time_embed.0/Gemm.
    if (path.length > 0 && scope.startsWith(`${path.at(-1)}.`)) path.pop();
    path.push(scope);
  }
  return path.join('.') || undefined;
}

function findTargets(scan: OnnxModelScan): WeightTarget[] {
  const producers = new Map<string, (typeof scan.nodes)[number]>();
  const uses = new Map<string, number>();
  for (const node of scan.nodes) {
    for (const output of node.outputs) producers.set(output, node);
    for (const input of node.inputs) uses.set(input, (uses.get(input) ?? 0) + 1);
  }
  const targets: WeightTarget[] = [];
  const seen = new Set<string>();
  for (const node of scan.nodes) {
    let initializer: string | undefined;
    let layout: WeightTarget['layout'] | undefined;
    let weight = node.inputs[1];
    if (!weight) continue;
    // fp16 weights cast to float32 for ops the device runs in float32: the weight is the Cast's input.
    const cast = producers.get(weight);
    if (cast?.opType === 'Cast' && scan.initializers.has(cast.inputs[0]!)) weight = cast.inputs[0]!;
    if (node.opType === 'MatMul' || (node.opType === 'Gemm' && !node.ints.get('transA'))) {
      const transB = node.opType === 'Gemm' && node.ints.get('transB') === 1;
      const transpose = producers.get(weight);
      if (scan.initializers.has(weight)) {
        initializer = weight;
        layout = transB ? 'out-in' : 'in-out';
      } else if (transpose?.opType === 'Transpose' && scan.initializers.has(transpose.inputs[0]!) && !transB) {
        // MatMul(x, Transpose(W)) with W the parameter [out, in], as exports without constant folding have it.
        initializer = transpose.inputs[0]!;
        layout = 'out-in';
      }
    } else if (node.opType === 'Conv' && (node.ints.get('group') ?? 1) === 1 && scan.initializers.has(weight)) {
      initializer = weight;
      layout = 'conv';
    }
    if (!initializer || !layout) continue;
    const dims = scan.initializers.get(initializer)!.dims;
    if ((layout === 'conv' && dims.length !== 4) || (layout !== 'conv' && dims.length !== 2)) continue;
    const path = pathFor(node.name, initializer);
    if (!path || seen.has(path)) continue;
    seen.add(path);
    const [outFeatures, inFeatures] = layout === 'in-out' ? [dims[1]!, dims[0]!] : [dims[0]!, dims.slice(1).reduce((a, b) => a * b, 1)];
    targets.push({ path, initializer, layout, outFeatures, inFeatures, kernel: layout === 'conv' ? dims.slice(2) : [1, 1], shared: (uses.get(initializer) ?? 0) > 1 });
  }
  return targets;
}

/** A parameter's own name (`xxx.weight`) says its module best; otherwise the node's scopes do. */
function pathFor(nodeName: string, initializer: string): string | undefined {
  if (/^[\w.]+\.weight$/.test(initializer) && !initializer.startsWith('onnx::')) return initializer.slice(0, -'.weight'.length);
  return modulePathOfNode(nodeName);
}

function addFusedAliases(target: WeightTarget, byPath: Map<string, WeightTarget>, aliases: Map<string, WeightTarget>): void {
  const dot = target.path.lastIndexOf('.');
  const parent = dot < 0 ? '' : target.path.slice(0, dot + 1);
  const parts = FUSED[target.path.slice(dot + 1)];
  if (!parts || target.outFeatures % parts.length !== 0) return;
  parts.forEach((names, index) => {
    for (const name of names) {
      const path = parent + name;
      if (!byPath.has(path)) aliases.set(path, { ...target, path, outFeatures: target.outFeatures / parts.length, slice: { index, parts: parts.length } });
    }
  });
}
