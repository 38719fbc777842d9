// A generation as the API shows it: its status, parameters and images, pages of generations, and what a delete removed.
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { GENERATION_STATUSES, PREVIEW_METHODS, type GenerationStatus, type PreviewMethod } from '../../generation/job.js';
import { ConnectionType, EdgeType } from './connection.js';
import { enumOf } from './enums.js';
import { Image } from './image.js';
import { HiresPass } from './hires.js';
import { GenerationKindEnum, UpscalePass, type GenerationKind } from './upscale.js';
import { AppliedLora } from './lora.js';
import { VisibilityEnum } from './accounts.js';
import type { Visibility } from '../../generation/job.js';
import { SeedScalar } from './seed-scalar.js';

const GenerationStatusEnum = enumOf('GenerationStatus', GENERATION_STATUSES, 'QUEUED -> RUNNING -> COMPLETED | FAILED | CANCELLED');

export const PreviewMethodEnum = enumOf(
  'PreviewMethod',
  PREVIEW_METHODS,
  'LATENT2RGB: a fixed linear map of the latents (free, blurry). TAESD: the tiny autoencoder (sharp; needs ATELIER_TAESD_DIR).',
);

@ObjectType({ description: 'A text-to-image job and its results.' })
export class Generation {
  @Field(() => ID, { description: 'What `generation`, `generationEvents` and the mutations on a generation take.' }) id!: string;
  @Field(() => GenerationStatusEnum) status!: GenerationStatus;
  @Field(() => String, { description: 'The prompt as run: Midjourney-style parameters at its end (--ar, --seed, --no, ...) are split off into the other fields.' }) prompt!: string;
  @Field(() => String, { description: "What it steered away from, the prompt's --no included; empty for nothing." }) negativePrompt!: string;
  @Field(() => String, { description: 'The model it ran on (see `models`).' }) model!: string;
  @Field(() => String, { description: 'A name from `samplers`.' }) sampler!: string;
  @Field(() => Int, { description: 'Denoising steps of the schedule (img2img runs the last denoisingStrength of them).' }) steps!: number;
  @Field(() => Float, { description: 'Classifier-free guidance scale; 1 or less skips the unconditional pass.' }) guidanceScale!: number;
  @Field(() => Int, { description: 'Width of every image, in pixels.' }) width!: number;
  @Field(() => Int, { description: 'Height of every image, in pixels.' }) height!: number;
  @Field(() => SeedScalar, { description: 'Seed of the first image; image i used seed + i.' }) seed!: bigint;
  @Field(() => SeedScalar, { nullable: true, description: 'Variation seed of the first image, when one was used.' }) variationSeed!: bigint | null;
  @Field(() => Float, { description: 'How much of the variation seed was blended in (0 = none).' }) variationStrength!: number;
  @Field(() => ID, { nullable: true, description: 'img2img: the stored image this generation started from (null for text-to-image).' }) initImageId!: string | null;
  @Field(() => ID, { nullable: true, description: 'Inpainting: the uploaded mask (null when the whole image was free to change).' }) maskImageId!: string | null;
  @Field(() => Float, { nullable: true, description: 'img2img: how much of the schedule ran from the init image (null for text-to-image).' }) denoisingStrength!: number | null;
  @Field(() => Int, { description: 'Images it makes, with consecutive seeds.' }) batchSize!: number;
  @Field(() => [AppliedLora], { description: 'The LoRAs merged into the model for it, in the order asked for.' }) loras!: AppliedLora[];
  @Field(() => HiresPass, { nullable: true, description: 'The hires fix it ran: its images are hires.width x hires.height (null: none).' }) hires!: HiresPass | null;
  @Field(() => GenerationKindEnum, { description: 'GENERATE, or UPSCALE for an upscaleImage job (whose other parameters are its source image\'s).' }) kind!: GenerationKind;
  @Field(() => UpscalePass, { nullable: true, description: 'An upscale job: the upscaler and factor; its source is initImageId, its image width x height (null for a generation).' }) upscale!: UpscalePass | null;
  @Field(() => ID, { nullable: true, description: 'remix: the image whose parameters this generation re-ran (null otherwise, or once that image is deleted).' }) remixOfImageId!: string | null;
  @Field(() => PreviewMethodEnum, { description: 'How its step previews are drawn.' }) previewMethod!: PreviewMethod;
  @Field(() => Int, { description: 'Queue priority, -100..100: higher runs first.' }) priority!: number;
  @Field(() => Int, {
    nullable: true,
    description: "1-based place in the queue while QUEUED (the order jobs will start in if nothing more is queued: by priority, then accounts' turns, then first come); null otherwise. A job queued later by an account whose turn comes sooner can move it back.",
  })
  queuePosition!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the job failed, when FAILED.' }) error!: string | null;
  @Field(() => [String], { description: 'Notes about the request, e.g. a prompt truncated to 77 tokens.' }) warnings!: string[];
  @Field(() => Date, { description: 'When it was queued (or imported).' }) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When a worker last took the job; null when none did (QUEUED, cancelled while queued, or imported).' }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'When it became COMPLETED, FAILED or CANCELLED; null before.' }) finishedAt!: Date | null;
  @Field(() => VisibilityEnum, { description: 'PUBLIC generations are in the shared gallery (see setGenerationVisibility).' }) visibility!: Visibility;
  @Field(() => [Image], { description: 'Images stored so far, by batch index.' }) images!: Image[];
}

@ObjectType()
export class GenerationEdge extends EdgeType(Generation) {}

@ObjectType({ description: 'What deleteGeneration removed.' })
export class DeletedGeneration {
  @Field(() => ID) id!: string;
  @Field(() => Int, { description: 'Image files removed from disk (files shared with other pictures stay).' }) removedFiles!: number;
}

@ObjectType({ description: 'A page of generations, newest first (Relay cursor connection).' })
export class GenerationConnection extends ConnectionType(GenerationEdge) {}
