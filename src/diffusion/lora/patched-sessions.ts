/**
 * The UNet and text-encoder sessions of a model with a set of LoRAs merged in: each component a LoRA touches
 * is read into memory, merged (lora-merge.ts) and handed to onnxruntime from memory, one at a time so that
 * only one component's copy is held at once; the others, and every component when no LoRA has a non-zero
 * weight, load from their files exactly as without LoRA. What could not be applied comes back as one
 * warning per LoRA.
 */
import path from 'node:path';
import { EditableOnnxModel } from '../model/editable-onnx.js';
import type { ModelFolder } from '../model/model-folder.js';
import { ModelSession, type SessionOptions } from '../model/onnx-session.js';
import { readLoraFile, type LoraComponent } from './lora-file.js';
import { mergeIntoComponent, type MergeReport, type WeightedLora } from './lora-merge.js';
import { buildModuleIndex } from './module-index.js';

export interface LoraSpec {
  file: string;
  weight: number;
  /** As the user named it, for warnings. */
  name: string;
}

export interface MergedSessions {
  /** In the order of model.paths.textEncoders. */
  textEncoders: ModelSession[];
  unet: ModelSession;
  loraWarnings: string[];
}

const EXAMPLES = 3;

export async function loadMergedSessions(model: ModelFolder, options: SessionOptions, loras: readonly LoraSpec[]): Promise<MergedSessions> {
  const active = loras.filter((l) => l.weight !== 0);
  const weighted: WeightedLora[] = [];
  for (const spec of active) weighted.push({ name: spec.name, weight: spec.weight, lora: await readLoraFile(spec.file) });
  const components: { component: LoraComponent; file: string }[] = [
    ...model.paths.textEncoders.map((p) => ({ component: componentOf(p.model), file: p.model })),
    { component: 'unet' as const, file: model.paths.unet },
  ];
  const touched = (component: LoraComponent) => weighted.some((w) => w.lora.modules.some((m) => m.component === component));
  const reports = weighted.map((): MergeReport[] => []);
  const sessions: ModelSession[] = [];
  // Untouched components load concurrently, as without LoRA; merged ones one after another (memory).
  const plain = Promise.all(components.map((c) => (touched(c.component) ? undefined : ModelSession.load(c.file, options))));
  const merged: (ModelSession | undefined)[] = [];
  try {
    for (const c of components) {
      if (!touched(c.component)) {
        merged.push(undefined);
        continue;
      }
      const editable = await EditableOnnxModel.read(c.file);
      const index = buildModuleIndex(editable.scan, { unet: c.component === 'unet' });
      const componentReports = mergeIntoComponent({ component: c.component, model: editable, index }, weighted);
      componentReports.forEach((r, i) => reports[i]!.push(r));
      // Nothing merged (every key unmapped): the file itself, as without the LoRA.
      const changed = componentReports.some((r) => r.merged > 0);
      merged.push(await ModelSession.load(changed ? editable.sessionSource() : c.file, options));
    }
    const plainSessions = await plain;
    components.forEach((_, i) => sessions.push((merged[i] ?? plainSessions[i])!));
  } catch (error) {
    await Promise.allSettled([...merged, ...(await plain.catch(() => []))].map((s) => s?.release()));
    throw error;
  }
  const present = new Set(components.map((c) => c.component));
  const loraWarnings = weighted.flatMap((w, i) => loraWarning(w, reports[i]!, present));
  return { textEncoders: sessions.slice(0, -1), unet: sessions.at(-1)!, loraWarnings };
}

/** text_encoder/model.onnx -> text_encoder; text_encoder_2/model.onnx -> text_encoder_2 (an SDXL refiner has only that). */
function componentOf(modelFile: string): LoraComponent {
  return path.basename(path.dirname(modelFile)) === 'text_encoder_2' ? 'text_encoder_2' : 'text_encoder';
}

/** One message for everything of a LoRA that was not applied, with counts and a few examples of each. */
function loraWarning({ name, lora }: WeightedLora, reports: MergeReport[], present: Set<LoraComponent>): string[] {
  const absent = lora.modules.filter((m) => !present.has(m.component)).map((m) => m.key);
  const groups: [string, string[]][] = [
    ['match no layer of this model', [...absent, ...reports.flatMap((r) => r.unmapped)]],
    ['do not fit the shapes of their layers', reports.flatMap((r) => r.misfit)],
    ['target a weight other layers share', reports.flatMap((r) => r.shared)],
    ['are of a kind that cannot be merged', lora.unsupported],
    ['are not LoRA weights', lora.unrecognised],
  ];
  const parts = groups.filter(([, keys]) => keys.length > 0).map(([what, keys]) => `${keys.length} ${what} (e.g. ${keys.slice(0, EXAMPLES).join(', ')})`);
  if (parts.length === 0) return [];
  const total = lora.modules.length + lora.unsupported.length + lora.unrecognised.length;
  const applied = reports.reduce((sum, r) => sum + r.merged, 0);
  return [`LoRA "${name}": ${applied} of ${total} modules applied; ${parts.join('; ')}`];
}
