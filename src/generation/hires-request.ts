/**
 * The hires fix's request policy: what a client asks of the second pass -> HiresParams (its size from a factor
 * or a width/height at the first pass's aspect ratio, its schedule and strength, its upscaler), or a
 * GenerationRequestError naming the `hires.` field.
 */
import { HIRES_UPSCALERS, type HiresParams, type HiresUpscaler } from './hires-fix.js';
import { GenerationRequestError } from './request-errors.js';
import { checkRange, DEFAULTS, LIMITS } from './request-limits.js';

/** What a client may ask of the hires fix; absent fields take DEFAULTS.hires (steps 0: the first pass's). */
export interface HiresRequest {
  scale?: number | null;
  width?: number | null;
  height?: number | null;
  steps?: number | null;
  denoisingStrength?: number | null;
  upscaler?: HiresUpscaler | null;
  /** An upscaler model's name (from `upscalers`), with upscaler `model` (or none). */
  upscalerModel?: string | null;
}

/**
 * The hires fix: its size from `scale` times the first pass's (rounded down to a multiple of 8), or from
 * width and height (one given, the other follows the first pass's aspect ratio); never smaller than the
 * first pass, never with an init image (A1111 has it for text-to-image only).
 */
export function checkHires(
  input: HiresRequest,
  first: { width: number; height: number; steps: number; batchSize: number },
  hasInit: boolean,
  upscalers: readonly { name: string }[],
): HiresParams {
  if (hasInit) throw new GenerationRequestError('hires', 'the hires fix is for text-to-image: leave out hires or initImageId', { reason: 'HIRES_WITH_INIT_IMAGE' });
  const upscaler = input.upscaler ?? (input.upscalerModel != null ? 'model' : DEFAULTS.hires.upscaler);
  if (!HIRES_UPSCALERS.includes(upscaler)) {
    throw new GenerationRequestError('hires.upscaler', `unknown hires upscaler "${String(upscaler)}"; use one of ${HIRES_UPSCALERS.join(', ')}`, { allowedValues: HIRES_UPSCALERS });
  }
  const upscalerModel = checkHiresUpscalerModel(upscaler, input.upscalerModel ?? undefined, upscalers);
  const sized = input.width != null || input.height != null;
  if (sized && input.scale != null) throw new GenerationRequestError('hires.scale', 'give hires.scale or hires.width/height, not both', { reason: 'HIRES_SCALE_AND_SIZE' });
  const scale = sized ? null : (input.scale ?? DEFAULTS.hires.scale);
  if (scale !== null) checkRange('hires.scale', scale, LIMITS.hiresScale);
  const multiple = LIMITS.size.multipleOf;
  const round = (side: number) => Math.floor(side / multiple) * multiple;
  const width = input.width ?? (scale !== null ? round(first.width * scale) : round((input.height! * first.width) / first.height));
  const height = input.height ?? (scale !== null ? round(first.height * scale) : round((input.width! * first.height) / first.width));
  for (const [field, value, least] of [['hires.width', width, first.width], ['hires.height', height, first.height]] as const) {
    const { max } = LIMITS.size;
    if (!Number.isInteger(value) || value < least || value > max || value % multiple !== 0) {
      throw new GenerationRequestError(field, `${field} must be a multiple of ${multiple} between the first pass's ${least} and ${max}, got ${value}`, { min: least, max });
    }
  }
  const asked = input.steps ?? DEFAULTS.hires.steps;
  checkRange('hires.steps', asked, LIMITS.hiresSteps);
  if (!Number.isInteger(asked)) throw new GenerationRequestError('hires.steps', `hires.steps must be a whole number, got ${asked}`, LIMITS.hiresSteps);
  const denoisingStrength = input.denoisingStrength ?? DEFAULTS.hires.denoisingStrength;
  checkRange('hires.denoisingStrength', denoisingStrength, LIMITS.denoisingStrength);
  return { scale, width, height, steps: asked === 0 ? first.steps : asked, denoisingStrength, upscaler, ...(upscalerModel ? { upscalerModel } : {}) };
}

/** upscaler MODEL needs an installed upscaler model's name, and a name needs MODEL. */
function checkHiresUpscalerModel(upscaler: string, name: string | undefined, upscalers: readonly { name: string }[]): string | undefined {
  if (upscaler !== 'model') {
    if (name !== undefined) throw new GenerationRequestError('hires.upscalerModel', `hires.upscalerModel goes with hires.upscaler MODEL, not ${upscaler}`, { reason: 'HIRES_UPSCALER_MODEL' });
    return undefined;
  }
  const names = upscalers.map((u) => u.name);
  if (name === undefined) throw new GenerationRequestError('hires.upscalerModel', `hires.upscaler MODEL needs hires.upscalerModel: one of ${names.join(', ') || 'none installed'}`, { allowedValues: names, reason: 'UNKNOWN_UPSCALER' });
  if (!names.includes(name)) {
    throw new GenerationRequestError('hires.upscalerModel', `unknown upscaler "${name}"; ${names.length ? `use one of ${names.join(', ')}` : 'none is installed (put .onnx upscalers in ATELIER_UPSCALERS_DIR)'}`, { allowedValues: names, reason: 'UNKNOWN_UPSCALER' });
  }
  return name;
}

