import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GENERATION_STATUSES, PREVIEW_METHODS, type GenerationStatus, type PreviewMethod } from '../../generation/job.js';
import { SeedScalar } from './seed-scalar.js';

export const GenerationStatusEnum = Object.fromEntries(GENERATION_STATUSES.map((s) => [s, s])) as {
  [K in GenerationStatus]: K;
};
registerEnumType(GenerationStatusEnum, {
  name: 'GenerationStatus',
  description: 'QUEUED -> RUNNING -> COMPLETED | FAILED | CANCELLED',
});

export const PreviewMethodEnum = Object.fromEntries(PREVIEW_METHODS.map((m) => [m, m])) as { [K in PreviewMethod]: K };
registerEnumType(PreviewMethodEnum, {
  name: 'PreviewMethod',
  description: 'LATENT2RGB: a fixed linear map of the latents (free, blurry). TAESD: the tiny autoencoder (sharp; needs ATELIER_TAESD_DIR).',
});

@ObjectType({ description: 'One generated image, stored as a PNG with its parameters embedded.' })
export class Image {
  @Field(() => ID)
  id!: string;

  /** Not a field: what the nested `generation` and `prompt` fields are loaded by. */
  generationId!: string;

  @Field(() => String, { description: 'Where to download the PNG (relative to the server unless ATELIER_PUBLIC_URL is set).' })
  url!: string;

  @Field(() => String, { description: 'A WebP thumbnail of at most 256 px a side, for galleries (`url` with `?size=thumb`).' })
  thumbnailUrl!: string;

  @Field(() => Int, { description: 'Position in the batch, from 0.' })
  index!: number;

  @Field(() => SeedScalar, { description: 'Seed that reproduces exactly this image with the same parameters.' })
  seed!: bigint;

  @Field(() => Int)
  width!: number;

  @Field(() => Int)
  height!: number;

  @Field(() => String, { description: 'SHA-256 of the PNG bytes; also its ETag.' })
  sha256!: string;
}

@ObjectType({ description: 'A text-to-image job and its results.' })
export class Generation {
  @Field(() => ID)
  id!: string;

  @Field(() => GenerationStatusEnum)
  status!: GenerationStatus;

  @Field(() => String)
  prompt!: string;

  @Field(() => String)
  negativePrompt!: string;

  @Field(() => String)
  model!: string;

  @Field(() => String)
  sampler!: string;

  @Field(() => Int)
  steps!: number;

  @Field(() => Float)
  guidanceScale!: number;

  @Field(() => Int)
  width!: number;

  @Field(() => Int)
  height!: number;

  @Field(() => SeedScalar, { description: 'Seed of the first image; image i used seed + i.' })
  seed!: bigint;

  @Field(() => SeedScalar, { nullable: true, description: 'Variation seed of the first image, when one was used.' })
  variationSeed!: bigint | null;

  @Field(() => Float, { description: 'How much of the variation seed was blended in (0 = none).' })
  variationStrength!: number;

  @Field(() => ID, { nullable: true, description: 'img2img: the stored image this generation started from (null for text-to-image).' })
  initImageId!: string | null;

  @Field(() => ID, { nullable: true, description: 'Inpainting: the uploaded mask (null when the whole image was free to change).' })
  maskImageId!: string | null;

  @Field(() => Float, { nullable: true, description: 'img2img: how much of the schedule ran from the init image (null for text-to-image).' })
  denoisingStrength!: number | null;

  @Field(() => Int)
  batchSize!: number;

  @Field(() => ID, { nullable: true, description: 'remix: the image whose parameters this generation re-ran (null otherwise, or once that image is deleted).' })
  remixOfImageId!: string | null;

  @Field(() => PreviewMethodEnum)
  previewMethod!: PreviewMethod;

  @Field(() => Int)
  priority!: number;

  @Field(() => Int, { nullable: true, description: '1-based place in the queue while QUEUED; null otherwise.' })
  queuePosition!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the job failed, when FAILED.' })
  error!: string | null;

  @Field(() => [String], { description: 'Notes about the request, e.g. a prompt truncated to 77 tokens.' })
  warnings!: string[];

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => [Image], { description: 'Images stored so far, by batch index.' })
  images!: Image[];
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType()
export class GenerationEdge {
  @Field(() => Generation)
  node!: Generation;

  @Field(() => String)
  cursor!: string;
}

@ObjectType({ description: 'What deleteGeneration removed.' })
export class DeletedGeneration {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: 'Image files removed from disk (files shared with other pictures stay).' })
  removedFiles!: number;
}

@ObjectType({ description: 'A page of generations, newest first (Relay cursor connection).' })
export class GenerationConnection {
  @Field(() => [GenerationEdge])
  edges!: GenerationEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

export enum ModelFamilyEnum {
  SD1 = 'sd1',
  SD2 = 'sd2',
  SDXL = 'sdxl',
}
registerEnumType(ModelFamilyEnum, {
  name: 'ModelFamily',
  description: 'The architecture: SD1 (CLIP ViT-L, 768), SD2 (OpenCLIP ViT-H, 1024), SDXL (two text encoders, size conditioning).',
});

export enum DistillationEnum {
  NONE = 'none',
  LCM = 'lcm',
  TURBO = 'turbo',
}
registerEnumType(DistillationEnum, {
  name: 'Distillation',
  description: 'Few-step variants: LCM (latent consistency; guidance as an embedding when the UNet takes timestep_cond) and Turbo (adversarial distillation; 1-4 steps, no guidance).',
});

export enum PredictionTypeEnum {
  EPSILON = 'epsilon',
  V_PREDICTION = 'v_prediction',
  SAMPLE = 'sample',
}
registerEnumType(PredictionTypeEnum, { name: 'PredictionType', description: "What the UNet predicts (the scheduler config's prediction_type)." });

@ObjectType({ description: 'What a request that leaves them out gets with this model.' })
export class ModelDefaults {
  @Field(() => String)
  sampler!: string;

  @Field(() => Int)
  steps!: number;

  @Field(() => Float)
  guidanceScale!: number;
}

@ObjectType({ description: 'An installed model: a folder in the diffusers ONNX layout.' })
export class Model {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Pipeline class from model_index.json.' })
  pipelineClass!: string;

  @Field(() => ModelFamilyEnum)
  family!: ModelFamilyEnum;

  @Field(() => DistillationEnum)
  distillation!: DistillationEnum;

  @Field(() => PredictionTypeEnum)
  predictionType!: PredictionTypeEnum;

  @Field(() => Boolean, { description: 'An inpainting UNet (9 input channels): masks are painted with the model itself.' })
  inpainting!: boolean;

  @Field(() => ModelDefaults)
  defaults!: ModelDefaults;

  @Field(() => Int, { description: 'Native width and height in pixels; the default size of a request.' })
  defaultSize!: number;

  @Field(() => Boolean)
  isDefault!: boolean;
}

@ObjectType({ description: 'A sampler (diffusers scheduler) usable in GenerateInput.sampler.' })
export class Sampler {
  @Field(() => String, { description: 'Stable API name, e.g. "euler".' })
  name!: string;

  @Field(() => String, { description: 'Name as AUTOMATIC1111 shows it, e.g. "Euler"; written into PNG metadata.' })
  label!: string;
}
