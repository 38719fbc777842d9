import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import type { RunningServer } from '../../src/server.js';
import {
  AddToCollectionDocument,
  CollectionDocument,
  CollectionsDocument,
  CreateCollectionDocument,
  DeleteCollectionDocument,
  DeleteGenerationDocument,
  RemoveFromCollectionDocument,
  ReorderCollectionDocument,
  SearchImagesDocument,
  SearchPromptsWithImagesDocument,
  SetFavoriteDocument,
  TagImagesDocument,
  TagsDocument,
  UntagImagesDocument,
  UpdateCollectionDocument,
  type GenerateInput,
  type LibrarySearchInput,
} from '../generated/operations.js';
import { request, requestData } from '../support/graphql-client.js';
import { completedGeneration } from '../support/generations.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';

/**
 * Organising and browsing the library over GraphQL as a gallery frontend does: tags, favorites, collections,
 * searchImages with every filter, and nested fields (an image's prompt, generation and tags; a prompt's
 * images) batched so a page of 50 images costs a bounded number of SQL statements, counted from the server's
 * own trace log of every statement.
 */
const GENERATIONS: GenerateInput[] = [
  ...Array.from({ length: 12 }, (_, i) => ({ prompt: `a lighthouse at dusk, study ${i}`, steps: 1, seed: String(100 + i * 10), batchSize: 4 })),
  { prompt: 'a red fox in the snow', steps: 1, seed: '7', batchSize: 2, width: 128, height: 64 },
  { prompt: 'a red fox in the snow', steps: 2, seed: '8', batchSize: 1, sampler: 'ddim' },
];

