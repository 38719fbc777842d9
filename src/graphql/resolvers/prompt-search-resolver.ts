import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { PromptHit } from '../../library/index.js';
import type { AppContext } from '../context.js';
import { badInput } from '../errors.js';
import { LibraryPrompt, PromptConnection, PromptSearchInput } from '../types/prompt-search.js';

const MAX_PAGE_SIZE = 100;
const MAX_QUERY_LENGTH = 1000;

@Resolver()
export class PromptSearchResolver {
  @Query(() => PromptConnection, { description: 'Searches the prompt library by words, typo-tolerantly, or both (see SearchMode).' })
  async searchPrompts(
    @Ctx() ctx: AppContext,
    @Arg('input', () => PromptSearchInput, { nullable: true }) input?: PromptSearchInput | null,
    @Arg('first', () => Int, { defaultValue: 20 }) first = 20,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<PromptConnection> {
    checkPageSize(first);
    const query = input ?? {};
    checkLength('input.query', query.query, MAX_QUERY_LENGTH);
    if (query.createdAfter && query.createdBefore && query.createdAfter >= query.createdBefore) {
      throw badInput('input.createdBefore', 'createdBefore must be later than createdAfter');
    }
    let page;
    try {
      page = await ctx.promptSearch.search(
        {
          ...(query.query != null ? { text: query.query } : {}),
          ...(query.mode ? { mode: query.mode } : {}),
          ...(query.sort ? { sort: query.sort } : {}),
          ...(query.model != null ? { model: query.model } : {}),
          ...(query.sampler != null ? { sampler: query.sampler } : {}),
          ...(query.createdAfter ? { createdAfter: query.createdAfter } : {}),
          ...(query.createdBefore ? { createdBefore: query.createdBefore } : {}),
        },
        first,
        after ?? undefined,
      );
    } catch (error) {
      if (error instanceof RangeError) throw badInput('after', `after is not a cursor from this search: ${error.message}`);
      throw error;
    }
    return {
      edges: page.items.map(({ hit, cursor }) => ({ node: toPrompt(hit), cursor, score: hit.score })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      totalCount: page.totalCount,
    };
  }

  @Query(() => [LibraryPrompt], { description: 'Prompts completing what was typed (most used first), typo-tolerant: for a prompt box.' })
  async promptSuggestions(
    @Ctx() ctx: AppContext,
    @Arg('prefix', () => String) prefix: string,
    @Arg('first', () => Int, { defaultValue: 10 }) first = 10,
  ): Promise<LibraryPrompt[]> {
    checkPageSize(first);
    checkLength('prefix', prefix, MAX_QUERY_LENGTH);
    return (await ctx.promptSearch.suggestions(prefix, first)).map(toPrompt);
  }
}

function toPrompt(hit: PromptHit): LibraryPrompt {
  return { id: hit.id, text: hit.text, useCount: hit.useCount, createdAt: hit.createdAt, lastUsedAt: hit.lastUsedAt };
}

function checkPageSize(first: number): void {
  if (first < 1 || first > MAX_PAGE_SIZE) throw badInput('first', `first must be between 1 and ${MAX_PAGE_SIZE}, got ${first}`, { min: 1, max: MAX_PAGE_SIZE });
}

function checkLength(field: string, value: string | null | undefined, max: number): void {
  if (value != null && value.length > max) throw badInput(field, `${field} is longer than ${max} characters`, { max });
}
