// Query cost over both transports: depth, alias, directive and cost bombs are refused with QUERY_TOO_COMPLEX
// before anything runs, /health stays live, a request cannot queue 1,000 jobs, and ordinary queries report their cost.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { print, type GraphQLFormattedError } from 'graphql';
import { loadConfig } from '../../src/config.js';
import { CollectionsDocument, GenerateDocument, GenerationEventsDocument, GenerationsDocument, SearchPromptsWithImagesDocument } from '../generated/operations.js';
import { collectSubscription, requestData, wsClient } from '../support/graphql-client.js';
import { aliasBomb, costBomb, depthBomb, directiveBomb, fragmentBomb, generateAliases } from '../support/query-bombs.js';
import { suiteServer } from '../support/test-server.js';

const LIMITS = loadConfig({}).queryLimits;

interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: GraphQLFormattedError[];
  extensions?: { cost?: { requestedQueryCost: number; maximumAvailable: number } };
}

/** A refusal: one QUERY_TOO_COMPLEX error naming the limit and what was measured, and no data. */
function assertRefused(answer: Pick<Answer, 'data' | 'errors'>, measure: string, limit: number): void {
  assert.equal(answer.errors?.length, 1, JSON.stringify(answer));
  const error = answer.errors![0]!;
  assert.equal(error.extensions?.code, 'QUERY_TOO_COMPLEX', JSON.stringify(error));
  assert.equal(error.extensions?.limit, limit, JSON.stringify(error));
  assert.ok((error.extensions?.[measure] as number) > limit, `${measure} in ${JSON.stringify(error)}`);
  assert.ok(error.message.includes(String(limit)), error.message);
  assert.equal(answer.data ?? null, null);
}

async function postTo(baseUrl: string, query: string, variables?: Record<string, unknown>, signal?: AbortSignal): Promise<Answer> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    // The GraphQL-over-HTTP media type, under which a refused request is a 4xx (under application/json it is 200).
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
}

describe("the issue's attack, on a library with a full batch of images", () => {
  const server = suiteServer({ workers: 1 });

  test(`the ${Buffer.byteLength(depthBomb(18))}-byte query nesting generation/images 18 levels deep is refused while /health stays live`, async () => {
    // Eight images a generation: unchecked, the query would resolve 8^9 images (the issue measured 60 s, 3.9 GB).
    const { generate } = await requestData(server().url, GenerateDocument, { input: { prompt: 'eight foxes', steps: 1, width: 64, height: 64, batchSize: 8 } });
    await collectSubscription(wsClient(server().url), GenerationEventsDocument, { id: generate.id });

    const health = async (): Promise<number> => {
      const started = performance.now();
      const response = await fetch(`${server().url}/health`, { signal: AbortSignal.timeout(5000) });
      assert.equal(response.status, 200);
      return performance.now() - started;
    };
    const attack = postTo(server().url, depthBomb(18), undefined, AbortSignal.timeout(5000));
    const during = await health();
    const bomb = await attack;
    const after = await health();
    assert.equal(bomb.status, 400);
    assertRefused(bomb, 'depth', LIMITS.maxDepth);
    assert.equal(bomb.errors![0]!.extensions?.setting, 'ATELIER_MAX_QUERY_DEPTH');
    // The liveness bound the issue states: /health answers within a second while and after the attack.
    assert.ok(during < 1000, `/health took ${during} ms during the attack`);
    assert.ok(after < 1000, `/health took ${after} ms after the attack`);
  });
});

