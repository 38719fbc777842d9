// The hires fix: what a request asks of the second pass, and what a generation ran.
import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import type { HiresUpscaler } from '../../generation/hires-fix.js';
import { graphqlEnum } from './enums.js';

export const HiresUpscalerEnum = graphqlEnum(
  'HiresUpscaler',
  {
    LATENT: 'latent',
    LATENT_ANTIALIASED: 'latent-antialiased',
    LATENT_BICUBIC: 'latent-bicubic',
    LATENT_BICUBIC_ANTIALIASED: 'latent-bicubic-antialiased',
    LATENT_NEAREST: 'latent-nearest',
    LATENT_NEAREST_EXACT: 'latent-nearest-exact',
    LANCZOS: 'lanczos',
    MODEL: 'model',
  } satisfies Record<string, HiresUpscaler>,
  "How the first pass is enlarged: AUTOMATIC1111's Latent upscalers (torch's interpolate on the latents: bilinear, antialiased, bicubic, nearest, nearest-exact), LANCZOS on the decoded pixels, or MODEL: an upscaler model (upscalerModel) on the decoded pixels, then Lanczos to the size.",
);

@InputType({ description: "AUTOMATIC1111's hires fix: the picture is made at the requested size, enlarged, and denoised again at the larger size from part of a second schedule." })
export class HiresInput {
  @Field(() => Float, { nullable: true, description: 'How much larger, 1..4 (each side rounded down to a multiple of 8). Default: 2, unless width or height is given.' }) scale?: number | null;
  @Field(() => Int, { nullable: true, description: "The second pass's width, a multiple of 8 from the first pass's width to 2048. Default: from scale, or from height at the first pass's aspect ratio." }) width?: number | null;
  @Field(() => Int, { nullable: true, description: "The second pass's height, likewise." }) height?: number | null;
  @Field(() => Int, { nullable: true, description: "The second pass's schedule, 0..150, of which denoisingStrength runs (0: the first pass's steps). Default: 0." }) steps?: number | null;
  @Field(() => Float, { nullable: true, description: 'How much of the second schedule runs, 0..1: low keeps the first pass, high redraws it. Default: 0.7.' }) denoisingStrength?: number | null;
  @Field(() => HiresUpscalerEnum, { nullable: true, description: 'Default: LATENT, or MODEL when upscalerModel is given.' }) upscaler?: HiresUpscaler | null;
  @Field(() => String, { nullable: true, description: 'An upscaler model from `upscalers` (e.g. toy-2x); with upscaler MODEL or none.' }) upscalerModel?: string | null;
}

@ObjectType({ description: 'The hires fix a generation ran.' })
export class HiresPass {
  @Field(() => Float, { nullable: true, description: 'The factor asked for; null when a size was asked for.' }) scale!: number | null;
  @Field(() => Int, { description: 'The size the second pass ran at: its images are this large.' }) width!: number;
  @Field(() => Int) height!: number;
  @Field(() => Int, { description: "The second pass's schedule (the first pass's steps when 0 was asked for)." }) steps!: number;
  @Field(() => Float) denoisingStrength!: number;
  @Field(() => HiresUpscalerEnum) upscaler!: HiresUpscaler;
  @Field(() => String, { nullable: true, description: 'With upscaler MODEL: the upscaler model.' }) upscalerModel?: string | null;
}
