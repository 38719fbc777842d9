/**
 * What the denoising loop (pipeline.ts) asks of the network that denoises: a UNet (unet.ts: SD 1.x/2.x, SDXL,
 * LCM, Turbo) or a flow-matching transformer (transformer.ts: SD3, FLUX). The loop owns the scheduler, the
 * latents, img2img's start, inpainting's blend, previews and cancellation; a denoiser turns the encoded
 * prompts into its own per-request conditioning, says how the schedule is set for its family, and answers
 * "what is the model's prediction at t" for [images, channels, h, w] latents, guidance included.
 */
import type { ProviderChoice } from './model/onnx-session.js';
import type { SetTimestepsOptions } from './schedulers/types.js';
import type { FloatTensor } from './tensor.js';
import type { EncodedPrompts } from './text/text-encoder.js';

/** What a denoiser's conditioning depends on besides the prompts. */
export interface ConditioningRequest {
  width: number;
  height: number;
  guidanceScale: number;
}

export interface Denoiser<C = unknown> {
  /** Which execution provider it runs on, and why it is not CUDA if it is not. */
  readonly providerChoice: ProviderChoice;
  /** An inpainting UNet, which takes the mask and the blanked picture as extra input channels. */
  readonly isInpainting: boolean;
  /** How many 77-token prompt chunks it takes side by side (1: one window). */
  readonly maxPromptChunks: number;
  /** Whether a request at this guidance scale runs the unconditional half (classifier-free guidance). */
  usesGuidance(guidanceScale: number): boolean;
  /** One request's conditioning, batched as its calls are ([negatives x N, prompts x N] with guidance). */
  conditioning(encoded: EncodedPrompts, request: ConditioningRequest, imageCount: number): C;
  /** The options of `scheduler.setTimesteps` for a picture of this size (FLUX: its sigmas and shift). */
  scheduleOptions(steps: number, size: { width: number; height: number }): SetTimestepsOptions;
  /** img2img: how many of `steps` are skipped at `strength` (the family's pipelines round differently). */
  img2imgStart(steps: number, strength: number): number;
  /** The guided prediction (noise, v or flow velocity, as the scheduler expects) at timestep t: [images, C, h, w]. */
  predictNoise(modelInput: FloatTensor, timestep: number, conditioning: C): Promise<FloatTensor>;
  release(): Promise<void>;
}
