/**
 * The hires fix as generations keep it, and AUTOMATIC1111's names for its upscalers, shared by the PNG
 * parameters a job writes (engine-request.ts) and the importer that reads them back (library/interchange).
 */
import { HIRES_UPSCALERS, type HiresUpscaler } from '../diffusion/index.js';

export { HIRES_UPSCALERS, type HiresUpscaler };

/** A generation's second pass: the size it runs at, its schedule, and how the first pass is enlarged. */
export interface HiresParams {
  /** The factor asked for (A1111's "Hires upscale"); null when a size was asked for instead ("Hires resize"). */
  scale: number | null;
  width: number;
  height: number;
  /** The second pass's schedule, of which floor(steps x denoisingStrength) steps run. */
  steps: number;
  denoisingStrength: number;
  upscaler: HiresUpscaler;
}

/** AUTOMATIC1111's "Hires upscaler" labels. */
const LABELS: Record<HiresUpscaler, string> = {
  latent: 'Latent',
  'latent-antialiased': 'Latent (antialiased)',
  'latent-bicubic': 'Latent (bicubic)',
  'latent-bicubic-antialiased': 'Latent (bicubic antialiased)',
  'latent-nearest': 'Latent (nearest)',
  'latent-nearest-exact': 'Latent (nearest-exact)',
  lanczos: 'Lanczos',
};

export function hiresUpscalerLabel(upscaler: HiresUpscaler): string {
  return LABELS[upscaler];
}

/** The upscaler an A1111 label names, in any case; undefined for one Atelier does not have (ESRGAN, ...). */
export function hiresUpscalerFromLabel(label: string): HiresUpscaler | undefined {
  const wanted = label.trim().toLowerCase();
  return HIRES_UPSCALERS.find((u) => LABELS[u].toLowerCase() === wanted);
}
