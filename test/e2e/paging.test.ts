// Relay paging as clients see it on the lists whose connections the API layer builds (collections, a collection's
// images, generations, searches): page boundaries, end cursors, totals, and cursors from elsewhere refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningServer } from '../../src/server.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';

interface Wire {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

describe('paged lists', () => {
  let server: RunningServer;
  const gql = async (query: string, variables: Record<string, unknown> = {}): Promise<Wire> => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Wire;
  };
  const PAGE = 'edges { cursor node { name } } pageInfo { hasNextPage endCursor } totalCount';

  before(async () => {
    server = await startTestServer({ dataDir: await tempDataDir(), workers: 0 });
    for (const name of ['beta', 'alpha']) {
      const created = await gql('mutation($name: String!) { createCollection(input: { name: $name }) { id } }', { name });
      assert.equal(created.errors, undefined);
    }
  });
  after(async () => {
    await server.close();
  });

  test('collections page by name; endCursor is the last edge and leads to the next page', async () => {
    const first = (await gql(`query { collections(first: 1) { ${PAGE} } }`)).data!.collections;
    assert.deepEqual(first.edges.map((edge: { node: { name: string } }) => edge.node.name), ['alpha']);
    assert.deepEqual(first.pageInfo, { hasNextPage: true, endCursor: first.edges[0].cursor });
    assert.equal(first.totalCount, 2);
    const rest = (await gql(`query($after: String) { collections(first: 5, after: $after) { ${PAGE} } }`, { after: first.pageInfo.endCursor })).data!
      .collections;
    assert.deepEqual(rest.edges.map((edge: { node: { name: string } }) => edge.node.name), ['beta']);
    assert.equal(rest.pageInfo.hasNextPage, false);
    assert.equal(rest.pageInfo.endCursor, rest.edges[0].cursor);
  });

  test('an empty page has a null endCursor', async () => {
    const empty = (await gql('{ generations { edges { cursor } pageInfo { hasNextPage endCursor } totalCount } }')).data!.generations;
    assert.deepEqual(empty, { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 });
    const images = (await gql('{ collections(first: 1) { edges { node { images { pageInfo { hasNextPage endCursor } totalCount } } } } }')).data!;
    assert.deepEqual(images.collections.edges[0].node.images, { pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 });
  });

  test('a cursor from another list is a BAD_USER_INPUT naming `after`', async () => {
    const collectionCursor = (await gql('{ collections(first: 1) { pageInfo { endCursor } } }')).data!.collections.pageInfo.endCursor as string;
    const cases: Array<[string, string]> = [
      [`{ collections(after: "nonsense") { totalCount } }`, 'after is not a cursor from collections'],
      [`{ collections(first: 1) { edges { node { images(after: "${collectionCursor}") { totalCount } } } } }`, 'after is not a cursor from this collection'],
    ];
    for (const [query, message] of cases) {
      const result = await gql(query);
      assert.equal(result.errors?.[0]?.message, message, query);
      assert.deepEqual(result.errors?.[0]?.extensions, { code: 'BAD_USER_INPUT', field: 'after' });
    }
    const generations = await gql(`{ generations(after: "${collectionCursor}") { totalCount } }`);
    assert.equal(generations.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(generations.errors?.[0]?.extensions?.field, 'after');
    assert.match(generations.errors![0]!.message, /^after is not a cursor from this API: /);
    for (const field of ['searchPrompts', 'searchImages']) {
      const search = await gql(`{ ${field}(after: "${collectionCursor}") { totalCount } }`);
      assert.equal(search.errors?.[0]?.extensions?.field, 'after', field);
      assert.match(search.errors![0]!.message, /^after is not a cursor from this search: /);
    }
  });
});
