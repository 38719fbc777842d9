import { Field, Float, ID, InputType, Int } from 'type-graphql';
import type { PreviewMethod } from '../../generation/job.js';
import { PreviewMethodEnum } from './generation.js';
import { SeedScalar } from './seed-scalar.js';

@InputType({ description: 'A text-to-image request (image-to-image with initImageId). Only the prompt is required.' })
export class GenerateInput {
  @Field(() => String, { description: 'What to draw. Must not be empty.' })
  prompt!: string;

  @Field(() => String, { nullable: true, description: 'What to steer away from. Default: empty.' })
  negativePrompt?: string | null;

  @Field(() => String, { nullable: true, description: 'Model name (see `models`). Default: the server default model.' })
  model?: string | null;

  @Field(() => String, { nullable: true, description: "Sampler name (see `samplers`). Default: the model's (`Model.defaults`; euler for SD)." })
  sampler?: string | null;

  @Field(() => Int, { nullable: true, description: "Denoising steps, 1..150. Default: the model's (20 for SD, 4 for LCM, 1 for Turbo)." })
  steps?: number | null;

  @Field(() => Float, { nullable: true, description: "Classifier-free guidance scale, 0..30; 1 or less skips the unconditional pass. Default: the model's (7 for SD 1.x/2.x, 5 for SDXL, 0 for Turbo)." })
  guidanceScale?: number | null;

  @Field(() => Int, { nullable: true, description: "Width in pixels, a multiple of 8 in 64..2048. Default: the model's native size." })
  width?: number | null;

  @Field(() => Int, { nullable: true, description: "Height in pixels, a multiple of 8 in 64..2048. Default: the model's native size." })
  height?: number | null;

  @Field(() => SeedScalar, { nullable: true, description: 'Seed of the first image (image i uses seed + i). Default: random, and recorded.' })
  seed?: bigint | null;

  @Field(() => SeedScalar, {
    nullable: true,
    description: "AUTOMATIC1111's variation seed (image i uses variationSeed + i). Default: none; random when only variationStrength is given.",
  })
  variationSeed?: bigint | null;

  @Field(() => Float, {
    nullable: true,
    description: 'How much of the variation seed to blend into the seed, 0..1 (small values give variations). Default: 0.',
  })
  variationStrength?: number | null;

  @Field(() => ID, {
    nullable: true,
    description:
      "img2img: id of a stored image to start from (any generation's image, or one from uploadImage). It is stretched to width x height, which default to its size. Default: none (text-to-image).",
  })
  initImageId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Inpainting: id of a mask from uploadImage, with initImageId: white repaints, black keeps, grey blends. Stretched to width x height. Default: none.',
  })
  maskImageId?: string | null;

  @Field(() => Float, {
    nullable: true,
    description: 'img2img: how much of the schedule runs from the init image, 0..1 (0 keeps it, 1 ignores it). Only with initImageId. Default: 0.75.',
  })
  denoisingStrength?: number | null;

  @Field(() => Int, { nullable: true, description: 'Images to generate with consecutive seeds, 1..8. Default: 1.' })
  batchSize?: number | null;

  @Field(() => PreviewMethodEnum, { nullable: true, description: 'How step previews are drawn. Default: TAESD when the server has it, else LATENT2RGB.' })
  previewMethod?: PreviewMethod | null;

  @Field(() => Int, { nullable: true, description: 'Queue priority, -100..100; higher runs first. Default: 0.' })
  priority?: number | null;
}
