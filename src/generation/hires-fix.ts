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
  /** With upscaler `model`: the upscaler model's name (see the `upscalers` query). */
  upscalerModel?: string;
}

/** AUTOMATIC1111's "Hires upscaler" labels; an upscaler model goes by its own name. */
const LABELS: Record<Exclude<HiresUpscaler, 'model'>, string> = {
  latent: 'Latent',
  'latent-antialiased': 'Latent (antialiased)',
  'latent-bicubic': 'Latent (bicubic)',
  'latent-bicubic-antialiased': 'Latent (bicubic antialiased)',
  'latent-nearest': 'Latent (nearest)',
  'latent-nearest-exact': 'Latent (nearest-exact)',
  lanczos: 'Lanczos',
};

export function hiresUpscalerLabel(hires: Pick<HiresParams, 'upscaler' | 'upscalerModel'>): string {
  return hires.upscaler === 'model' ? (hires.upscalerModel ?? '') : LABELS[hires.upscaler];
}

/**
 * The upscaler an A1111 label names, in any case: a latent mode, Lanczos, or else an upscaler model of that
 * name (4x-UltraSharp, R-ESRGAN 4x+, ...), which a remix finds installed or names as missing.
 */
export function hiresUpscalerFromLabel(label: string): Pick<HiresParams, 'upscaler' | 'upscalerModel'> | undefined {
  const wanted = label.trim().toLowerCase();
  if (wanted === '' || wanted === 'none') return undefined;
  const builtIn = HIRES_UPSCALERS.find((u) => u !== 'model' && LABELS[u].toLowerCase() === wanted);
  return builtIn ? { upscaler: builtIn } : { upscaler: 'model', upscalerModel: label.trim() };
}
