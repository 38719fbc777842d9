// The isolation matrix: two users (alice, bob) and an admin on one server with ATELIER_AUTH=keys. Bob tries every
// query, mutation and subscription with alice's ids. Each is checked as the API promises for an id that does not
// exist: NOT_FOUND (the same error a made-up id gets), null for nullable look-ups, or absent from lists and search.
// Then the admin sees and changes it all, and alice's work is checked to be unchanged.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { GraphQLFormattedError } from 'graphql';
import {
  AddToCollectionDocument,
  CancelGenerationDocument,
  CollectionDocument,
  CollectionsDocument,
  CreateCollectionDocument,
  DeleteCollectionDocument,
  DeleteGenerationDocument,
  GenerateDocument,
  GenerationDocument,
  GenerationsDocument,
  ImportImageDocument,
  PromptImagesDocument,
  PromptSuggestionsScopedDocument,
  RemixDocument,
  RemoveFromCollectionDocument,
  ReorderCollectionDocument,
  SearchImagesDocument,
  SearchPromptsDocument,
  SetFavoriteDocument,
  SetGenerationVisibilityDocument,
  SimilarImagesDocument,
  SimilarPromptsDocument,
  TagImagesDocument,
  TagsDocument,
  UntagImagesDocument,
  UpdateCollectionDocument,
  UploadImageDocument,
  UpscaleImageDocument,
  type GenerationFieldsFragment,
} from '../generated/operations.js';
import { createKey, keyedCompletedGeneration, keyedData, keyedRequest, keyedWsClient } from '../support/accounts.js';
import { suiteServer } from '../support/test-server.js';

const SEARCH_MODES = ['WORDS', 'FUZZY', 'HYBRID'] as const; // SEMANTIC is off on the tiny model (see test-server.ts)
const SCOPES = ['MINE', 'PUBLIC', 'ALL'] as const;
const TINY = { steps: 2, width: 64, height: 64 } as const;

async function pngDataUrl(red: number): Promise<string> {
  const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: red, g: 40, b: 40 } } }).png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** The error an id gets, with the id itself taken out, so another account's id can be compared with a made-up one. */
function withoutId(error: GraphQLFormattedError | undefined, id: string): unknown {
  assert.ok(error, 'expected an error');
  return JSON.parse(JSON.stringify({ message: error.message, extensions: error.extensions }).split(id).join('<id>'));
}

