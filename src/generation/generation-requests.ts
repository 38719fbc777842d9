/**
 * Checks generate and remix requests against what is installed and stored: gathers the RequestContext
 * through ports (the model catalogue, stored pictures) and applies the request policy.
 */
import type { Viewer } from '../accounts/viewer.js';
import type { ModelFamily } from '../diffusion/index.js';
import { checkGenerateRequest, type GenerateRequest } from './generation-request.js';
import type { CheckedParams } from './job.js';
import type { PictureLookup } from './pictures.js';
import { asOverrideError, remixRequest, type RemixOverrides } from './remix-request.js';
import { RemixSourceNotFoundError } from './request-errors.js';
import { checkUpscaleRequest, DEFAULT_MAX_UPSCALE_PIXELS, type RequestUpscaler, type UpscaleRequest } from './upscale-request.js';

/** The installed models as a request check needs them (ModelCatalog implements it). */
export interface InstalledModels {
  readonly defaultModel: string;
  scan(): Promise<{
    models: ReadonlyArray<{
      name: string;
      defaultSize: number;
      traits: { family: ModelFamily; defaults: { sampler: string; steps: number; guidanceScale: number } };
    }>;
    unusable: ReadonlyArray<{ name: string; problem: string }>;
  }>;
}

/** The installed upscaler models as a request check needs them (the upscaler catalogue implements it). */
export interface InstalledUpscalers {
  scan(): Promise<{ files: ReadonlyArray<RequestUpscaler> }>;
}

/** The installed LoRAs as a request check needs them (LoraCatalog implements it). */
export interface InstalledLoras {
  scan(): Promise<{ files: ReadonlyArray<{ name: string; family: ModelFamily | null; hash: string }> }>;
}

export interface RequestOptions {
  /** Sampler names a request may give. */
  samplers: readonly string[];
  /** Whether TAESD previews are installed (ATELIER_TAESD_DIR). */
  taesdAvailable: boolean;
  /** ATELIER_MAX_PIXELS, when set: replaces every model's own memory budget (memory-budget.ts). */
  maxPixels?: number;
  /** The most one job may cost (ATELIER_MAX_JOB_COST); undefined: no bound. */
  maxJobCost?: number;
  /** The most pixels an upscale's result may have (ATELIER_MAX_UPSCALE_PIXELS); default DEFAULT_MAX_UPSCALE_PIXELS. */
  maxUpscalePixels?: number;
}

export class GenerationRequests {
  constructor(
    private readonly models: InstalledModels,
    private readonly pictures: PictureLookup,
    private readonly options: RequestOptions,
    /** None installed when absent. */
    private readonly loras?: InstalledLoras,
    private readonly upscalers?: InstalledUpscalers,
  ) {}

  /**
   * `generate`: the request checked, defaults filled in. Throws GenerationRequestError. Init images and masks
   * are looked up as the viewer sees them: another account's private picture is as unknown as a missing one.
   */
  async generate(request: GenerateRequest, viewer: Viewer): Promise<CheckedParams> {
    const { models, unusable } = await this.models.scan();
    // Only a request that may name a LoRA looks at the LoRA folder: the accept path of every other stays as it was.
    const mayNameLora = (request.loras?.length ?? 0) > 0 || /<(lora|lyco):/i.test(request.prompt);
    const loras = mayNameLora ? ((await this.loras?.scan())?.files ?? []) : [];
    const mayNameUpscaler = request.hires?.upscalerModel != null || request.hires?.upscaler === 'model';
    const upscalers = mayNameUpscaler ? ((await this.upscalers?.scan())?.files ?? []) : [];
    const initImage = request.initImageId ? await this.pictures.getPicture(request.initImageId, viewer) : null;
    const mask = request.maskImageId ? await this.pictures.getPicture(request.maskImageId, viewer) : null;
    return checkGenerateRequest(request, {
      models: models.map((m) => ({ name: m.name, defaultSize: m.defaultSize, family: m.traits.family, defaults: m.traits.defaults })),
      ...(this.options.maxPixels !== undefined ? { maxPixels: this.options.maxPixels } : {}),
      unusableModels: unusable,
      defaultModel: this.models.defaultModel,
      samplers: this.options.samplers,
      taesdAvailable: this.options.taesdAvailable,
      initImage,
      mask,
      viewerRole: viewer.role,
      maxJobCost: this.options.maxJobCost,
      loras: loras.map((lora) => ({ name: lora.name, family: lora.family, hash: lora.hash })),
      upscalers,
    });
  }

  /** `upscaleImage`: a stored picture (the viewer's or public) and an installed upscaler, checked. Throws GenerationRequestError. */
  async upscale(request: UpscaleRequest, viewer: Viewer): Promise<CheckedParams> {
    const picture = await this.pictures.getPicture(request.imageId, viewer);
    const generated = picture?.kind === 'image' ? await this.pictures.getImageWithGeneration(request.imageId, viewer) : null;
    const upscalers = (await this.upscalers?.scan())?.files ?? [];
    return checkUpscaleRequest(request, {
      picture,
      generated,
      upscalers: upscalers.map(({ name, hash, scale }) => ({ name, hash, scale })),
      maxPixels: this.options.maxUpscalePixels ?? DEFAULT_MAX_UPSCALE_PIXELS,
      ...(this.options.maxJobCost !== undefined ? { maxJobCost: this.options.maxJobCost } : {}),
      viewerRole: viewer.role,
    });
  }

  /**
   * `remix`: a stored image's parameters changed by `overrides`, checked as `generate` checks; a bad field is
   * named as the override that fixes it. Throws RemixSourceNotFoundError or GenerationRequestError.
   */
  async remix(imageId: string, overrides: RemixOverrides, viewer: Viewer): Promise<CheckedParams> {
    const source = await this.pictures.getImageWithGeneration(imageId, viewer);
    if (!source) throw new RemixSourceNotFoundError(imageId, (await this.pictures.getPicture(imageId, viewer))?.kind === 'upload');
    try {
      return await this.generate(remixRequest(source, overrides, { taesdAvailable: this.options.taesdAvailable }), viewer);
    } catch (error) {
      throw asOverrideError(error, overrides, imageId);
    }
  }
}
