import { Field, Float, ID, InputType, Int } from 'type-graphql';
import type { PreviewMethod } from '../../generation/job.js';
import { PreviewMethodEnum } from './generation.js';
import { SeedScalar } from './seed-scalar.js';

/**
 * What `remix` changes. Every field of GenerateInput, all optional: a field left out keeps the remixed image's
 * value; a field given as null gets what `generate` gives when the field is left out (the model's default
 * steps, a random seed, no init image, ...). Values are checked as in `generate`; errors name
 * `overrides.<field>`.
 */
@InputType({
  description:
    "Changes for `remix`: every GenerateInput field, all optional. Left out: the remixed image's value (batchSize: 1). Null: what `generate` gives when the field is left out. Checked as in `generate`; errors name the field as `overrides.<field>`.",
})
export class RemixInput {
  @Field(() => String, { nullable: true, description: 'A new prompt; Midjourney-style parameters at its end apply as in `generate`.' })
  prompt?: string | null;

  @Field(() => String, { nullable: true })
  negativePrompt?: string | null;

  @Field(() => String, { nullable: true, description: 'Another model; the other parameters stay as they were unless given (null: the new model\'s defaults).' })
  model?: string | null;

  @Field(() => String, { nullable: true })
  sampler?: string | null;

  @Field(() => Int, { nullable: true, description: '1..150.' })
  steps?: number | null;

  @Field(() => Float, { nullable: true, description: '0..30.' })
  guidanceScale?: number | null;

  @Field(() => Int, { nullable: true, description: 'A multiple of 8 in 64..2048.' })
  width?: number | null;

  @Field(() => Int, { nullable: true, description: 'A multiple of 8 in 64..2048.' })
  height?: number | null;

  @Field(() => SeedScalar, { nullable: true, description: "Seed of the first image. Default: the remixed image's own seed." })
  seed?: bigint | null;

  @Field(() => SeedScalar, { nullable: true, description: "Default: the remixed image's own variation seed, when it had one." })
  variationSeed?: bigint | null;

  @Field(() => Float, { nullable: true, description: '0..1.' })
  variationStrength?: number | null;

  @Field(() => ID, { nullable: true, description: 'Another picture to start from; null for text-to-image.' })
  initImageId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Another uploaded mask; null for none.' })
  maskImageId?: string | null;

  @Field(() => Float, { nullable: true, description: '0..1; only with an init image.' })
  denoisingStrength?: number | null;

  @Field(() => Int, { nullable: true, description: 'Images with consecutive seeds from `seed`, 1..8. Default: 1.' })
  batchSize?: number | null;

  @Field(() => PreviewMethodEnum, { nullable: true })
  previewMethod?: PreviewMethod | null;

  @Field(() => Int, { nullable: true, description: '-100..100. Default: the remixed generation\'s priority.' })
  priority?: number | null;
}
