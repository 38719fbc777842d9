// Stored pictures as the API shows them: generated or imported images (and pages of them), and uploads.
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType, ScoredEdgeType } from './connection.js';
import { SeedScalar } from './seed-scalar.js';

@ObjectType({ description: 'One generated image, stored as a PNG with its parameters embedded.' })
export class Image {
  @Field(() => ID, { description: 'What remix, similarImages, GenerateInput.initImageId and the tag, favorite and collection mutations take.' }) id!: string;

  /** Not a field: what the nested `generation` and `prompt` fields are loaded by. */
  generationId!: string;

  @Field(() => String, { description: 'Where to download the PNG (relative to the server unless ATELIER_PUBLIC_URL is set).' }) url!: string;
  @Field(() => String, { description: 'A WebP thumbnail of at most 256 px a side, for galleries (`url` with `?size=thumb`).' }) thumbnailUrl!: string;
  @Field(() => Int, { description: 'Position in the batch, from 0.' }) index!: number;
  @Field(() => SeedScalar, { description: 'Seed that reproduces exactly this image with the same parameters.' }) seed!: bigint;
  @Field(() => Int, { description: 'In pixels.' }) width!: number;
  @Field(() => Int, { description: 'In pixels.' }) height!: number;
  @Field(() => String, { description: 'SHA-256 of the PNG bytes; also its ETag.' }) sha256!: string;
  @Field(() => Boolean, { description: "The model's safety checker flagged it (ATELIER_SAFETY): its file is black (block), blurred (blur) or as made (flag)." }) nsfw!: boolean;
}

@ObjectType()
export class ImageEdge extends ScoredEdgeType(Image, "Relevance of the image's prompt when sorted by relevance; null otherwise.") {}

@ObjectType({ description: 'A page of images (Relay cursor connection).' })
export class ImageConnection extends ConnectionType(ImageEdge) {}

@ObjectType({ description: 'An image a client uploaded, to use as initImageId in generate (img2img).' })
export class UploadedImage {
  @Field(() => ID, { description: 'What GenerateInput.initImageId and maskImageId take.' }) id!: string;
  @Field(() => String, { description: 'Where to download it, as a PNG (relative to the server unless ATELIER_PUBLIC_URL is set).' }) url!: string;
  @Field(() => Int, { description: 'In pixels.' }) width!: number;
  @Field(() => Int, { description: 'In pixels.' }) height!: number;
  @Field(() => String, { description: 'SHA-256 of the stored PNG bytes.' }) sha256!: string;
}
