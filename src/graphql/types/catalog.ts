// The installed models and the samplers, as the catalog queries list them.
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { graphqlEnum, type EnumValue } from './enums.js';

export const ModelFamilyEnum = graphqlEnum(
  'ModelFamily',
  { SD1: 'sd1', SD2: 'sd2', SDXL: 'sdxl', SD3: 'sd3', FLUX: 'flux' },
  'The architecture: SD1 (CLIP ViT-L, 768), SD2 (OpenCLIP ViT-H, 1024), SDXL (two text encoders, size conditioning); SD3 (MM-DiT over CLIP-L, CLIP-bigG and T5) and FLUX (FLUX.1 over CLIP-L and T5; dev embeds guidance, schnell runs without) are flow-matching transformers, which take only the flow samplers (euler, heun, dpmpp_2m).',
);
export type ModelFamilyEnum = EnumValue<typeof ModelFamilyEnum>;

export const DistillationEnum = graphqlEnum(
  'Distillation',
  { NONE: 'none', LCM: 'lcm', TURBO: 'turbo' },
  'Few-step variants: LCM (latent consistency; guidance as an embedding when the UNet takes timestep_cond) and Turbo (adversarial distillation; 1-4 steps, no guidance).',
);
export type DistillationEnum = EnumValue<typeof DistillationEnum>;

export const PredictionTypeEnum = graphqlEnum(
  'PredictionType',
  { EPSILON: 'epsilon', V_PREDICTION: 'v_prediction', SAMPLE: 'sample' },
  "What the UNet predicts (the scheduler config's prediction_type).",
);
export type PredictionTypeEnum = EnumValue<typeof PredictionTypeEnum>;

@ObjectType({ description: 'A LoRA and its weight in a loaded set.' })
export class LoraWeight {
  @Field(() => String) name!: string;
  @Field(() => Float) weight!: number;
}

@ObjectType({ description: 'A model with a LoRA set (maybe none) that a worker keeps loaded, on this node or another of the cluster.' })
export class LoadedPipeline {
  @Field(() => String, { description: 'The node (ATELIER_NODE_ID) whose worker it is.' }) node!: string;
  @Field(() => Int, { description: 'The worker thread on that node (0-based).' }) worker!: number;
  @Field(() => String) model!: string;
  @Field(() => [LoraWeight], { description: 'Merged into its weights; empty for the plain model.' }) loras!: LoraWeight[];
  @Field(() => Float, { description: 'Memory it is reckoned to hold: the size of its ONNX files (what ATELIER_WORKER_MEMORY counts).' }) bytes!: number;
}

@ObjectType({ description: 'What a request that leaves them out gets with this model.' })
export class ModelDefaults {
  @Field(() => String, { description: 'A name from `samplers`.' }) sampler!: string;
  @Field(() => Int, { description: 'Denoising steps.' }) steps!: number;
  @Field(() => Float, { description: 'Classifier-free guidance scale; 1 or less skips the unconditional pass (Turbo: 0).' }) guidanceScale!: number;
}

@ObjectType({ description: 'An installed model: a folder in the diffusers ONNX layout.' })
export class Model {
  @Field(() => String, { description: 'Its folder name in ATELIER_MODELS_DIR: what GenerateInput.model takes.' }) name!: string;
  @Field(() => String, { description: 'Pipeline class from model_index.json.' }) pipelineClass!: string;
  @Field(() => ModelFamilyEnum) family!: ModelFamilyEnum;
  @Field(() => DistillationEnum) distillation!: DistillationEnum;
  @Field(() => PredictionTypeEnum) predictionType!: PredictionTypeEnum;
  @Field(() => Boolean, { description: 'An inpainting UNet (9 input channels): masks are painted with the model itself.' }) inpainting!: boolean;
  @Field(() => ModelDefaults, { description: 'What a request that leaves out sampler, steps or guidanceScale gets.' }) defaults!: ModelDefaults;
  @Field(() => Int, { description: 'Native width and height in pixels; the default size of a request.' }) defaultSize!: number;
  @Field(() => Boolean, { description: 'Whether a request that leaves out `model` gets this one (ATELIER_DEFAULT_MODEL).' }) isDefault!: boolean;
  @Field(() => Boolean, {
    description: 'False while a node could not load the model (a corrupt file, say): generate refuses it until it loads again or its folder changes.',
  })
  usable!: boolean;

  @Field(() => String, { nullable: true, description: 'Why the model cannot be used now; null when it can.' }) problem!: string | null;
  @Field(() => [LoadedPipeline], { description: "Where the cluster's workers keep it loaded now (after their last job), plain or with LoRAs." }) loadedOn!: LoadedPipeline[];
}

@ObjectType({ description: 'A sampler (diffusers scheduler) usable in GenerateInput.sampler.' })
export class Sampler {
  @Field(() => String, { description: 'Stable API name, e.g. "euler".' }) name!: string;
  @Field(() => String, { description: 'Name as AUTOMATIC1111 shows it, e.g. "Euler"; written into PNG metadata.' }) label!: string;
}
