// Collections and tags: how users organise the library, and what is asked to create or change a collection.
import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ConnectionType, EdgeType } from './connection.js';

@ObjectType({ description: 'A named, ordered set of images. Its images are listed by the `images` field.' })
export class Collection {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  description!: string;

  @Field(() => Int)
  imageCount!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@InputType()
export class CollectionInput {
  @Field(() => String, { description: '1 to 100 characters; unique among collections.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Up to 2000 characters.' })
  description?: string | null;
}

@InputType({ description: 'What to change; absent fields stay as they are.' })
export class CollectionChanges {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@ObjectType({ description: 'A tag and how many images carry it.' })
export class TagCount {
  @Field(() => String)
  name!: string;

  @Field(() => Int)
  imageCount!: number;
}

@ObjectType()
export class CollectionEdge extends EdgeType(Collection) {}

@ObjectType({ description: 'A page of collections, by name (Relay cursor connection).' })
export class CollectionConnection extends ConnectionType(CollectionEdge) {}

/** Which images get which tags (tagImages, untagImages). */
@ArgsType()
export class TaggingArgs {
  // Declared in the order the SDL lists them.
  @Field(() => [String])
  tags!: string[];

  @Field(() => [ID])
  imageIds!: string[];
}

/** Which images of which collection (addToCollection, removeFromCollection, reorderCollection). */
@ArgsType()
export class CollectionImagesArgs {
  @Field(() => [ID])
  imageIds!: string[];

  @Field(() => ID)
  collectionId!: string;
}
