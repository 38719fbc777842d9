// What `remix` takes: every request field, all optional, each described as a change to the remixed image.
import { InputType } from 'type-graphql';
import type { RemixOverrides } from '../../generation/remix-request.js';
import { declareRequestFields } from './request-fields.js';

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
export class RemixInput {}

/** Its fields are the request's, all optional, declared from the one list in request-fields.ts. */
export interface RemixInput extends RemixOverrides {}

declareRequestFields(RemixInput, {
  prompt: 'A new prompt; Midjourney-style parameters at its end apply as in `generate`.',
  model: "Another model; the other parameters stay as they were unless given (null: the new model's defaults).",
  steps: '1..150.',
  guidanceScale: '0..30.',
  width: 'A multiple of 8 in 64..2048.',
  height: 'A multiple of 8 in 64..2048.',
  seed: "Seed of the first image. Default: the remixed image's own seed.",
  variationSeed: "Default: the remixed image's own variation seed, when it had one.",
  variationStrength: '0..1.',
  initImageId: 'Another picture to start from; null for text-to-image.',
  maskImageId: 'Another uploaded mask; null for none.',
  denoisingStrength: '0..1; only with an init image.',
  batchSize: 'Images with consecutive seeds from `seed`, 1..8. Default: 1.',
  priority: "-100..100 (users: -100..0). Default: the remixed generation's priority.",
  loras: "The LoRAs to apply instead of the remixed generation's (an empty list: none). Default: its LoRAs, less those a new prompt's `<lora:...>` tags name again.",
});
