/** Memory admission without a server: the pixel budget per model and batch, at its boundary and over it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOCAL_VIEWER } from '../../src/accounts/viewer.js';
import { loadConfig, ConfigError } from '../../src/config.js';
import { checkGenerateRequest, type GenerateRequest, type RequestContext, type RequestModel } from '../../src/generation/generation-request.js';
import { GenerationRequests, type InstalledModels } from '../../src/generation/generation-requests.js';
import { maxPixelsAtBatch, maxPixelsFor } from '../../src/generation/memory-budget.js';
import { GenerationRequestError } from '../../src/generation/request-errors.js';

const DEFAULTS = { sampler: 'euler', steps: 20, guidanceScale: 7 };
const MODELS: RequestModel[] = [
  { name: 'toy-shapes', defaultSize: 64, family: 'sd1', defaults: DEFAULTS },
  { name: 'sd15', defaultSize: 512, family: 'sd1', defaults: DEFAULTS },
  { name: 'sd21', defaultSize: 768, family: 'sd2', defaults: DEFAULTS },
  { name: 'sdxl', defaultSize: 1024, family: 'sdxl', defaults: { ...DEFAULTS, guidanceScale: 5 } },
];
const CONTEXT: RequestContext = { models: MODELS, defaultModel: 'toy-shapes', samplers: ['euler'], taesdAvailable: false, viewerRole: 'ADMIN' };

const check = (request: Partial<GenerateRequest>, context: Partial<RequestContext> = {}) =>
  checkGenerateRequest({ prompt: 'a red circle', seed: 1n, ...request }, { ...CONTEXT, ...context });

/** The memory error for `request`, asserted to be one. */
function refusal(request: Partial<GenerateRequest>, context: Partial<RequestContext> = {}): GenerationRequestError {
  try {
    check(request, context);
  } catch (error) {
    assert.ok(error instanceof GenerationRequestError, String(error));
    assert.equal(error.allowed.reason, 'OVER_MEMORY_BUDGET', error.message);
    return error;
  }
  return assert.fail(`expected ${JSON.stringify(request, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))} to be refused`);
}

test('SD 1.x: 524,288 pixels at batchSize 1 (8192 attention tokens); exactly at the boundary passes, one row more does not', () => {
  assert.equal(maxPixelsFor(MODELS[1]!), 524_288);
  assert.deepEqual([check({ model: 'sd15', width: 1024, height: 512 }).width], [1024]);
  const error = refusal({ model: 'sd15', width: 1024, height: 520 });
  assert.equal(error.field, 'width');
  assert.deepEqual(error.allowed, { fields: ['width', 'height', 'batchSize'], maxPixels: 524_288, batchSize: 1, reason: 'OVER_MEMORY_BUDGET' });
  assert.match(error.message, /^1024x520 x batchSize 1 needs more memory than model "sd15" may use: at batchSize 1 an image may have at most 524288 pixels \(e\.g\. 720x720\), got 532480;/);
});

test('per batch: a batch of n gets maxPixels / sqrt(n) per image, and the batch is named when it is what does not fit', () => {
  assert.deepEqual([1, 2, 4, 8].map((n) => maxPixelsAtBatch(524_288, n)), [524_288, 370_727, 262_144, 185_363]);
  assert.equal(check({ model: 'sd15', width: 512, height: 512, batchSize: 4 }).batchSize, 4);
  const four = refusal({ model: 'sd15', width: 512, height: 520, batchSize: 4 });
  assert.deepEqual([four.field, four.allowed.maxPixels, four.allowed.batchSize], ['batchSize', 262_144, 4]);
  assert.equal(check({ model: 'sd15', width: 424, height: 432, batchSize: 8 }).batchSize, 8); // 183,168 pixels
  assert.equal(refusal({ model: 'sd15', width: 432, height: 432, batchSize: 8 }).allowed.maxPixels, 185_363);
  // The native size at batch 8 is over, at batch 4 within.
  assert.equal(refusal({ model: 'sd15', batchSize: 8 }).field, 'batchSize');
});

