import { samplerLabel, schedulerNames } from '../diffusion/schedulers/index.js';

/** The samplers a request may name, with the label AUTOMATIC1111 shows for each (the engine's scheduler registry). */
export const samplerNames: readonly string[] = schedulerNames;

export function samplerDisplayName(name: string): string {
  return samplerLabel(name);
}
