/**
 * Merging LoRAs into one component's weights: W' = W + sum over LoRAs of weight * (alpha / rank) * up @ down,
 * computed in float32 in the layout the graph stores W in (transposed for MatMul, a slice of the rows of a
 * fused q/k/v projection, a conv kernel seen as [out, in * kh * kw]) and written back in the model's type.
 * What does not fit is counted per LoRA for one warning each, not merged.
 */
import type { EditableOnnxModel } from '../model/editable-onnx.js';
import type { LoraComponent, LoraModule, ParsedLora } from './lora-file.js';
import { addLowRankProduct } from './low-rank-update.js';
import type { ModuleIndex, WeightTarget } from './module-index.js';

export interface WeightedLora {
  name: string;
  weight: number;
  lora: ParsedLora;
}

export interface MergeTarget {
  component: LoraComponent;
  model: EditableOnnxModel;
  index: ModuleIndex;
  /** onnxruntime threads for the products (0: its default). */
  threads?: number;
}

/** What happened to one LoRA's modules, per component merged. */
export interface MergeReport {
  merged: number;
  unmapped: string[];
  misfit: string[];
  shared: string[];
}

/** Merges every module of `loras` meant for `target.component` into its model; returns per-LoRA reports. */
export async function mergeIntoComponent(target: MergeTarget, loras: readonly WeightedLora[]): Promise<MergeReport[]> {
  // Every product that lands on an initializer, so each is decoded, merged and written back once, alone:
  // one weight in float32 at a time, however large the component.
  const contributions = new Map<string, Contribution[]>();
  const reports = loras.map(({ weight, lora }) => {
    const report: MergeReport = { merged: 0, unmapped: [], misfit: [], shared: [] };
    for (const module of lora.modules) {
      if (module.component !== target.component) continue;
      const weightTarget = target.index.resolve(module.name, module.naming);
      if (!weightTarget) {
        report.unmapped.push(module.key);
        continue;
      }
      const misfit = fitProblem(module, weightTarget);
      if (misfit) {
        report.misfit.push(`${module.key} (${misfit})`);
        continue;
      }
      if (weightTarget.shared) {
        report.shared.push(module.key);
        continue;
      }
      const list = contributions.get(weightTarget.initializer) ?? [];
      list.push({ target: weightTarget, module, scale: (weight * (module.alpha ?? module.rank)) / module.rank });
      contributions.set(weightTarget.initializer, list);
      report.merged++;
    }
    return report;
  });
  for (const [name, list] of contributions) {
    const { a, b, shape } = lowRankFactors(list);
    const merged = await addLowRankProduct(await target.model.float32(name), a, b, shape, target.threads);
    await target.model.write(name, merged);
  }
  return reports;
}

/** Why the module's product cannot be added to the target's weight, if it cannot. */
function fitProblem(module: LoraModule, target: WeightTarget): string | undefined {
  const { down, up, rank } = module;
  const downIn = down.shape.slice(1).reduce((a, b) => a * b, 1);
  const upRank = up.shape.slice(1).reduce((a, b) => a * b, 1);
  if (rank === 0 || upRank !== rank) return `up ${JSON.stringify(up.shape)} does not follow down ${JSON.stringify(down.shape)}`;
  if (up.shape[0] !== target.outFeatures || downIn !== target.inFeatures) {
    return `[${up.shape[0]}, ${downIn}] against the model's [${target.outFeatures}, ${target.inFeatures}]`;
  }
  // Counts can agree by chance (a linear LoRA of 9 * in inputs on a 3x3 conv): the kernels must agree too.
  const kernel = down.shape.length > 2 ? down.shape.slice(2) : [1, 1];
  if (kernel.join() !== target.kernel.join()) return `kernel ${kernel.join('x')} against the model's ${target.kernel.join('x')}`;
  return undefined;
}

interface Contribution {
  target: WeightTarget;
  module: LoraModule;
  scale: number;
}

/**
 * The products landing on one weight as a single one, W' = W + A @ B, with W seen as the graph stores it:
 * [in, out] for MatMul (in-out), [out, in * kh * kw] otherwise. Each module's down and scaled up matrices
 * take `rank` columns of A and rows of B, placed at its slice of a fused projection's outputs (zeros
 * elsewhere), so several LoRAs and the q, k and v of one fused weight add up in one product.
 */
function lowRankFactors(list: readonly Contribution[]): { a: Float32Array; b: Float32Array; shape: { rows: number; rank: number; cols: number } } {
  const { layout, slice, outFeatures, inFeatures } = list[0]!.target;
  const totalOut = outFeatures * (slice?.parts ?? 1);
  const transposed = layout === 'in-out';
  const rows = transposed ? inFeatures : totalOut;
  const cols = transposed ? totalOut : inFeatures;
  const rank = list.reduce((n, c) => n + c.module.rank, 0);
  const a = new Float32Array(rows * rank);
  const b = new Float32Array(rank * cols);
  let column = 0; // this module's first column of A, row of B
  for (const { target, module, scale } of list) {
    const down = module.down.read(); // [r, in]
    const up = module.up.read(); // [out, r]
    const r = module.rank;
    const first = target.slice ? target.slice.index * outFeatures : 0;
    for (let k = 0; k < r; k++) {
      const ak = column + k;
      for (let o = 0; o < outFeatures; o++) {
        const u = up[o * r + k]! * scale;
        if (transposed) b[ak * cols + first + o] = u;
        else a[(first + o) * rank + ak] = u;
      }
      for (let i = 0; i < inFeatures; i++) {
        const d = down[k * inFeatures + i]!;
        if (transposed) a[i * rank + ak] = d;
        else b[ak * cols + i] = d;
      }
    }
    column += r;
  }
  return { a, b, shape: { rows, rank, cols } };
}
