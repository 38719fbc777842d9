/**
 * Generations over GraphQL: generate, remix and cancel translate to the generation service; the rest read and
 * list them, share them, and follow one as it runs. Another account's private generation is NOT_FOUND everywhere.
 */
import { Arg, Args, Ctx, Float, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { GenerationEvent as BusEvent } from '../../generation/events.js';
import type { AcceptedJob } from '../../generation/generation-service.js';
import type { AppContext } from '../context.js';
import { badInput, notFound, toClientError } from '../errors.js';
import { generationEventStream } from '../generation-event-stream.js';
import { acceptedJobToGeneration, snapshotEvents, toEventPayload, toGeneration } from '../mappers.js';
import { GenerateInput } from '../types/generate-input.js';
import { VisibilityEnum, type Visibility } from '../types/accounts.js';
import { RemixInput } from '../types/remix-input.js';
import { GenerationEvent } from '../types/generation-events.js';
import { connection, foreignCursor, PageArgs } from '../types/connection.js';
import { DeletedGeneration, Generation, GenerationConnection } from '../types/generation.js';
import { checkPageSize } from '../validate-library-input.js';

@Resolver(() => Generation)
export class GenerationResolver {
  @Mutation(() => Generation, {
    description: 'Queues a text-to-image (or, with initImageId, image-to-image) job; returns at once with status QUEUED and its queue position.',
  })
  async generate(@Arg('input', () => GenerateInput) input: GenerateInput, @Ctx() ctx: AppContext): Promise<Generation> {
    const { visibility, ...request } = input;
    return accepted(ctx.generations.generate(request, ctx.viewer, visibility ?? 'PRIVATE'));
  }

  @Mutation(() => Generation, {
    description:
      "Queues a stored image again with its exact parameters (its own seed and variation seed, batch size 1), changed by `overrides`; without overrides the new image is byte-identical to the stored one. Returns at once with status QUEUED, like `generate`.",
  })
  async remix(
    @Arg('imageId', () => ID, { description: 'A generated image (uploads have no parameters to re-run).' }) imageId: string,
    @Ctx() ctx: AppContext,
    @Arg('overrides', () => RemixInput, { nullable: true }) overrides?: RemixInput | null,
    @Arg('visibility', () => VisibilityEnum, { nullable: true, description: 'Of the new generation: PRIVATE (default) or PUBLIC.' }) visibility?: Visibility | null,
  ): Promise<Generation> {
    return accepted(ctx.generations.remix(imageId, overrides ?? {}, ctx.viewer, visibility ?? 'PRIVATE'));
  }

  @Mutation(() => Generation, {
    description:
      'Queues an upscale job (kind UPSCALE): a stored picture enlarged by an upscaler model in tiles, stored as a new image whose generation names its source (initImageId). Followed like any generation; its STEP events count tiles.',
  })
  async upscaleImage(
    @Arg('imageId', () => ID, { description: 'A generated image or an upload of yours, or a public image.' }) imageId: string,
    @Arg('upscaler', () => String, { description: 'A name from `upscalers`.' }) upscaler: string,
    @Ctx() ctx: AppContext,
    @Arg('scale', () => Float, { nullable: true, description: "How much larger each side gets, 1..8 (default: the upscaler's own scale); the result may have ATELIER_MAX_UPSCALE_PIXELS." }) scale?: number | null,
    @Arg('priority', () => Int, { nullable: true, description: 'As GenerateInput.priority.' }) priority?: number | null,
    @Arg('visibility', () => VisibilityEnum, { nullable: true, description: 'Of the new generation: PRIVATE (default) or PUBLIC.' }) visibility?: Visibility | null,
  ): Promise<Generation> {
    return accepted(ctx.generations.upscale({ imageId, upscaler, scale, priority }, ctx.viewer, visibility ?? 'PRIVATE'));
  }

  @Mutation(() => Generation, { description: 'Puts a generation of yours into the shared gallery (PUBLIC) or takes it out (PRIVATE).' })
  async setGenerationVisibility(
    @Arg('id', () => ID) id: string,
    @Arg('visibility', () => VisibilityEnum) visibility: Visibility,
    @Ctx() ctx: AppContext,
  ): Promise<Generation> {
    if (!(await ctx.sharing.setVisibility(id, visibility, ctx.viewer))) throw notFound('generation', id);
    return this.load(id, ctx);
  }

  @Mutation(() => Generation, { description: 'Removes a queued job, or stops a running one between steps.' })
  async cancelGeneration(@Arg('id', () => ID) id: string, @Ctx() ctx: AppContext): Promise<Generation> {
    const before = await ctx.reader.getGeneration(id, ctx.viewer, 'change');
    if (!before) throw notFound('generation', id);
    const result = await ctx.generations.cancel(id);
    // A running job reports CANCELLED once its worker stops; the returned state may still say RUNNING.
    return this.load(id, ctx, result === 'cancelled' ? null : undefined);
  }

  @Mutation(() => DeletedGeneration, {
    description: 'Deletes a finished (completed, failed or cancelled) generation with its images and their files. Its prompt stays in the library.',
  })
  async deleteGeneration(@Arg('id', () => ID) id: string, @Ctx() ctx: AppContext): Promise<DeletedGeneration> {
    const result = await ctx.deleter.deleteGeneration(id, ctx.viewer);
    if (result.status === 'not-found') throw notFound('generation', id);
    if (result.status === 'active') throw badInput('id', `generation "${id}" is queued or running; cancel it first`, { reason: 'GENERATION_ACTIVE' });
    return { id, removedFiles: result.removedFiles };
  }

  @Query(() => Generation, { nullable: true, description: 'One of your generations, or a public one; null for any other id.' })
  async generation(@Arg('id', () => ID) id: string, @Ctx() ctx: AppContext): Promise<Generation | null> {
    const record = await ctx.reader.getGeneration(id, ctx.viewer);
    if (!record) return null;
    const position = record.status === 'QUEUED' ? await ctx.generations.position(id) : null;
    return toGeneration(record, position, ctx.urls);
  }

  @Query(() => GenerationConnection, { description: "Your generations (an admin: every account's), newest first." })
  async generations(@Ctx() ctx: AppContext, @Args(() => PageArgs) { first, after }: PageArgs): Promise<GenerationConnection> {
    checkPageSize(first);
    let page;
    try {
      page = await ctx.reader.listGenerations({ first, after: after ?? undefined, viewer: ctx.viewer });
    } catch (error) {
      if (error instanceof RangeError) throw foreignCursor('this API', error.message);
      throw error;
    }
    return connection(page.items.map((item) => ({ node: toGeneration(item.record, null, ctx.urls), cursor: item.cursor })), page);
  }

  @Subscription(() => GenerationEvent, {
    description: 'Every event of one generation; a late subscriber first receives the current state. Ends after COMPLETED, FAILED or CANCELLED.',
    subscribe: ({ args, context }) => {
      const ctx = context as AppContext;
      const id = args.id as string;
      return generationEventStream(ctx.bus, id, async () => {
        const record = await ctx.reader.getGeneration(id, ctx.viewer);
        if (!record) throw notFound('generation', id);
        const position = record.status === 'QUEUED' ? await ctx.generations.position(id) : null;
        return snapshotEvents(record, position);
      });
    },
  })
  generationEvents(@Arg('id', () => ID) _id: string, @Root() event: BusEvent, @Ctx() ctx: AppContext): GenerationEvent {
    return toEventPayload(event, ctx.urls) as unknown as GenerationEvent;
  }

  private async load(id: string, ctx: AppContext, knownPosition?: number | null): Promise<Generation> {
    const record = await ctx.reader.getGeneration(id, ctx.viewer);
    if (!record) throw notFound('generation', id);
    const position =
      record.status !== 'QUEUED' ? null : knownPosition !== undefined && knownPosition !== null ? knownPosition : await ctx.generations.position(id);
    return toGeneration(record, position, ctx.urls);
  }
}

/** The state at acceptance: a worker may already have claimed the job, which the subscription will tell. */
async function accepted(submitted: Promise<AcceptedJob>): Promise<Generation> {
  let result: AcceptedJob;
  try {
    result = await submitted;
  } catch (error) {
    throw toClientError(error);
  }
  return acceptedJobToGeneration(result.job, result.position, result.origin);
}
