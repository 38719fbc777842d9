import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningServer } from '../../src/server.js';
import { PromptSuggestionsDocument, SearchPromptsDocument, type SearchPromptsQueryVariables } from '../generated/operations.js';
import { request, requestData } from '../support/graphql-client.js';
import { completedGeneration } from '../support/generations.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';

/**
 * The prompt library searched over GraphQL, after generating through the same API: what a frontend's search
 * box and gallery do. The prompts are chosen so the right answers are known.
 */
const PROMPTS = [
  'a cyberpunk city at night, neon lights, rain',
  'cyberpunk samurai portrait, neon glow',
  'portrait of an old fisherman, oil painting',
  'red fox running through the snow',
  'A  Cyberpunk city at night, neon lights, rain', // the first prompt again: one library entry, used twice
];

describe('prompt search over GraphQL', { timeout: 5 * 60_000 }, () => {
  let server: RunningServer;

  before(async () => {
    server = await startTestServer({ dataDir: await tempDataDir(), workers: 1, previewEvery: 0 });
    for (const prompt of PROMPTS) {
      await completedGeneration(server.url, { prompt, steps: 1, seed: '1' });
    }
  });
  after(async () => server?.close());

  const search = async (variables: SearchPromptsQueryVariables) => (await requestData(server.url, SearchPromptsDocument, variables)).searchPrompts;
  const texts = async (variables: SearchPromptsQueryVariables) => (await search(variables)).edges.map((e) => e.node.text);

  test('every generated prompt is in the library once, with how often it was used', async () => {
    const all = await search({ input: { sort: 'MOST_USED' } });
    assert.equal(all.totalCount, 4);
    assert.equal(all.totalCountIsExact, true);
    assert.deepEqual([all.edges[0]!.node.text, all.edges[0]!.node.useCount], ['a cyberpunk city at night, neon lights, rain', 2]);
    assert.ok(all.edges.every((e) => e.score === null), 'no relevance without a query');
  });

  test('a typo, a phrase, an exclusion and an unfinished word find the right prompts', async () => {
    assert.deepEqual(new Set(await texts({ input: { query: 'cyberpnk', mode: 'FUZZY' } })), new Set([PROMPTS[0], PROMPTS[1]]));
    // Hybrid (the default) also lists meaning matches, after the prompts found by words.
    assert.deepEqual(new Set((await texts({ input: { query: 'cyberpnk' } })).slice(0, 2)), new Set([PROMPTS[0], PROMPTS[1]]));
    assert.deepEqual(await texts({ input: { query: '"neon lights"', mode: 'WORDS' } }), [PROMPTS[0]]);
    assert.deepEqual(await texts({ input: { query: 'cyberpunk -samurai', mode: 'WORDS' } }), [PROMPTS[0]]);
    assert.deepEqual(await texts({ input: { query: 'fisherm', mode: 'FUZZY' } }), [PROMPTS[2]]);
    assert.equal((await texts({ input: { query: 'fisherm' } }))[0], PROMPTS[2]);
    const ranked = await search({ input: { query: 'neon cyberpunk city' } });
    assert.equal(ranked.edges[0]!.node.text, PROMPTS[0]);
    assert.ok(ranked.edges[0]!.score! > ranked.edges[1]!.score!);
  });

  test('pages of two follow each other to the end', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof search>> = await search({ input: { sort: 'NEWEST' }, first: 2, after });
      seen.push(...page.edges.map((e) => e.node.id));
      after = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null;
    } while (after);
    assert.equal(new Set(seen).size, 4);
    assert.equal(seen.length, 4);
  });

  test('suggestions complete the prompt box', async () => {
    const { promptSuggestions } = await requestData(server.url, PromptSuggestionsDocument, { prefix: 'cyberpunk s', first: 3 });
    assert.equal(promptSuggestions[0]!.text, PROMPTS[1]);
    const typo = await requestData(server.url, PromptSuggestionsDocument, { prefix: 'fishermn' });
    assert.deepEqual(typo.promptSuggestions.map((p) => p.text), [PROMPTS[2]]);
  });

  test('bad input is a BAD_USER_INPUT error naming the field', async () => {
    for (const [variables, field] of [
      [{ first: 0 }, 'first'],
      [{ first: 101 }, 'first'],
      [{ after: 'garbage' }, 'after'],
      [{ input: { createdAfter: '2026-02-01T00:00:00Z', createdBefore: '2026-01-01T00:00:00Z' } }, 'input.createdBefore'],
    ] as const) {
      const result = await request(server.url, SearchPromptsDocument, variables as SearchPromptsQueryVariables);
      assert.equal(result.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(variables));
      assert.equal(result.errors?.[0]?.extensions?.field, field);
    }
  });
});
