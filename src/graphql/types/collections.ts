// Collections and tags: how users organise the library, and what is asked to create or change a collection.
import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ConnectionType, EdgeType } from './connection.js';

@ObjectType({ description: 'A named, ordered set of images. Its images are listed by the `images` field.' })
export class Collection {
  @Field(() => ID, { description: 'What `collection` and the collection mutations take.' }) id!: string;
  @Field(() => String, { description: 'Unique among your collections.' }) name!: string;
  @Field(() => String, { description: 'Empty when it has none.' }) description!: string;
  @Field(() => Int, { description: 'Images in it (see `images`).' }) imageCount!: number;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { description: 'When its name, its description, its images or their order last changed.' }) updatedAt!: Date;
}

@InputType()
export class CollectionInput {
  @Field(() => String, { description: '1 to 100 characters; unique among collections.' }) name!: string;
  @Field(() => String, { nullable: true, description: 'Up to 2000 characters.' }) description?: string | null;
}

@InputType({ description: 'What to change; absent fields stay as they are.' })
export class CollectionChanges {
  @Field(() => String, { nullable: true, description: 'A new name: 1 to 100 characters, unique among collections.' }) name?: string | null;
  @Field(() => String, { nullable: true, description: 'A new description, up to 2000 characters (empty removes it).' }) description?: string | null;
}

@ObjectType({ description: 'A tag and how many images carry it.' })
export class TagCount {
  @Field(() => String, { description: 'The tag as stored: trimmed and lower-cased.' }) name!: string;
  @Field(() => Int, { description: "Your images carrying it (an admin: every account's)." }) imageCount!: number;
}

@ObjectType()
export class CollectionEdge extends EdgeType(Collection) {}

@ObjectType({ description: 'A page of collections, by name (Relay cursor connection).' })
export class CollectionConnection extends ConnectionType(CollectionEdge) {}

/** Which images get which tags (tagImages, untagImages). */
@ArgsType()
export class TaggingArgs {
  // Declared in the order the SDL lists them.
  @Field(() => [String], { description: 'Tag names, stored trimmed and lower-cased.' }) tags!: string[];
  @Field(() => [ID], { description: "Your images (an admin: anyone's)." }) imageIds!: string[];
}

/** Which images of which collection (addToCollection, removeFromCollection, reorderCollection). */
@ArgsType()
export class CollectionImagesArgs {
  @Field(() => [ID], { description: "Your images (an admin: anyone's)." }) imageIds!: string[];
  @Field(() => ID) collectionId!: string;
}
