/**
 * Merging LoRAs into one component's weights: W' = W + sum over LoRAs of weight * (alpha / rank) * up @ down,
 * computed in float32 in the layout the graph stores W in (transposed for MatMul, a slice of the rows of a
 * fused q/k/v projection, a conv kernel seen as [out, in * kh * kw]) and written back in the model's type.
 * What does not fit is counted per LoRA for one warning each, not merged.
 */
import type { EditableOnnxModel } from '../model/editable-onnx.js';
import type { LoraComponent, LoraModule, ParsedLora } from './lora-file.js';
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
}

/** What happened to one LoRA's modules, per component merged. */
export interface MergeReport {
  merged: number;
  unmapped: string[];
  misfit: string[];
  shared: string[];
}

/** Merges every module of `loras` meant for `target.component` into its model; returns per-LoRA reports. */
export function mergeIntoComponent(target: MergeTarget, loras: readonly WeightedLora[]): MergeReport[] {
  // Every product that lands on an initializer, so each is decoded, merged and written back once, alone:
  // one weight in float32 at a time, however large the component.
  const contributions = new Map<string, { target: WeightTarget; module: LoraModule; scale: number }[]>();
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
    const values = target.model.float32(name);
    for (const { target: weightTarget, module, scale } of list) addProduct(values, weightTarget, module, scale);
    target.model.write(name, values);
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

/** weights += scale * up @ down, placed where the target's layout keeps each (output, input) element. */
function addProduct(weights: Float32Array, target: WeightTarget, module: LoraModule, scale: number): void {
  const down = module.down.read();
  const up = module.up.read();
  const rank = module.rank;
  const inF = target.inFeatures;
  const outF = target.outFeatures;
  const first = target.slice ? target.slice.index * outF : 0; // the slice's first output row
  const totalOut = target.slice ? outF * target.slice.parts : outF;
  const row = new Float32Array(inF);
  for (let o = 0; o < outF; o++) {
    row.fill(0);
    for (let r = 0; r < rank; r++) {
      const u = up[o * rank + r]! * scale;
      if (u === 0) continue;
      const base = r * inF;
      for (let i = 0; i < inF; i++) row[i]! += u * down[base + i]!;
    }
    const out = first + o;
    if (target.layout === 'in-out') {
      for (let i = 0; i < inF; i++) weights[i * totalOut + out]! += row[i]!;
    } else {
      const base = out * inF;
      for (let i = 0; i < inF; i++) weights[base + i]! += row[i]!;
    }
  }
}
