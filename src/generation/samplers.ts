/** The sampler names a request may give, and the labels other tools use for them (from the engine's scheduler registry). */
import { samplerLabel, schedulerNames } from '../diffusion/schedulers/index.js';

/** The samplers a request may name. */
export const samplerNames: readonly string[] = schedulerNames;

export function samplerDisplayName(name: string): string {
  return samplerLabel(name);
}

/** Every sampler with its AUTOMATIC1111 label, for reading the names other tools write into their pictures. */
export function samplerLabels(): Array<{ name: string; label: string }> {
  return samplerNames.map((name) => ({ name, label: samplerLabel(name) }));
}
