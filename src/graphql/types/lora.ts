// LoRAs: what a request asks to apply, what a generation applied, and what is installed (the `loras` query).
import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { LoadedPipeline, LoraWeight, Model, ModelFamilyEnum } from './catalog.js';

@InputType({ description: 'A LoRA to merge into the model for this job.' })
export class LoraInput {
  @Field(() => String, { description: 'Its name in `loras` (the file name without .safetensors).' }) name!: string;
  @Field(() => Float, { nullable: true, description: 'Its multiplier, -5 to 5: 1 (default) as trained, 0 off, negative inverts it.' }) weight?: number | null;
}

@ObjectType({ description: 'A LoRA a generation was made with.' })
export class AppliedLora extends LoraWeight {
  @Field(() => String, { description: "The file's AUTOMATIC1111 short hash (12 hex digits) when it ran; empty when not known (an import that did not say)." }) hash!: string;
}

@ObjectType({ description: 'An installed LoRA: a .safetensors file in ATELIER_LORAS_DIR.' })
export class Lora {
  @Field(() => String, { description: 'What LoraInput.name and `<lora:name:weight>` take.' }) name!: string;
  @Field(() => ModelFamilyEnum, { nullable: true, description: "The family it was trained for; null when the file does not say (it is then offered to every model)." }) family!: ModelFamilyEnum | null;
  @Field(() => String, { nullable: true, description: 'The model it was trained on, as its metadata names it (ss_sd_model_name or modelspec.architecture).' }) baseModel!: string | null;
  @Field(() => [String], { description: "Words that call up what it learned (its training tags, most frequent first); empty when it lists none." }) triggerWords!: string[];
  @Field(() => String, { nullable: true, description: 'A preview picture from its metadata (modelspec.thumbnail), as a data URL.' }) preview!: string | null;
  @Field(() => Float, { description: 'File size in bytes.' }) sizeBytes!: number;
  @Field(() => String, { description: "AUTOMATIC1111's short hash of the file (12 hex digits), as PNGs record it under `Lora hashes`." }) hash!: string;
  @Field(() => [LoadedPipeline], { description: "Where the cluster's workers keep it merged into a model now (after their last job)." }) loadedOn!: LoadedPipeline[];
}

@ObjectType({ description: 'A file in ATELIER_LORAS_DIR or ATELIER_EMBEDDINGS_DIR that cannot be used, and why.' })
export class UnusableFile {
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'Its path inside its folder.' }) file!: string;
  @Field(() => String) problem!: string;
}

@ObjectType({ description: 'What refreshModels found.' })
export class InstalledFiles {
  @Field(() => [Model]) models!: Model[];
  @Field(() => [Lora]) loras!: Lora[];
}

@ObjectType({ description: 'An installed textual-inversion embedding (ATELIER_EMBEDDINGS_DIR): writing its name in a prompt or negative prompt calls it up.' })
export class Embedding {
  @Field(() => String, { description: 'The word a prompt writes: the file name without .safetensors.' }) name!: string;
  @Field(() => ModelFamilyEnum, { nullable: true, description: 'The family its vectors fit (SDXL: a clip_l and clip_g pair); only models of it get it.' }) family!: ModelFamilyEnum | null;
  @Field(() => Int, { description: 'Tokens it takes in a prompt.' }) vectors!: number;
  @Field(() => Float, { description: 'File size in bytes.' }) sizeBytes!: number;
  @Field(() => String, { description: "The first 12 hex digits of the file's sha256." }) hash!: string;
}