describe('library organisation over GraphQL', { timeout: 5 * 60_000 }, () => {
  let server: RunningServer;
  const sqlLog: string[] = [];
  const images = new Map<string, string[]>(); // generation prompt+seed -> image ids

  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line.includes('"msg":"sql"')) sqlLog.push(line);
        done();
      },
    });
    server = await startTestServer({ dataDir: await tempDataDir(), workers: 1, previewEvery: 0 }, pino({ level: 'trace' }, sink));
    for (const input of GENERATIONS) {
      const generation = await completedGeneration(server.url, input);
      images.set(`${input.prompt}#${input.seed}`, generation.images.map((image) => image.id));
    }
  });
  after(async () => server?.close());

  const foxes = () => [...images.get('a red fox in the snow#7')!, ...images.get('a red fox in the snow#8')!];
  const imageIds = async (input: LibrarySearchInput, first = 100) =>
    (await requestData(server.url, SearchImagesDocument, { input, first })).searchImages.edges.map((e) => e.node.id);

  test('searchImages lists every image with its prompt and generation, and filters by size, seed, model and sampler', async () => {
    const all = (await requestData(server.url, SearchImagesDocument, { first: 100 })).searchImages;
    assert.equal(all.totalCount, 12 * 4 + 3);
    const fox = all.edges.find((e) => e.node.id === images.get('a red fox in the snow#8')![0])!.node;
    assert.deepEqual([fox.prompt.text, fox.prompt.useCount, fox.generation.sampler, fox.generation.steps, fox.seed], ['a red fox in the snow', 2, 'ddim', 2, '8']);

    assert.deepEqual(new Set(await imageIds({ query: 'fox' })), new Set(foxes()));
    assert.deepEqual(new Set(await imageIds({ width: 128, height: 64 })), new Set(images.get('a red fox in the snow#7')));
    // Image i of a batch has seed + i: seed 8 is the second fox of the first batch and the third's only one.
    assert.deepEqual(new Set(await imageIds({ seed: '8' })), new Set([images.get('a red fox in the snow#7')![1], images.get('a red fox in the snow#8')![0]]));
    assert.deepEqual(await imageIds({ sampler: 'ddim' }), images.get('a red fox in the snow#8'));
    assert.equal((await imageIds({ model: 'tiny' })).length, 51);
    assert.deepEqual(await imageIds({ model: 'no-such-model' }), []);
    const newest = await imageIds({ sort: 'NEWEST' }, 3);
    assert.deepEqual(newest[0], images.get('a red fox in the snow#8')![0]);
  });

  test('tags: added case-insensitively, filtered on (all of them), listed with counts, removed', async () => {
    const [a, b, c] = images.get('a lighthouse at dusk, study 0#100')!;
    const tagged = (await requestData(server.url, TagImagesDocument, { imageIds: [a!, b!], tags: ['Seascape', 'wip '] })).tagImages;
    assert.deepEqual(tagged.map((image) => image.tags), [['seascape', 'wip'], ['seascape', 'wip']]);
    await requestData(server.url, TagImagesDocument, { imageIds: [c!], tags: ['seascape'] });
    assert.deepEqual(new Set(await imageIds({ tags: ['SEASCAPE'] })), new Set([a, b, c]));
    assert.deepEqual(new Set(await imageIds({ tags: ['seascape', 'wip'] })), new Set([a, b]));
    assert.deepEqual((await requestData(server.url, TagsDocument, {})).tags, [
      { name: 'seascape', imageCount: 3 },
      { name: 'wip', imageCount: 2 },
    ]);
    assert.deepEqual((await requestData(server.url, TagsDocument, { prefix: 'w' })).tags.map((t) => t.name), ['wip']);
    await requestData(server.url, UntagImagesDocument, { imageIds: [a!, b!], tags: ['wip'] });
    assert.deepEqual((await requestData(server.url, TagsDocument, {})).tags.map((t) => t.name), ['seascape'], 'an unused tag is gone');

    const unknown = await request(server.url, TagImagesDocument, { imageIds: [a!, 'nope'], tags: ['x'] });
    assert.equal(unknown.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    assert.deepEqual(unknown.errors?.[0]?.extensions?.ids, ['nope']);
    const badTag = await request(server.url, TagImagesDocument, { imageIds: [a!], tags: ['a,b'] });
    assert.deepEqual([badTag.errors?.[0]?.extensions?.code, badTag.errors?.[0]?.extensions?.field, badTag.errors?.[0]?.extensions?.max], ['BAD_USER_INPUT', 'tags', 64]);
  });

  test('favorites: marked, filtered on, unmarked', async () => {
    const [fox] = foxes();
    const marked = (await requestData(server.url, SetFavoriteDocument, { imageId: fox!, favorite: true })).setFavorite;
    assert.equal(marked.favorite, true);
    const again = (await requestData(server.url, SetFavoriteDocument, { imageId: fox!, favorite: true })).setFavorite;
    assert.equal(again.favoritedAt, marked.favoritedAt, 'marking again keeps the first time');
    assert.deepEqual(await imageIds({ favoritesOnly: true }), [fox]);
    assert.deepEqual(await imageIds({ favoritesOnly: true, query: 'lighthouse' }), []);
    await requestData(server.url, SetFavoriteDocument, { imageId: fox!, favorite: false });
    assert.deepEqual(await imageIds({ favoritesOnly: true }), []);
  });

  test('collections: ordered, appended to, reordered, paged, filtered on; names unique; deleting one keeps its images', async () => {
    const lighthouses = images.get('a lighthouse at dusk, study 1#110')!;
    const created = (await requestData(server.url, CreateCollectionDocument, { input: { name: 'Dusk series', description: 'best of' } })).createCollection;
    assert.equal(created.imageCount, 0);
    const id = created.id;
    await requestData(server.url, AddToCollectionDocument, { collectionId: id, imageIds: [lighthouses[2]!, lighthouses[0]!] });
    const added = (await requestData(server.url, AddToCollectionDocument, { collectionId: id, imageIds: [lighthouses[0]!, foxes()[0]!] })).addToCollection;
    assert.deepEqual(added.images.edges.map((e) => e.node.id), [lighthouses[2], lighthouses[0], foxes()[0]], 'appended, nothing twice');
    const order = [foxes()[0]!, lighthouses[2]!, lighthouses[0]!];
    const reordered = (await requestData(server.url, ReorderCollectionDocument, { collectionId: id, imageIds: order })).reorderCollection;
    assert.deepEqual(reordered.images.edges.map((e) => e.node.id), order);
    const badOrder = await request(server.url, ReorderCollectionDocument, { collectionId: id, imageIds: order.slice(1) });
    assert.deepEqual([badOrder.errors?.[0]?.extensions?.code, badOrder.errors?.[0]?.extensions?.field], ['BAD_USER_INPUT', 'imageIds']);

    const firstPage = (await requestData(server.url, CollectionDocument, { id, imagesFirst: 2 })).collection!.images;
    const secondPage = (await requestData(server.url, CollectionDocument, { id, imagesFirst: 2, imagesAfter: firstPage.pageInfo.endCursor })).collection!.images;
    assert.deepEqual([...firstPage.edges, ...secondPage.edges].map((e) => e.node.id), order);
    assert.equal(secondPage.pageInfo.hasNextPage, false);

    assert.deepEqual(new Set(await imageIds({ collectionId: id })), new Set(order));
    assert.deepEqual(await imageIds({ collectionId: id, query: 'fox' }), [foxes()[0]]);
    const removed = (await requestData(server.url, RemoveFromCollectionDocument, { collectionId: id, imageIds: [lighthouses[2]!] })).removeFromCollection;
    assert.deepEqual(removed.images.edges.map((e) => e.node.id), [foxes()[0], lighthouses[0]]);

    const other = (await requestData(server.url, CreateCollectionDocument, { input: { name: 'Other' } })).createCollection;
    const taken = await request(server.url, UpdateCollectionDocument, { id: other.id, changes: { name: 'Dusk series' } });
    assert.deepEqual([taken.errors?.[0]?.extensions?.code, taken.errors?.[0]?.extensions?.reason], ['BAD_USER_INPUT', 'NAME_TAKEN']);
    const renamed = (await requestData(server.url, UpdateCollectionDocument, { id: other.id, changes: { name: 'Later' } })).updateCollection;
    assert.equal(renamed.name, 'Later');
    const named = (await requestData(server.url, CollectionsDocument, { first: 1 })).collections;
    const next = (await requestData(server.url, CollectionsDocument, { first: 1, after: named.pageInfo.endCursor })).collections;
    assert.deepEqual([named.totalCount, named.edges[0]!.node.name, next.edges[0]!.node.name, next.pageInfo.hasNextPage], [2, 'Dusk series', 'Later', false]);
    const emptyName = await request(server.url, CreateCollectionDocument, { input: { name: '  ' } });
    assert.deepEqual([emptyName.errors?.[0]?.extensions?.field, emptyName.errors?.[0]?.extensions?.max], ['input.name', 100]);

    assert.equal((await requestData(server.url, DeleteCollectionDocument, { id })).deleteCollection, id);
    assert.equal((await requestData(server.url, CollectionDocument, { id })).collection, null);
    assert.equal((await imageIds({})).length, 51, 'the images stay');
    const again = await request(server.url, DeleteCollectionDocument, { id });
    assert.equal(again.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  });

  test('a page of 50 images with prompt, generation, tags and favorite costs a bounded number of SQL statements', async (t) => {
    const before = sqlLog.length;
    const page = (await requestData(server.url, SearchImagesDocument, { first: 50 })).searchImages;
    const statements = sqlLog.length - before;
    assert.equal(page.edges.length, 50);
    assert.ok(page.edges.every((e) => e.node.prompt.text.length > 0 && e.node.generation.steps > 0 && Array.isArray(e.node.tags)));
    // Search (settings + page) and one batch each for generations (+ their prompts' texts and images),
    // prompts and labels; one query per image would be 150+.
    t.diagnostic(`searchImages, 50 images with nested fields: ${statements} SQL statements`);
    assert.ok(statements <= 12, `${statements} statements for a page of 50`);

    const beforePrompts = sqlLog.length;
    const prompts = (await requestData(server.url, SearchPromptsWithImagesDocument, { first: 50, imagesPerPrompt: 4 })).searchPrompts;
    const promptStatements = sqlLog.length - beforePrompts;
    assert.equal(prompts.edges.length, 13);
    assert.ok(prompts.edges.every((e) => e.node.images.length >= 1 && e.node.images.every((image) => image.prompt.id === e.node.id)));
    t.diagnostic(`searchPrompts, 13 prompts with 4 images each and their nested fields: ${promptStatements} SQL statements`);
    assert.ok(promptStatements <= 14, `${promptStatements} statements for 13 prompts with their images`);
  });

  test('deleting a generation takes its images out of tags and collections', async () => {
    const gone = images.get('a lighthouse at dusk, study 11#210')!;
    await requestData(server.url, TagImagesDocument, { imageIds: gone, tags: ['doomed'] });
    const { id } = (await requestData(server.url, CreateCollectionDocument, { input: { name: 'Doomed' } })).createCollection;
    await requestData(server.url, AddToCollectionDocument, { collectionId: id, imageIds: gone });
    const { generations } = await server.database.prisma.image.findUniqueOrThrow({ where: { id: gone[0]! }, select: { generationId: true } }).then((row) => ({ generations: [row.generationId] }));
    await requestData(server.url, DeleteGenerationDocument, { id: generations[0]! });
    assert.equal((await requestData(server.url, CollectionDocument, { id })).collection!.imageCount, 0);
    assert.deepEqual(await imageIds({ tags: ['doomed'] }), []);
  });
});
