/** remix's precedence and errors through GenerationRequests, over in-memory ports (no server, no database). */
import { LOCAL_VIEWER } from '../../src/accounts/viewer.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GenerationRequests, type InstalledModels } from '../../src/generation/generation-requests.js';
import type { GenerationParams } from '../../src/generation/job.js';
import type { PictureInfo, PictureLookup, RemixSource } from '../../src/generation/pictures.js';
import { GenerationRequestError, RemixSourceNotFoundError } from '../../src/generation/request-errors.js';

const MODELS: InstalledModels = {
  defaultModel: 'sd15',
  scan: async () => ({
    models: [{ name: 'sd15', defaultSize: 512, traits: { family: 'sd1', defaults: { sampler: 'euler', steps: 30, guidanceScale: 7.5 } } }],
    unusable: [],
  }),
};

const STORED: GenerationParams = {
  ...{ prompt: 'a red circle', negativePrompt: 'blur', model: 'sd15', sampler: 'ddim', steps: 12, guidanceScale: 5, width: 256, height: 320 },
  ...{ seed: 100n, variationSeed: 900n, variationStrength: 0.2, batchSize: 4, priority: 3, previewMethod: 'TAESD', loras: [], hires: null, upscale: null },
  ...{ initImageId: null, maskImageId: null, denoisingStrength: 0.75 },
};

/** A picture store in memory: the pictures by id, and generated images with what their generation recorded. */
function lookup(pictures: PictureInfo[], sources: RemixSource[]): PictureLookup {
  return {
    getPicture: async (id) => pictures.find((p) => p.id === id) ?? null,
    getImageWithGeneration: async (id) => sources.find((s) => s.image.id === id) ?? null,
  };
}

function source(generation: Partial<RemixSource['generation']> = {}, index = 2): RemixSource {
  return { image: { id: 'img', index, seed: 102n }, generation: { ...STORED, initImageDeleted: false, maskDeleted: false, ...generation } };
}

const pictures: PictureInfo[] = [
  { id: 'img', kind: 'image', width: 256, height: 320 },
  { id: 'init', kind: 'image', width: 256, height: 320 },
  { id: 'up', kind: 'upload', width: 256, height: 320 },
];

function requests(remixed: RemixSource = source(), taesdAvailable = true): GenerationRequests {
  return new GenerationRequests(MODELS, lookup(pictures, [remixed]), { samplers: ['euler', 'ddim'], taesdAvailable });
}

