// The library's search queries: prompts and images by text, mode and filters, and by likeness to a stored one.
import { Arg, Args, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { SemanticSearchUnavailableError, type ImageSearchPage, type LibraryFilters, type LibraryQuery, type PromptHit, type PromptSearchPage } from '../../library/index.js';
import type { ImageUrls } from '../../library/index.js';
import type { AppContext } from '../context.js';
import type { Viewer } from '../../accounts/viewer.js';
import { SearchScopeEnum, type SearchScope } from '../types/accounts.js';
import { badInput, notFound } from '../errors.js';
import { toImage, toPrompt } from '../mappers.js';
import { connection, foreignCursor } from '../types/connection.js';
import { ImageConnection } from '../types/image.js';
import { LibraryFilterInput, LibrarySearchInput, SearchArgs, SearchModeEnum, SimilarArgs } from '../types/library-search.js';
import { LibraryPrompt, PromptConnection } from '../types/prompt.js';
import { checkLength, checkPageSize, checkTagNames, MAX_QUERY_LENGTH } from '../validate-library-input.js';

@Resolver()
export class LibrarySearchResolver {
  @Query(() => PromptConnection, { description: 'Searches the prompt library by words, typo-tolerantly, by meaning, or all at once (see SearchMode).' })
  async searchPrompts(@Ctx() ctx: AppContext, @Args(() => SearchArgs) { input, first, after }: SearchArgs): Promise<PromptConnection> {
    const query = toLibraryQuery(input ?? {}, first, ctx.viewer);
    return promptConnection(await searching(() => ctx.promptSearch.search(query, first, after ?? undefined)));
  }

  @Query(() => ImageConnection, {
    description: "Searches the library's images: through their prompts (as searchPrompts) and their own properties (size, seed, tags, favorites, collection).",
  })
  async searchImages(@Ctx() ctx: AppContext, @Args(() => SearchArgs) { input, first, after }: SearchArgs): Promise<ImageConnection> {
    const query = toLibraryQuery(input ?? {}, first, ctx.viewer);
    return imageConnection(await searching(() => ctx.imageSearch.search(query, first, after ?? undefined)), ctx.urls);
  }

  @Query(() => PromptConnection, { description: 'Prompts nearest in meaning to a stored prompt (itself left out), most similar first.' })
  async similarPrompts(@Ctx() ctx: AppContext, @Arg('promptId', () => ID) promptId: string, @Args(() => SimilarArgs) args: SimilarArgs): Promise<PromptConnection> {
    const page = await similar('prompt', promptId, args, ctx.viewer, (filters, first, after) => ctx.promptSearch.similar(promptId, filters, first, after));
    return promptConnection(page);
  }

  @Query(() => ImageConnection, {
    description: "Images whose prompts are nearest in meaning to this image's prompt (the image itself left out; other images of the same prompt come first).",
  })
  async similarImages(@Ctx() ctx: AppContext, @Arg('imageId', () => ID) imageId: string, @Args(() => SimilarArgs) args: SimilarArgs): Promise<ImageConnection> {
    const page = await similar('image', imageId, args, ctx.viewer, (filters, first, after) => ctx.imageSearch.similar(imageId, filters, first, after));
    return imageConnection(page, ctx.urls);
  }

  @Query(() => [LibraryPrompt], { description: 'Prompts completing what was typed (most used first), typo-tolerant: for a prompt box.' })
  async promptSuggestions(
    @Ctx() ctx: AppContext,
    @Arg('prefix', () => String) prefix: string,
    @Arg('first', () => Int, { defaultValue: 10 }) first = 10,
    @Arg('scope', () => SearchScopeEnum, { nullable: true, description: 'Whose prompts: MINE (default), PUBLIC (the shared gallery) or ALL.' }) scope?: SearchScope | null,
  ): Promise<LibraryPrompt[]> {
    checkPageSize(first);
    checkLength('prefix', prefix, MAX_QUERY_LENGTH);
    return (await ctx.promptSearch.suggestions(prefix, first, { viewer: ctx.viewer, scope: scope ?? 'MINE' })).map(toPrompt);
  }
}

function toLibraryQuery(input: LibrarySearchInput, first: number, viewer: Viewer): LibraryQuery {
  checkPageSize(first);
  checkLength('input.query', input.query, MAX_QUERY_LENGTH);
  return {
    ...toFilters(input, 'input', viewer),
    ...(input.query != null ? { text: input.query } : {}),
    ...(input.mode ? { mode: input.mode } : {}),
    ...(input.sort ? { sort: input.sort } : {}),
  };
}

/** The input's filters, in the viewer's scope (MINE unless it says otherwise). */
function toFilters(input: LibraryFilterInput, prefix: string, viewer: Viewer): LibraryFilters {
  if (input.createdAfter && input.createdBefore && input.createdAfter >= input.createdBefore) {
    throw badInput(`${prefix}.createdBefore`, 'createdBefore must be later than createdAfter');
  }
  for (const field of ['width', 'height'] as const) {
    const value = input[field];
    if (value != null && value < 1) throw badInput(`${prefix}.${field}`, `${field} must be at least 1, got ${value}`, { min: 1 });
  }
  if (input.tags) checkTagNames(`${prefix}.tags`, input.tags);
  checkLength(`${prefix}.model`, input.model, MAX_QUERY_LENGTH);
  checkLength(`${prefix}.sampler`, input.sampler, MAX_QUERY_LENGTH);
  checkLength(`${prefix}.lora`, input.lora, MAX_QUERY_LENGTH);
  return {
    access: { viewer, scope: input.scope ?? 'MINE' },
    ...(input.model != null ? { model: input.model } : {}),
    ...(input.sampler != null ? { sampler: input.sampler } : {}),
    ...(input.lora != null ? { lora: input.lora } : {}),
    ...(input.width != null ? { width: input.width } : {}),
    ...(input.height != null ? { height: input.height } : {}),
    ...(input.seed != null ? { seed: input.seed } : {}),
    ...(input.createdAfter ? { createdAfter: input.createdAfter } : {}),
    ...(input.createdBefore ? { createdBefore: input.createdBefore } : {}),
    ...(input.tags ? { tags: input.tags } : {}),
    ...(input.favoritesOnly ? { favoritesOnly: true } : {}),
    ...(input.nsfw != null ? { nsfw: input.nsfw } : {}),
    ...(input.collectionId != null ? { collectionId: input.collectionId } : {}),
  };
}

/** Runs a search, turning a foreign cursor or an unavailable mode into client errors. */
async function searching<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof RangeError) throw foreignCursor('this search', error.message);
    if (error instanceof SemanticSearchUnavailableError) {
      throw badInput('input.mode', error.message, {
        reason: 'SEMANTIC_SEARCH_OFF',
        allowedValues: Object.values(SearchModeEnum).filter((mode) => mode !== SearchModeEnum.SEMANTIC),
      });
    }
    throw error;
  }
}

/** A `similar*` query: its filter and page size checked, NOT_FOUND when the library has no item with that id. */
async function similar<TPage>(
  what: string,
  id: string,
  { filter, first, after }: SimilarArgs,
  viewer: Viewer,
  search: (filters: LibraryFilters, first: number, after: string | undefined) => Promise<TPage | null>,
): Promise<TPage> {
  const filters = toFilters(filter ?? {}, 'filter', viewer);
  checkPageSize(first);
  const page = await searching(() => search(filters, first, after ?? undefined));
  if (!page) throw notFound(what, id);
  return page;
}

function promptConnection(page: PromptSearchPage): PromptConnection {
  return connection(page.items.map(({ hit, cursor }) => ({ node: toPrompt(hit), cursor, score: hit.score })), page);
}

function imageConnection(page: ImageSearchPage, urls: ImageUrls): ImageConnection {
  return connection(page.items.map(({ hit, cursor }) => ({ node: toImage(hit, urls), cursor, score: hit.score })), page);
}
