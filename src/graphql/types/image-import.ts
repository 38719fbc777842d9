// What importImage answers: the parameters a PNG's metadata states, and the library entry the picture became.
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { METADATA_FORMATS, type MetadataFormat } from '../../library/index.js';
import { enumOf } from './enums.js';
import { Image } from './image.js';
import { SeedScalar } from './seed-scalar.js';

const MetadataFormatEnum = enumOf(
  'MetadataFormat',
  METADATA_FORMATS,
  'Where the parameters were read from: AUTOMATIC1111 ("parameters" text chunk; also Forge, SD.Next, Civitai, Atelier), COMFYUI ("prompt" node graph), INVOKEAI ("invokeai_metadata", or 2.x "sd-metadata" / "Dream").',
);

@ObjectType({
  description:
    "A picture's generation parameters as its PNG states them (like AUTOMATIC1111's PNG Info), and the library entry it became. Values the file does not state are null.",
})
export class ImageImport {
  @Field(() => MetadataFormatEnum) format!: MetadataFormat;
  @Field(() => String, { description: 'Never empty: a picture whose metadata has no prompt is refused.' }) prompt!: string;
  @Field(() => String, { description: 'Empty when the file states none.' }) negativePrompt!: string;
  @Field(() => SeedScalar, { nullable: true }) seed!: bigint | null;
  @Field(() => Int, { nullable: true }) steps!: number | null;
  @Field(() => Float, { nullable: true }) guidanceScale!: number | null;
  @Field(() => String, {
    nullable: true,
    description: "One of `samplers` where the tool's sampler is one of ours (\"Euler a\" -> euler_a); otherwise the tool's own name.",
  })
  sampler!: string | null;

  @Field(() => Int, { nullable: true, description: "As the metadata states it; the picture's own size is image.width (a hires-fix picture is larger)." }) width!: number | null;
  @Field(() => Int, { nullable: true, description: "As the metadata states it; the picture's own size is image.height." }) height!: number | null;
  @Field(() => String, { nullable: true, description: 'The model as the tool named it (a checkpoint name, not necessarily one of `models`).' }) model!: string | null;
  @Field(() => String, { description: 'The metadata text that was read, as the file holds it.' }) raw!: string;
  @Field(() => Boolean, { description: 'True when the same picture (by SHA-256) was already in the library: nothing was added and `image` is the stored one.' }) alreadyInLibrary!: boolean;
  @Field(() => ID, { description: 'The generation the picture is stored under (status COMPLETED).' }) generationId!: string;
  @Field(() => Image, { description: 'The stored picture, byte for byte as sent.' }) image!: Image;
}
