/**
 * The limits and defaults of a generation request, and the checks every request policy shares (a value in its
 * range, the priority a role may give): generate's (generation-request.ts), the hires fix's (hires-request.ts)
 * and upscaleImage's (upscale-request.ts).
 */
import type { Role } from '../accounts/viewer.js';
import { GenerationRequestError } from './request-errors.js';

/** Limits of a generation request; the error for a value outside names the field and these bounds. */
export const LIMITS = {
  promptLength: 10_000,
  size: { min: 64, max: 2048, multipleOf: 8 },
  steps: { min: 1, max: 150 },
  guidanceScale: { min: 0, max: 30 },
  batchSize: { min: 1, max: 8 },
  priority: { min: -100, max: 100 },
  seed: { min: 0n, max: 2n ** 64n - 1n },
  variationStrength: { min: 0, max: 1 },
  denoisingStrength: { min: 0, max: 1 },
  hiresScale: { min: 1, max: 4 },
  hiresSteps: { min: 0, max: 150 },
} as const;

/** Priorities a USER may give: lower than everyone's default, never above it (above 0 is for admins). */
export const USER_PRIORITY = { min: LIMITS.priority.min, max: 0 } as const;

/** Defaults that do not depend on the model; sampler, steps and guidance come from the model (its traits). */
export const DEFAULTS = {
  batchSize: 1,
  priority: 0,
  denoisingStrength: 0.75,
  // AUTOMATIC1111's: twice the size, the first pass's steps, strength 0.7, the bilinear latent upscaler.
  hires: { scale: 2, steps: 0, denoisingStrength: 0.7, upscaler: 'latent' },
} as const;

/** The priority asked for (default 0): within LIMITS, and above 0 only for admins. */
export function checkPriority(asked: number | null | undefined, viewerRole: Role): number {
  const priority = asked ?? DEFAULTS.priority;
  checkRange('priority', priority, LIMITS.priority);
  if (viewerRole !== 'ADMIN' && priority > USER_PRIORITY.max) {
    throw new GenerationRequestError('priority', `a priority above 0 is for admins; yours may be ${USER_PRIORITY.min} to 0, got ${priority}`, {
      ...USER_PRIORITY,
      reason: 'ADMIN_ONLY',
    });
  }
  return priority;
}

export function checkRange(field: string, value: number, range: { min: number; max: number }): void {
  if (!Number.isFinite(value) || value < range.min || value > range.max) {
    throw new GenerationRequestError(field, `${field} must be between ${range.min} and ${range.max}, got ${value}`, range);
  }
}
