import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An image a client uploaded, to use as initImageId in generate (img2img).' })
export class UploadedImage {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Where to download it, as a PNG (relative to the server unless ATELIER_PUBLIC_URL is set).' })
  url!: string;

  @Field(() => Int)
  width!: number;

  @Field(() => Int)
  height!: number;

  @Field(() => String, { description: 'SHA-256 of the stored PNG bytes.' })
  sha256!: string;
}