test('the family decides where attention starts (SDXL: a token per 16x16 pixels); a native size that needs more is always allowed', () => {
  assert.equal(maxPixelsFor(MODELS[3]!), 2_097_152);
  assert.equal(check({ model: 'sdxl', width: 2048, height: 1024 }).width, 2048);
  assert.equal(refusal({ model: 'sdxl', width: 2048, height: 1032 }).allowed.maxPixels, 2_097_152);
  assert.equal(maxPixelsFor(MODELS[2]!), 768 * 768);
  assert.equal(check({ model: 'sd21' }).width, 768);
  assert.equal(refusal({ model: 'sd21', width: 776, height: 768 }).field, 'width');
});

test('the bundled 64 px model still runs what the tests and README ask of it, and refuses the attack', () => {
  assert.equal(check({ width: 512, height: 512, steps: 150 }).width, 512);
  assert.equal(check({ batchSize: 8 }).batchSize, 8);
  const attack = refusal({ width: 2048, height: 2048, batchSize: 8, steps: 150 });
  assert.deepEqual([attack.field, attack.allowed.maxPixels], ['width', 185_363]);
  assert.match(attack.message, /model "toy-shapes"/);
});

test('ATELIER_MAX_PIXELS replaces every model\'s budget; a bad value is a ConfigError naming it', () => {
  const { maxPixels } = loadConfig({ ATELIER_MAX_PIXELS: '65536' });
  assert.equal(maxPixels, 65_536);
  for (const model of ['toy-shapes', 'sdxl']) {
    assert.equal(check({ model, width: 256, height: 256 }, { maxPixels }).width, 256);
    assert.equal(refusal({ model, width: 256, height: 264 }, { maxPixels }).allowed.maxPixels, 65_536);
    assert.equal(refusal({ model, width: 256, height: 256, batchSize: 4 }, { maxPixels }).allowed.maxPixels, 32_768);
  }
  assert.equal(loadConfig({}).maxPixels, undefined);
  assert.throws(() => loadConfig({ ATELIER_MAX_PIXELS: 'lots' }), (e: unknown) => e instanceof ConfigError && /ATELIER_MAX_PIXELS/.test(e.message));
  assert.throws(() => loadConfig({ ATELIER_MAX_PIXELS: '4095' }), (e: unknown) => e instanceof ConfigError && /4096/.test(e.message));
});

test('img2img and remix sizes are held to the same budget; remix names its overrides', async () => {
  const init = { id: 'big', kind: 'upload', width: 3000, height: 4000 } as const;
  assert.equal(refusal({ model: 'sd15', initImageId: 'big', width: 2048, height: 2048 }, { initImage: init }).field, 'width');
  const installed: InstalledModels = {
    defaultModel: 'sd15',
    scan: async () => ({ models: MODELS.map((m) => ({ name: m.name, defaultSize: m.defaultSize, traits: { family: m.family, defaults: m.defaults } })), unusable: [] }),
  };
  const stored = { prompt: 'a fox', negativePrompt: '', model: 'sd15', sampler: 'euler', steps: 20, guidanceScale: 7, width: 512, height: 512 };
  const source = {
    image: { id: 'img', index: 0, seed: 1n },
    generation: {
      ...stored,
      ...{ seed: 1n, variationSeed: null, variationStrength: 0, batchSize: 1, priority: 0, previewMethod: 'LATENT2RGB' as const, loras: [], hires: null, upscale: null },
      ...{ initImageId: null, maskImageId: null, denoisingStrength: 0.75, initImageDeleted: false, maskDeleted: false },
    },
  };
  const pictures = { getPicture: async () => null, getImageWithGeneration: async () => source };
  const requests = new GenerationRequests(installed, pictures, { samplers: ['euler'], taesdAvailable: false });
  const error = await requests.remix('img', { batchSize: 8 }, LOCAL_VIEWER).then(
    () => assert.fail('expected the remix to be refused'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof GenerationRequestError);
  assert.equal(error.field, 'overrides.batchSize');
  assert.deepEqual(error.allowed.fields, ['overrides.width', 'overrides.height', 'overrides.batchSize']);
  assert.equal(error.allowed.maxPixels, 185_363);
  assert.equal((await requests.remix('img', { batchSize: 4 }, LOCAL_VIEWER)).batchSize, 4);
});