describe('isolation between accounts', () => {
  const server = suiteServer({ workers: 1, auth: 'keys', secret: 'isolation test secret, at least 32 characters' });
  const url = () => server().url;
  let alice: string;
  let bob: string;
  let admin: string;
  let aliceGeneration: GenerationFieldsFragment;
  let aliceImage: string;
  let aliceUpload: string;
  let aliceCollection: string;
  let alicePrompt: string;
  let bobGeneration: GenerationFieldsFragment;
  let bobUpload: string;
  let bobCollection: string;

  /** As bob: the request must fail with NOT_FOUND, exactly as it does for a made-up id. */
  async function notFoundForBob<V>(label: string, run: (id: string) => Promise<{ errors?: GraphQLFormattedError[] }>, id: string): Promise<void> {
    const theirs = await run(id);
    const madeUp = await run('made-up-id');
    assert.equal(theirs.errors?.[0]?.extensions?.code, 'NOT_FOUND', `${label}: ${JSON.stringify(theirs.errors)}`);
    assert.deepEqual(withoutId(theirs.errors?.[0], id), withoutId(madeUp.errors?.[0], 'made-up-id'), `${label}: same error as a made-up id`);
  }

  before(async () => {
    [alice, bob, admin] = await Promise.all([createKey(server(), 'alice'), createKey(server(), 'bob'), createKey(server(), 'root', 'ADMIN')]);
    aliceGeneration = await keyedCompletedGeneration(url(), alice, { prompt: 'a lonely lighthouse zebra at dusk', seed: '1', ...TINY });
    aliceImage = aliceGeneration.images[0]!.id;
    aliceUpload = (await keyedData(url(), alice, UploadImageDocument, { dataUrl: await pngDataUrl(200) })).uploadImage.id;
    await keyedData(url(), alice, TagImagesDocument, { imageIds: [aliceImage], tags: ['alice-only-tag'] });
    await keyedData(url(), alice, SetFavoriteDocument, { imageId: aliceImage, favorite: true });
    aliceCollection = (await keyedData(url(), alice, CreateCollectionDocument, { input: { name: 'board' } })).createCollection.id;
    await keyedData(url(), alice, AddToCollectionDocument, { collectionId: aliceCollection, imageIds: [aliceImage] });
    const found = await keyedData(url(), alice, SearchPromptsDocument, { input: { query: 'lonely lighthouse zebra' }, first: 5 });
    alicePrompt = found.searchPrompts.edges.find((edge) => edge.node.text === 'a lonely lighthouse zebra at dusk')!.node.id;

    bobGeneration = await keyedCompletedGeneration(url(), bob, { prompt: 'a lighthouse zebra at noon', seed: '2', ...TINY });
    bobUpload = (await keyedData(url(), bob, UploadImageDocument, { dataUrl: await pngDataUrl(90) })).uploadImage.id;
    // The same name as alice's: collection names are unique per owner only.
    bobCollection = (await keyedData(url(), bob, CreateCollectionDocument, { input: { name: 'board' } })).createCollection.id;
  });

  test('queries: generation and collection are null, similar* NOT_FOUND, and generations, collections and tags leave alice out', async () => {
    assert.equal((await keyedData(url(), bob, GenerationDocument, { id: aliceGeneration.id })).generation, null);
    assert.equal((await keyedData(url(), bob, CollectionDocument, { id: aliceCollection })).collection, null);
    const generations = (await keyedData(url(), bob, GenerationsDocument, { first: 50 })).generations;
    assert.deepEqual(generations.edges.map((e) => e.node.id), [bobGeneration.id]);
    assert.equal(generations.totalCount, 1);
    const collections = (await keyedData(url(), bob, CollectionsDocument, { first: 50 })).collections;
    assert.deepEqual(collections.edges.map((e) => e.node.id), [bobCollection]);
    assert.deepEqual((await keyedData(url(), bob, TagsDocument, {})).tags, []);
    assert.deepEqual((await keyedData(url(), alice, TagsDocument, {})).tags, [{ name: 'alice-only-tag', imageCount: 1 }]);

    await notFoundForBob('similarPrompts', (promptId) => keyedRequest(url(), bob, SimilarPromptsDocument, { promptId }), alicePrompt);
    await notFoundForBob('similarImages', (imageId) => keyedRequest(url(), bob, SimilarImagesDocument, { imageId }), aliceImage);
    // For alice the same ids exist: the query gets past the look-up (and stops at semantic search being off).
    const own = await keyedRequest(url(), alice, SimilarImagesDocument, { imageId: aliceImage });
    assert.equal(own.errors?.[0]?.extensions?.reason, 'SEMANTIC_SEARCH_OFF');
  });

  test('mutations: every change to alice\'s generation, image, tags, favorite or collection is NOT_FOUND for bob', async () => {
    const generationId = aliceGeneration.id;
    const cases: Array<[string, (id: string) => Promise<{ errors?: GraphQLFormattedError[] }>, string]> = [
      ['cancelGeneration', (id) => keyedRequest(url(), bob, CancelGenerationDocument, { id }), generationId],
      ['deleteGeneration', (id) => keyedRequest(url(), bob, DeleteGenerationDocument, { id }), generationId],
      ['setGenerationVisibility', (id) => keyedRequest(url(), bob, SetGenerationVisibilityDocument, { id, visibility: 'PUBLIC' }), generationId],
      ['remix', (imageId) => keyedRequest(url(), bob, RemixDocument, { imageId }), aliceImage],
      // The picture is looked up before the upscaler: none is installed here, yet the answer is NOT_FOUND.
      ['upscaleImage (image)', (imageId) => keyedRequest(url(), bob, UpscaleImageDocument, { imageId, upscaler: 'toy-2x' }), aliceImage],
      ['upscaleImage (upload)', (imageId) => keyedRequest(url(), bob, UpscaleImageDocument, { imageId, upscaler: 'toy-2x' }), aliceUpload],
      ['tagImages', (id) => keyedRequest(url(), bob, TagImagesDocument, { imageIds: [id], tags: ['mine-now'] }), aliceImage],
      ['untagImages', (id) => keyedRequest(url(), bob, UntagImagesDocument, { imageIds: [id], tags: ['alice-only-tag'] }), aliceImage],
      ['setFavorite', (imageId) => keyedRequest(url(), bob, SetFavoriteDocument, { imageId, favorite: false }), aliceImage],
      ['addToCollection (bob\'s collection, alice\'s image)', (id) => keyedRequest(url(), bob, AddToCollectionDocument, { collectionId: bobCollection, imageIds: [id] }), aliceImage],
      ['addToCollection (alice\'s collection)', (id) => keyedRequest(url(), bob, AddToCollectionDocument, { collectionId: id, imageIds: [bobGeneration.images[0]!.id] }), aliceCollection],
      ['removeFromCollection', (id) => keyedRequest(url(), bob, RemoveFromCollectionDocument, { collectionId: id, imageIds: [aliceImage] }), aliceCollection],
      ['reorderCollection', (id) => keyedRequest(url(), bob, ReorderCollectionDocument, { collectionId: id, imageIds: [aliceImage] }), aliceCollection],
      ['updateCollection', (id) => keyedRequest(url(), bob, UpdateCollectionDocument, { id, changes: { name: 'taken over' } }), aliceCollection],
      ['deleteCollection', (id) => keyedRequest(url(), bob, DeleteCollectionDocument, { id }), aliceCollection],
    ];
    for (const [label, run, id] of cases) await notFoundForBob(label, run, id);

    // Nothing changed for alice.
    const generation = (await keyedData(url(), alice, GenerationDocument, { id: generationId })).generation;
    assert.deepEqual([generation?.status, generation?.images.map((i) => i.id)], ['COMPLETED', [aliceImage]]);
    const collection = (await keyedData(url(), alice, CollectionDocument, { id: aliceCollection })).collection;
    assert.deepEqual([collection?.name, collection?.images.edges.map((e) => e.node.id)], ['board', [aliceImage]]);
    const image = (await keyedData(url(), alice, SearchImagesDocument, { input: { favoritesOnly: true }, first: 5 })).searchImages.edges[0]?.node;
    assert.deepEqual([image?.id, image?.favorite, image?.tags], [aliceImage, true, ['alice-only-tag']]);
    assert.equal((await keyedData(url(), alice, GenerationsDocument, { first: 50 })).generations.totalCount, 1, 'bob\'s remix did not queue anything for alice');
  });

  test('subscription: generationEvents of alice\'s generation is NOT_FOUND for bob, and streams for alice', async () => {
    const subscribe = (key: string, id: string) =>
      new Promise<{ errors?: GraphQLFormattedError[]; events: number }>((resolve) => {
        const client = keyedWsClient(url(), key);
        let events = 0;
        client.subscribe(
          { query: 'subscription ($id: ID!) { generationEvents(id: $id) { type } }', variables: { id } },
          {
            next: () => void events++,
            error: (errors) => void Promise.resolve(client.dispose()).then(() => resolve({ errors: errors as GraphQLFormattedError[], events })),
            complete: () => void Promise.resolve(client.dispose()).then(() => resolve({ events })),
          },
        );
      });
    await notFoundForBob('generationEvents', (id) => subscribe(bob, id), aliceGeneration.id);
    const own = await subscribe(alice, aliceGeneration.id);
    assert.deepEqual([own.errors, own.events > 0], [undefined, true]);
  });

  test('search in every mode and scope, the collection filter and suggestions leave alice\'s prompts and images out for bob', async () => {
    for (const mode of SEARCH_MODES) {
      for (const scope of SCOPES) {
        const input = { query: 'lighthouse zebra', mode, scope };
        const prompts = (await keyedData(url(), bob, SearchPromptsDocument, { input, first: 50 })).searchPrompts.edges.map((e) => e.node.text);
        const images = (await keyedData(url(), bob, SearchImagesDocument, { input, first: 50 })).searchImages.edges.map((e) => e.node.id);
        const label = `${mode} ${scope}`;
        assert.ok(!prompts.includes('a lonely lighthouse zebra at dusk'), label);
        assert.ok(!images.includes(aliceImage), label);
        // Bob's own work is found in his own scopes, so the search itself works.
        if (scope !== 'PUBLIC') {
          assert.ok(prompts.includes('a lighthouse zebra at noon'), label);
          assert.ok(images.includes(bobGeneration.images[0]!.id), label);
        }
        const aliceSees = (await keyedData(url(), alice, SearchImagesDocument, { input, first: 50 })).searchImages.edges.map((e) => e.node.id);
        assert.deepEqual(aliceSees, scope === 'PUBLIC' ? [] : [aliceImage], `alice, ${label}`);
      }
    }
    const filtered = await keyedData(url(), bob, SearchImagesDocument, { input: { collectionId: aliceCollection, scope: 'ALL' }, first: 50 });
    assert.equal(filtered.searchImages.totalCount, 0);
    const byTag = await keyedData(url(), bob, SearchImagesDocument, { input: { tags: ['alice-only-tag'], scope: 'ALL' }, first: 50 });
    assert.equal(byTag.searchImages.totalCount, 0);
    for (const scope of SCOPES) {
      const suggested = (await keyedData(url(), bob, PromptSuggestionsScopedDocument, { prefix: 'a lonely', scope })).promptSuggestions;
      assert.deepEqual(suggested, [], scope);
    }
    const aliceSuggested = (await keyedData(url(), alice, PromptSuggestionsScopedDocument, { prefix: 'a lonely' })).promptSuggestions;
    assert.deepEqual(aliceSuggested.map((p) => p.text), ['a lonely lighthouse zebra at dusk']);
  });

  test('generate cannot start from alice\'s image or upload, nor use her upload as a mask: the same error as a made-up id', async () => {
    const generate = (input: Record<string, unknown>) => keyedRequest(url(), bob, GenerateDocument, { input: { prompt: 'x', ...TINY, ...input } });
    for (const [label, field, make] of [
      ['init image', 'initImageId', (id: string) => ({ initImageId: id })],
      ['init upload', 'initImageId', (id: string) => ({ initImageId: id })],
      ['mask', 'maskImageId', (id: string) => ({ initImageId: bobUpload, maskImageId: id })],
    ] as const) {
      const id = label === 'init image' ? aliceImage : aliceUpload;
      const theirs = await generate(make(id));
      const madeUp = await generate(make('made-up-id'));
      assert.deepEqual([theirs.errors?.[0]?.extensions?.field, theirs.errors?.[0]?.extensions?.reason], [field, 'IMAGE_NOT_FOUND'], label);
      assert.deepEqual(withoutId(theirs.errors?.[0], id), withoutId(madeUp.errors?.[0], 'made-up-id'), label);
    }
  });

  test('image files: bob\'s key gets 404 for alice\'s image, thumbnail and upload, as for a made-up id; alice\'s key and signed URLs work', async () => {
    for (const path of [`/images/${aliceImage}`, `/images/${aliceImage}?size=thumb`, `/images/${aliceUpload}`, '/images/made-up-id']) {
      assert.equal((await fetch(`${url()}${path}`, { headers: { authorization: `Bearer ${bob}` } })).status, 404, path);
    }
    assert.equal((await fetch(`${url()}/images/${aliceImage}`, { headers: { authorization: `Bearer ${alice}` } })).status, 200);
    assert.equal((await fetch(`${url()}/images/${aliceImage}`)).status, 401);
    const signed = aliceGeneration.images[0]!;
    assert.equal((await fetch(`${url()}${signed.url}`)).status, 200);
    assert.equal((await fetch(`${url()}${signed.thumbnailUrl}`)).status, 200);
  });

  test('the admin sees and changes every account\'s work', async () => {
    const all = (await keyedData(url(), admin, GenerationsDocument, { first: 50 })).generations.edges.map((e) => e.node.id);
    assert.deepEqual(new Set(all), new Set([aliceGeneration.id, bobGeneration.id]));
    assert.equal((await keyedData(url(), admin, GenerationDocument, { id: aliceGeneration.id })).generation?.id, aliceGeneration.id);
    assert.equal((await keyedData(url(), admin, CollectionDocument, { id: aliceCollection })).collection?.name, 'board');
    const images = (await keyedData(url(), admin, SearchImagesDocument, { input: { query: 'lighthouse zebra' }, first: 50 })).searchImages.edges;
    assert.deepEqual(new Set(images.map((e) => e.node.id)), new Set([aliceImage, bobGeneration.images[0]!.id]));
    assert.equal((await fetch(`${url()}/images/${aliceImage}`, { headers: { authorization: `Bearer ${admin}` } })).status, 200);
    await keyedData(url(), admin, TagImagesDocument, { imageIds: [aliceImage], tags: ['checked-by-admin'] });
    assert.deepEqual((await keyedData(url(), alice, TagsDocument, {})).tags.map((t) => t.name).sort(), ['alice-only-tag', 'checked-by-admin']);
  });

  test('PUBLIC: a shared generation is readable, searchable and remixable by bob, never changeable; PRIVATE again hides it', async () => {
    const shared = (await keyedData(url(), alice, SetGenerationVisibilityDocument, { id: aliceGeneration.id, visibility: 'PUBLIC' })).setGenerationVisibility;
    assert.equal(shared.visibility, 'PUBLIC');

    assert.equal((await keyedData(url(), bob, GenerationDocument, { id: aliceGeneration.id })).generation?.id, aliceGeneration.id);
    const inScope = async (scope: (typeof SCOPES)[number]) =>
      (await keyedData(url(), bob, SearchImagesDocument, { input: { query: 'lighthouse zebra', scope }, first: 50 })).searchImages.edges.map((e) => e.node.id);
    assert.deepEqual(await inScope('PUBLIC'), [aliceImage]);
    assert.deepEqual(new Set(await inScope('ALL')), new Set([aliceImage, bobGeneration.images[0]!.id]));
    assert.ok(!(await inScope('MINE')).includes(aliceImage));
    const suggested = (await keyedData(url(), bob, PromptSuggestionsScopedDocument, { prefix: 'a lonely', scope: 'PUBLIC' })).promptSuggestions;
    assert.deepEqual(suggested.map((p) => p.text), ['a lonely lighthouse zebra at dusk']);
    // Her tags and favorite are hers: bob sees the public image without them.
    const prompts = (await keyedData(url(), bob, PromptImagesDocument, { input: { query: 'lonely', scope: 'PUBLIC' } })).searchPrompts.edges;
    assert.deepEqual(prompts[0]?.node.images, [{ id: aliceImage, favorite: false, tags: [] }]);
    assert.equal((await fetch(`${url()}/images/${aliceImage}`)).status, 200, 'a public image needs no key');

    const remix = (await keyedData(url(), bob, RemixDocument, { imageId: aliceImage })).remix;
    assert.equal(remix.remixOfImageId, aliceImage);
    assert.equal((await keyedData(url(), bob, GenerationDocument, { id: remix.id })).generation?.id, remix.id, 'the remix is bob\'s');
    assert.equal((await keyedData(url(), alice, GenerationDocument, { id: remix.id })).generation, null, '...and private to him');
    const fromPublic = await keyedRequest(url(), bob, GenerateDocument, { input: { prompt: 'from the gallery', initImageId: aliceImage, ...TINY } });
    assert.equal(fromPublic.errors, undefined, 'a public image may start bob\'s img2img');

    for (const [label, run] of [
      ['deleteGeneration', () => keyedRequest(url(), bob, DeleteGenerationDocument, { id: aliceGeneration.id })],
      ['setGenerationVisibility', () => keyedRequest(url(), bob, SetGenerationVisibilityDocument, { id: aliceGeneration.id, visibility: 'PRIVATE' })],
      ['tagImages', () => keyedRequest(url(), bob, TagImagesDocument, { imageIds: [aliceImage], tags: ['x'] })],
      ['setFavorite', () => keyedRequest(url(), bob, SetFavoriteDocument, { imageId: aliceImage, favorite: true })],
    ] as const) {
      assert.equal((await run()).errors?.[0]?.extensions?.code, 'NOT_FOUND', label);
    }

    await keyedData(url(), alice, SetGenerationVisibilityDocument, { id: aliceGeneration.id, visibility: 'PRIVATE' });
    assert.equal((await keyedData(url(), bob, GenerationDocument, { id: aliceGeneration.id })).generation, null);
    assert.deepEqual(await inScope('PUBLIC'), []);
    assert.equal((await fetch(`${url()}/images/${aliceImage}`)).status, 401);
  });

  // Last: bob ends up with a generation of the same prompt text as alice's.
  test('importImage of alice\'s PNG gives bob a copy of his own, not a handle on hers', async () => {
    const png = Buffer.from(await (await fetch(`${url()}${aliceGeneration.images[0]!.url}`)).arrayBuffer());
    const imported = (await keyedData(url(), bob, ImportImageDocument, { dataUrl: `data:image/png;base64,${png.toString('base64')}` })).importImage;
    // Bob's remix above made the same bytes, so the picture may already be in *his* library; never alice's copy.
    assert.notEqual(imported.image.id, aliceImage);
    assert.notEqual(imported.generationId, aliceGeneration.id);
    assert.equal((await keyedData(url(), bob, GenerationDocument, { id: imported.generationId })).generation?.prompt, 'a lonely lighthouse zebra at dusk');
    assert.equal((await keyedData(url(), alice, GenerationDocument, { id: imported.generationId })).generation, null);
  });
});