describe('query limits', () => {
  const server = suiteServer({ workers: 0 });

  const post = (query: string, variables?: Record<string, unknown>): Promise<Answer> => postTo(server().url, query, variables);

  /** One operation over graphql-ws: its single result, or the errors the server sent instead. */
  const overWebSocket = (query: string): Promise<Pick<Answer, 'data' | 'errors'>> => {
    const client = wsClient(server().url);
    return new Promise((resolve, reject) => {
      let answer: Pick<Answer, 'data' | 'errors'> | undefined;
      client.subscribe(
        { query },
        {
          next: (result) => void (answer = result as Pick<Answer, 'data' | 'errors'>),
          error: (error) => {
            void client.dispose();
            if (Array.isArray(error)) resolve({ errors: error as GraphQLFormattedError[] });
            else reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
          },
          complete: () => {
            void client.dispose();
            if (answer) resolve(answer);
            else reject(new Error('completed without a result'));
          },
        },
      );
    });
  };

  const generationCount = () => server().database.prisma.generation.count();

  test('1,000 generate aliases in one request are refused and queue nothing, over HTTP and graphql-ws', async () => {
    const before = await generationCount();
    const http = await post(generateAliases(1000));
    assert.equal(http.status, 400);
    assert.equal(http.errors?.[0]?.extensions?.code, 'QUERY_TOO_COMPLEX', JSON.stringify(http.errors));
    const ws = await overWebSocket(generateAliases(1000));
    assert.equal(ws.errors?.[0]?.extensions?.code, 'QUERY_TOO_COMPLEX', JSON.stringify(ws.errors));
    assert.equal(await generationCount(), before);
  });

  test('one more queueing mutation than allowed is refused before any of them runs', async () => {
    const before = await generationCount();
    const tooMany = await post(generateAliases(LIMITS.maxQueueingMutations + 1));
    assertRefused(tooMany, 'queueingMutations', LIMITS.maxQueueingMutations);
    assert.match(tooMany.errors![0]!.message, /none of them ran/);
    const overWs = await overWebSocket(generateAliases(LIMITS.maxQueueingMutations + 1));
    assertRefused(overWs, 'queueingMutations', LIMITS.maxQueueingMutations);
    assert.equal(await generationCount(), before);

    const allowed = await post(generateAliases(LIMITS.maxQueueingMutations));
    assert.equal(allowed.errors, undefined, JSON.stringify(allowed.errors));
    assert.equal(await generationCount(), before + LIMITS.maxQueueingMutations);
  });

  test('an alias bomb is refused over HTTP and graphql-ws', async () => {
    const query = aliasBomb(LIMITS.maxAliases * 4);
    assertRefused(await post(query), 'aliases', LIMITS.maxAliases);
    assertRefused(await overWebSocket(query), 'aliases', LIMITS.maxAliases);
  });

  test('a cost bomb (the largest page at three nested lists) is refused over HTTP and graphql-ws', async () => {
    const query = costBomb(3);
    const http = await post(query);
    assert.equal(http.status, 400);
    assertRefused(http, 'cost', LIMITS.maxCost);
    // A client that accepts only application/json gets the same refusal with 200, as the GraphQL-over-HTTP spec asks.
    const legacy = await fetch(`${server().url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ query }) });
    assert.equal(legacy.status, 200);
    assert.equal(((await legacy.json()) as Answer).errors?.[0]?.extensions?.code, 'QUERY_TOO_COMPLEX');
    assertRefused(await overWebSocket(query), 'cost', LIMITS.maxCost);
  });

  test('a fragment bomb (each fragment spreading the next twice) is refused over HTTP and graphql-ws', async () => {
    for (const answer of [await post(fragmentBomb(30)), await overWebSocket(fragmentBomb(30))]) {
      assert.equal(answer.errors?.[0]?.extensions?.code, 'QUERY_TOO_COMPLEX', JSON.stringify(answer));
    }
  });

  test('a directive bomb and a query text with too many tokens are refused over HTTP and graphql-ws', async () => {
    const directives = directiveBomb(LIMITS.maxDirectives + 1);
    assertRefused(await post(directives), 'directives', LIMITS.maxDirectives);
    assertRefused(await overWebSocket(directives), 'directives', LIMITS.maxDirectives);
    // Aliases of __typename are free, so only the length of the text stops this one.
    const long = aliasBomb(LIMITS.maxTokens, '__typename');
    const http = await post(long);
    assert.equal(http.status, 400);
    assertRefused(http, 'tokens', LIMITS.maxTokens);
    assertRefused(await overWebSocket(long), 'tokens', LIMITS.maxTokens);
  });

  test('a page size over the cap is BAD_USER_INPUT with the field and max, before the mutation around it runs', async () => {
    const before = await server().database.prisma.collection.count();
    const answer = await post('mutation { createCollection(input: { name: "too big a page" }) { id images(first: 1000) { totalCount } } }');
    assert.equal(answer.status, 400);
    assert.deepEqual(
      [answer.errors?.[0]?.extensions?.code, answer.errors?.[0]?.extensions?.field, answer.errors?.[0]?.extensions?.max],
      ['BAD_USER_INPUT', 'first', 100],
      JSON.stringify(answer.errors),
    );
    assert.equal(await server().database.prisma.collection.count(), before, 'the collection was not created');
  });

  test('an ordinary query reports its cost in extensions.cost, sized by its pages', async () => {
    const small = await post(print(GenerationsDocument), { first: 2 });
    const large = await post(print(GenerationsDocument), { first: 10 });
    assert.equal(small.errors, undefined);
    const cost = small.extensions?.cost;
    assert.ok(cost && cost.requestedQueryCost > 0, JSON.stringify(small.extensions));
    assert.equal(cost.maximumAvailable, LIMITS.maxCost);
    assert.equal(large.extensions?.cost?.requestedQueryCost, cost.requestedQueryCost * 5, 'a page five times larger costs five times more');

    // Nested lists multiply: twice the prompts with the same images each is twice the cost.
    const nested = async (first: number) =>
      (await post(print(SearchPromptsWithImagesDocument), { first, imagesPerPrompt: 4 })).extensions?.cost?.requestedQueryCost ?? NaN;
    const [two, four] = [await nested(2), await nested(4)];
    assert.ok(two > 0 && four === two * 2, `${two} then ${four}`);
  });

  test('the deepest query of the test operations passes on both transports', async () => {
    // Collections nests collections > edges > node > images > edges > node > id: seven fields.
    const http = await post(print(CollectionsDocument), { first: 20, imagesFirst: 50 });
    assert.equal(http.errors, undefined, JSON.stringify(http.errors));
    assert.ok(http.extensions?.cost?.requestedQueryCost);
    const ws = await overWebSocket(print(CollectionsDocument));
    assert.equal(ws.errors, undefined, JSON.stringify(ws.errors));
    assert.ok(ws.data?.collections);
  });
});
