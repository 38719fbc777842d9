// The fields of a generation request as GraphQL types them: the one list GenerateInput and RemixInput declare.
import { Field, Float, ID, Int } from 'type-graphql';
import type { GenerateRequest } from '../../generation/generation-request.js';
import { PreviewMethodEnum } from './generation.js';
import { HiresInput } from './hires.js';
import { LoraInput } from './lora.js';
import { SeedScalar } from './seed-scalar.js';

export type RequestField = keyof GenerateRequest;

/** Each request field's GraphQL type; the order here is the order both inputs list their fields in. */
const FIELD_TYPES: Record<RequestField, () => object> = {
  prompt: () => String,
  negativePrompt: () => String,
  model: () => String,
  sampler: () => String,
  steps: () => Int,
  guidanceScale: () => Float,
  width: () => Int,
  height: () => Int,
  seed: () => SeedScalar,
  variationSeed: () => SeedScalar,
  variationStrength: () => Float,
  initImageId: () => ID,
  maskImageId: () => ID,
  denoisingStrength: () => Float,
  batchSize: () => Int,
  previewMethod: () => PreviewMethodEnum,
  priority: () => Int,
  loras: () => [LoraInput],
  hires: () => HiresInput,
};

/**
 * Declares every request field on the input type `input`, each described as `descriptions` says (or not at
 * all); the fields in `required` are non-null, the others nullable.
 */
export function declareRequestFields(
  input: { prototype: object },
  descriptions: Partial<Record<RequestField, string>>,
  required: readonly RequestField[] = [],
): void {
  for (const [name, type] of Object.entries(FIELD_TYPES) as Array<[RequestField, () => object]>) {
    Field(type, { nullable: !required.includes(name), description: descriptions[name] })(input.prototype, name);
  }
}
