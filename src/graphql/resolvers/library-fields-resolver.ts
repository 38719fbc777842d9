// Nested library fields of images and prompts, answered through the request's batching loaders.
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../context.js';
import { toGeneration, toImage, toPrompt } from '../mappers.js';
import { Generation } from '../types/generation.js';
import { Image } from '../types/image.js';
import { LibraryPrompt } from '../types/prompt.js';
import { checkPageSize } from '../validate-library-input.js';

/** Nested library fields of an image, each batched across the whole response through the request's loaders. */
@Resolver(() => Image)
export class ImageFieldsResolver {
  @FieldResolver(() => Boolean, { description: 'Whether it is marked a favorite.' })
  async favorite(@Root() image: Image, @Ctx() ctx: AppContext): Promise<boolean> {
    return (await ctx.loaders.imageLabels.load(image.id)).favoritedAt !== null;
  }

  @FieldResolver(() => Date, { nullable: true, description: 'When it was marked a favorite; null when it is not one.' })
  async favoritedAt(@Root() image: Image, @Ctx() ctx: AppContext): Promise<Date | null> {
    return (await ctx.loaders.imageLabels.load(image.id)).favoritedAt;
  }

  @FieldResolver(() => [String], { description: 'Its tags, alphabetically.' })
  async tags(@Root() image: Image, @Ctx() ctx: AppContext): Promise<string[]> {
    return (await ctx.loaders.imageLabels.load(image.id)).tags;
  }

  @FieldResolver(() => Generation, { description: 'The generation that made it, with every parameter.' })
  async generation(@Root() image: Image, @Ctx() ctx: AppContext): Promise<Generation> {
    const record = await ctx.loaders.generation.load(image.generationId);
    if (!record) throw new Error(`image ${image.id} has no generation`);
    return toGeneration(record, null, ctx.urls);
  }

  @FieldResolver(() => LibraryPrompt, { description: 'Its prompt as stored in the library (with its use count).' })
  async prompt(@Root() image: Image, @Ctx() ctx: AppContext): Promise<LibraryPrompt> {
    const generation = await ctx.loaders.generation.load(image.generationId);
    const prompt = generation && (await ctx.loaders.prompt.load(generation.promptId));
    if (!prompt) throw new Error(`image ${image.id} has no prompt`);
    return toPrompt(prompt);
  }
}

@Resolver(() => LibraryPrompt)
export class PromptFieldsResolver {
  @FieldResolver(() => [Image], { description: 'Its newest images.' })
  async images(
    @Root() prompt: LibraryPrompt,
    @Ctx() ctx: AppContext,
    @Arg('first', () => Int, { defaultValue: 4 }) first: number,
  ): Promise<Image[]> {
    checkPageSize(first);
    return (await ctx.loaders.newestImagesOfPrompt(first).load(prompt.id)).map((image) => toImage(image, ctx.urls));
  }
}
