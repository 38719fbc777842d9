// Upscaler models: what `upscalers` lists, what an upscale job ran, and the kinds of generation.
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { graphqlEnum } from './enums.js';

export type GenerationKind = 'GENERATE' | 'UPSCALE';
export const GenerationKindEnum = graphqlEnum(
  'GenerationKind',
  { GENERATE: 'GENERATE', UPSCALE: 'UPSCALE' } satisfies Record<string, GenerationKind>,
  'GENERATE: denoised from a prompt (generate, remix). UPSCALE: a stored picture enlarged by an upscaler model (upscaleImage).',
);

@ObjectType({ description: 'An installed upscaler model (ATELIER_UPSCALERS_DIR): an ONNX super-resolution network (ESRGAN, Real-ESRGAN, 4x-UltraSharp exports).' })
export class Upscaler {
  @Field(() => String, { description: 'What upscaleImage and hires.upscalerModel take: the file name without .onnx.' }) name!: string;
  @Field(() => Int, { description: 'How much larger one run makes each side (read from a test run). Other factors run it again and resize with Lanczos.' }) scale!: number;
  @Field(() => String, { description: "The first 12 hex digits of the file's sha256." }) hash!: string;
}

@ObjectType({ description: 'What an upscale job ran: its source is initImageId, its result is width x height.' })
export class UpscalePass {
  @Field(() => String) upscaler!: string;
  @Field(() => Float, { description: 'The factor asked for.' }) scale!: number;
}
