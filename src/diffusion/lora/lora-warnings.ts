/**
 * The one warning per LoRA that says what of it was not applied: counts per reason, with a few examples of
 * each, so a user can tell a LoRA for another model (nothing matches) from a few odd keys.
 */
import type { LoraComponent } from './lora-file.js';
import type { MergeReport, WeightedLora } from './lora-merge.js';

const EXAMPLES = 3;

/** `reports`: one per component merged; `present`: the components the model has. */
export function loraWarning({ name, lora }: WeightedLora, reports: MergeReport[], present: Set<LoraComponent>): string[] {
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
