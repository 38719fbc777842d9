// Generations: queue, remix, cancel, delete, read and list them, and follow one as it runs.
import { Arg, Args, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { GenerationEvent as BusEvent } from '../../generation/events.js';
import type { AppContext } from '../context.js';
import { badInput, clientError, notFound } from '../errors.js';
import { generationEventStream } from '../generation-event-stream.js';
import { acceptedJobToGeneration, snapshotEvents, toEventPayload, toGeneration } from '../mappers.js';
import type { GenerationParams, JobOrigin } from '../../generation/job.js';
import { asOverrideError, remixRequest } from '../remix.js';
import { GenerateInput } from '../types/generate-input.js';
import { RemixInput } from '../types/remix-input.js';
import { GenerationEvent } from '../types/generation-events.js';
import { connection, foreignCursor, PageArgs } from '../types/connection.js';
import { DeletedGeneration, Generation, GenerationConnection } from '../types/generation.js';
import { checkPageSize } from '../validate-library-input.js';
import { resolveGenerateInput } from '../validate-generate-input.js';
import { samplerNames } from '../../generation/samplers.js';


@Resolver(() => Generation)
export class GenerationResolver {
  @Mutation(() => Generation, {
    description: 'Queues a text-to-image (or, with initImageId, image-to-image) job; returns at once with status QUEUED and its queue position.',
  })
  async generate(@Arg('input', () => GenerateInput) input: GenerateInput, @Ctx() ctx: AppContext): Promise<Generation> {
    return this.accept(await this.checkInput(input, ctx), ctx);
  }

  @Mutation(() => Generation, {
    description:
      "Queues a stored image again with its exact parameters (its own seed and variation seed, batch size 1), changed by `overrides`; without overrides the new image is byte-identical to the stored one. Returns at once with status QUEUED, like `generate`.",
  })
  async remix(
    @Arg('imageId', () => ID, { description: 'A generated image (uploads have no parameters to re-run).' }) imageId: string,
    @Ctx() ctx: AppContext,
    @Arg('overrides', () => RemixInput, { nullable: true }) overrides?: RemixInput | null,
  ): Promise<Generation> {
    const source = await ctx.reader.getImageWithGeneration(imageId);
    if (!source) {
      const upload = (await ctx.reader.getPicture(imageId))?.kind === 'upload';
      throw clientError('NOT_FOUND', upload ? `"${imageId}" is an uploaded picture, not a generated image; it has no parameters to remix` : `image "${imageId}" does not exist`, {
        id: imageId,
        field: 'imageId',
        ...(upload ? { reason: 'NOT_GENERATED' } : {}),
      });
    }
    const changes = overrides ?? {};
    let params;
    try {
      params = await this.checkInput(remixRequest(source, changes, { taesdAvailable: ctx.taesdAvailable }), ctx);
    } catch (error) {
      throw asOverrideError(error, changes, imageId);
    }
    return this.accept(params, ctx, { remixOfImageId: imageId });
  }

  /** Checks a request against what is installed and stored, and fills in the defaults. */
  private async checkInput(input: GenerateInput, ctx: AppContext): Promise<GenerationParams> {
    const { models, unusable } = await ctx.catalog.scan();
    const initImage = input.initImageId ? await ctx.reader.getPicture(input.initImageId) : null;
    const mask = input.maskImageId ? await ctx.reader.getPicture(input.maskImageId) : null;
    return resolveGenerateInput(input, {
      models: models.map((m) => ({ name: m.name, defaultSize: m.defaultSize, defaults: m.traits.defaults })),
      unusableModels: unusable,
      defaultModel: ctx.catalog.defaultModel,
      samplers: samplerNames,
      taesdAvailable: ctx.taesdAvailable,
      initImage,
      maskFound: mask?.kind === 'upload',
    });
  }

  /** Queues checked parameters unless the queue is full. */
  private async accept(params: GenerationParams, ctx: AppContext, origin: JobOrigin = {}): Promise<Generation> {
    if ((await ctx.reader.countQueued()) >= ctx.maxQueuedJobs) {
      throw clientError('QUEUE_FULL', `the queue already holds ${ctx.maxQueuedJobs} jobs; try again later`, { max: ctx.maxQueuedJobs });
    }
    const { job, position } = await ctx.generations.submit(params, origin);
    // The state at acceptance: a worker may already have claimed it, which the subscription will tell.
    return acceptedJobToGeneration(job, position, origin);
  }

  @Mutation(() => Generation, { description: 'Removes a queued job, or stops a running one between steps.' })
  async cancelGeneration(@Arg('id', () => ID) id: string, @Ctx() ctx: AppContext): Promise<Generation> {
    const before = await ctx.reader.getGeneration(id);
    if (!before) throw notFound('generation', id);
    const result = await ctx.generations.cancel(id);
    // A running job reports CANCELLED once its worker stops; the returned state may still say RUNNING.
    return this.load(id, ctx, result === 'cancelled' ? null : undefined);
  }

  @Mutation(() => DeletedGeneration, {
    description: 'Deletes a finished (completed, failed or cancelled) generation with its images and their files. Its prompt stays in the library.',
  })
  async deleteGeneration(@Arg('id', () => ID) id: string, @Ctx() ctx: AppContext): Promise<DeletedGeneration> {
    const result = await ctx.deleter.deleteGeneration(id);
    if (result.status === 'not-found') throw notFound('generation', id);
    if (result.status === 'active') throw badInput('id', `generation "${id}" is queued or running; cancel it first`, { reason: 'GENERATION_ACTIVE' });
    return { id, removedFiles: result.removedFiles };
  }

  @Query(() => Generation, { nullable: true })
  async generation(@Arg('id', () => ID) id: string, @Ctx() ctx: AppContext): Promise<Generation | null> {
    const record = await ctx.reader.getGeneration(id);
    if (!record) return null;
    const position = record.status === 'QUEUED' ? await ctx.generations.position(id) : null;
    return toGeneration(record, position, ctx.publicUrl);
  }

  @Query(() => GenerationConnection, { description: 'Generations, newest first.' })
  async generations(@Ctx() ctx: AppContext, @Args(() => PageArgs) { first, after }: PageArgs): Promise<GenerationConnection> {
    checkPageSize(first);
    let page;
    try {
      page = await ctx.reader.listGenerations({ first, after: after ?? undefined });
    } catch (error) {
      if (error instanceof RangeError) throw foreignCursor('this API', error.message);
      throw error;
    }
    return connection(page.items.map((item) => ({ node: toGeneration(item.record, null, ctx.publicUrl), cursor: item.cursor })), page);
  }

  @Subscription(() => GenerationEvent, {
    description: 'Every event of one generation; a late subscriber first receives the current state. Ends after COMPLETED, FAILED or CANCELLED.',
    subscribe: ({ args, context }) => {
      const ctx = context as AppContext;
      const id = args.id as string;
      return generationEventStream(ctx.bus, id, async () => {
        const record = await ctx.reader.getGeneration(id);
        if (!record) throw notFound('generation', id);
        const position = record.status === 'QUEUED' ? await ctx.generations.position(id) : null;
        return snapshotEvents(record, position);
      });
    },
  })
  generationEvents(@Arg('id', () => ID) _id: string, @Root() event: BusEvent, @Ctx() ctx: AppContext): GenerationEvent {
    return toEventPayload(event, ctx.publicUrl) as unknown as GenerationEvent;
  }

  private async load(id: string, ctx: AppContext, knownPosition?: number | null): Promise<Generation> {
    const record = await ctx.reader.getGeneration(id);
    if (!record) throw notFound('generation', id);
    const position =
      record.status !== 'QUEUED' ? null : knownPosition !== undefined && knownPosition !== null ? knownPosition : await ctx.generations.position(id);
    return toGeneration(record, position, ctx.publicUrl);
  }
}