async function rejection(promise: Promise<unknown>): Promise<GenerationRequestError> {
  const error = await promise.then(
    () => assert.fail('expected the request to be refused'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof GenerationRequestError, String(error));
  return error;
}

test('without overrides the image is re-made alone: its own seed and variation seed, batch 1, all else as stored', async () => {
  const params = await requests().remix('img', {}, LOCAL_VIEWER);
  assert.deepEqual(params, { ...STORED, seed: 102n, variationSeed: 902n, batchSize: 1 });
});

test('an override wins; null gives what generate gives without the field', async () => {
  const params = await requests().remix('img', { steps: 40, sampler: null, guidanceScale: null, seed: 5n, priority: null, negativePrompt: null }, LOCAL_VIEWER);
  assert.deepEqual([params.steps, params.sampler, params.guidanceScale, params.seed, params.priority, params.negativePrompt], [40, 'euler', 7.5, 5n, 0, '']);
  assert.equal((await requests().remix('img', { width: null }, LOCAL_VIEWER)).width, 512);
  assert.equal((await requests().remix('img', { batchSize: 3 }, LOCAL_VIEWER)).batchSize, 3);
});

test("a new prompt's parameters replace the stored values they name, and explicit overrides beat both", async () => {
  const fromPrompt = await requests().remix('img', { prompt: 'a fox --steps 20 --ar 2:1 --seed 7 --cfg 3' }, LOCAL_VIEWER);
  assert.deepEqual(
    [fromPrompt.prompt, fromPrompt.steps, fromPrompt.width, fromPrompt.height, fromPrompt.seed, fromPrompt.guidanceScale, fromPrompt.sampler],
    ['a fox', 20, 728, 360, 7n, 3, 'ddim'],
  );
  const explicit = await requests().remix('img', { prompt: 'a fox --steps 20 --seed 7', steps: 9, seed: 8n }, LOCAL_VIEWER);
  assert.deepEqual([explicit.steps, explicit.seed], [9, 8n]);
});

test('a malformed parameter in the new prompt is refused on overrides.prompt', async () => {
  const error = await rejection(requests().remix('img', { prompt: 'a fox --chaos 3' }, LOCAL_VIEWER));
  assert.equal(error.field, 'overrides.prompt');
  assert.equal(error.allowed.reason, 'PROMPT_PARAMETER_CHAOS');
});

test('a bad field is named as the override; a stored value that no longer passes says so', async () => {
  const given = await rejection(requests().remix('img', { steps: 500 }, LOCAL_VIEWER));
  assert.equal(given.field, 'overrides.steps');
  assert.equal(given.message, 'steps must be between 1 and 150, got 500');
  assert.deepEqual(given.allowed, { min: 1, max: 150 });
  const stored = await rejection(requests(source({ model: 'removed' })).remix('img', {}, LOCAL_VIEWER));
  assert.equal(stored.field, 'overrides.model');
  assert.match(stored.message, /^unknown model "removed"; installed: sd15 \(the value stored with image "img"; change it with overrides\.model\)$/);
});

test('a stored TAESD preview falls back to the default where TAESD is not installed', async () => {
  assert.equal((await requests(source(), false).remix('img', {}, LOCAL_VIEWER)).previewMethod, 'LATENT2RGB');
});

test('the stored init image, mask and strength go together; a new init image starts without them', async () => {
  const img2img = source({ initImageId: 'init', maskImageId: 'up', denoisingStrength: 0.4 });
  const kept = await requests(img2img).remix('img', {}, LOCAL_VIEWER);
  assert.deepEqual([kept.initImageId, kept.initImageKind, kept.maskImageId, kept.denoisingStrength], ['init', 'image', 'up', 0.4]);
  const replaced = await requests(img2img).remix('img', { initImageId: 'up' }, LOCAL_VIEWER);
  assert.deepEqual([replaced.initImageId, replaced.initImageKind, replaced.maskImageId, replaced.denoisingStrength], ['up', 'upload', 'up', 0.4]);
  const textOnly = await requests(img2img).remix('img', { initImageId: null }, LOCAL_VIEWER);
  assert.deepEqual([textOnly.initImageId, textOnly.maskImageId, textOnly.denoisingStrength], [null, null, 0.75]);
  const fromTxt = await requests().remix('img', { initImageId: 'init' }, LOCAL_VIEWER);
  assert.deepEqual([fromTxt.initImageId, fromTxt.maskImageId, fromTxt.denoisingStrength], ['init', null, 0.75]);
});

test('a deleted init image or mask must be replaced or dropped by an override', async () => {
  const deletedInit = source({ initImageId: null, initImageDeleted: true, denoisingStrength: 0.4 });
  const init = await rejection(requests(deletedInit).remix('img', {}, LOCAL_VIEWER));
  assert.equal(init.field, 'overrides.initImageId');
  assert.match(init.message, /^the init image that image "img" was made from has been deleted; give another with overrides\.initImageId, or null for text-to-image$/);
  assert.deepEqual(init.allowed, { reason: 'IMAGE_NOT_FOUND' });
  const replaced = await requests(deletedInit).remix('img', { initImageId: 'init' }, LOCAL_VIEWER);
  assert.deepEqual([replaced.initImageId, replaced.denoisingStrength], ['init', 0.4]);

  const deletedMask = source({ initImageId: 'init', maskImageId: null, maskDeleted: true });
  const mask = await rejection(requests(deletedMask).remix('img', {}, LOCAL_VIEWER));
  assert.equal(mask.field, 'overrides.maskImageId');
  assert.match(mask.message, /^the mask that image "img" was painted with has been deleted; give another with overrides\.maskImageId, or null for none$/);
  assert.equal((await requests(deletedMask).remix('img', { maskImageId: null }, LOCAL_VIEWER)).maskImageId, null);
});

test('remix needs a generated image: an unknown id and an upload are told apart', async () => {
  for (const [id, isUpload, message] of [
    ['nothing', false, 'image "nothing" does not exist'],
    ['up', true, '"up" is an uploaded picture, not a generated image; it has no parameters to remix'],
  ] as const) {
    const error = await requests().remix(id, {}, LOCAL_VIEWER).catch((e: unknown) => e);
    assert.ok(error instanceof RemixSourceNotFoundError);
    assert.deepEqual([error.imageId, error.isUpload, error.message], [id, isUpload, message]);
  }
});

test('generate looks the init image and mask up through the port', async () => {
  const params = await requests().generate({ prompt: 'a fox', initImageId: 'init', maskImageId: 'up' }, LOCAL_VIEWER);
  assert.deepEqual([params.initImageKind, params.width, params.height], ['image', 256, 320]);
  const missing = await rejection(requests().generate({ prompt: 'a fox', initImageId: 'nope' }, LOCAL_VIEWER));
  assert.deepEqual([missing.field, missing.allowed.reason], ['initImageId', 'IMAGE_NOT_FOUND']);
});
