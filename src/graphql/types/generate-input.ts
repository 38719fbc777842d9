// What `generate` takes: every request field, each described with its range and its default.
import { Field, InputType } from 'type-graphql';
import type { GenerateRequest } from '../../generation/generation-request.js';
import type { Visibility } from '../../generation/job.js';
import { VisibilityEnum } from './accounts.js';
import { declareRequestFields } from './request-fields.js';

@InputType({ description: 'A text-to-image request (image-to-image with initImageId). Only the prompt is required.' })
export class GenerateInput {
  // Not a request field: who sees the result does not change its pixels (remix takes it as an argument).
  @Field(() => VisibilityEnum, { nullable: true, description: 'PRIVATE (default) or PUBLIC: in the shared gallery, for every account to search and remix.' }) visibility?: Visibility | null;
}

/** Its other fields are the request's, declared from the one list in request-fields.ts. */
export interface GenerateInput extends GenerateRequest {}

declareRequestFields(
  GenerateInput,
  {
    prompt: 'What to draw. Must not be empty.',
    negativePrompt: 'What to steer away from. Default: empty.',
    model: 'Model name (see `models`). Default: the server default model.',
    sampler: "Sampler name (see `samplers`). Default: the model's (`Model.defaults`; euler for SD).",
    steps: "Denoising steps, 1..150. Default: the model's (20 for SD, 4 for LCM, 1 for Turbo).",
    guidanceScale:
      "Classifier-free guidance scale, 0..30; 1 or less skips the unconditional pass. Default: the model's (7 for SD 1.x/2.x, 5 for SDXL, 0 for Turbo).",
    width: "Width in pixels, a multiple of 8 in 64..2048. Default: the model's native size.",
    height: "Height in pixels, a multiple of 8 in 64..2048. Default: the model's native size.",
    seed: 'Seed of the first image (image i uses seed + i). Default: random, and recorded.',
    variationSeed: "AUTOMATIC1111's variation seed (image i uses variationSeed + i). Default: none; random when only variationStrength is given.",
    variationStrength: 'How much of the variation seed to blend into the seed, 0..1 (small values give variations). Default: 0.',
    initImageId:
      "img2img: id of a stored image to start from (any generation's image, or one from uploadImage). It is stretched to width x height, which default to its size. Default: none (text-to-image).",
    maskImageId: 'Inpainting: id of a mask from uploadImage, with initImageId: white repaints, black keeps, grey blends. Stretched to width x height. Default: none.',
    denoisingStrength: 'img2img: how much of the schedule runs from the init image, 0..1 (0 keeps it, 1 ignores it). Only with initImageId. Default: 0.75.',
    batchSize: 'Images to generate with consecutive seeds, 1..8. Default: 1.',
    previewMethod: 'How step previews are drawn. Default: TAESD when the server has it, else LATENT2RGB.',
    priority: 'Queue priority, -100..100 for admins, -100..0 for users; higher runs first, and equal priorities take turns between accounts. Default: 0.',
    loras:
      "LoRAs to merge into the model, at most 8 (see `loras`), beside those the prompt names AUTOMATIC1111's way (`<lora:name:0.8>`, taken out of the text that is encoded). Default: none.",
    hires: "AUTOMATIC1111's hires fix: a second pass at a larger size (text-to-image only). Its images are the second pass's size; width and height stay the first pass's. Default: none.",
  },
  ['prompt'],
);
