// upscaleImage's request policy without a server: the source's parameters carried over, the size and cost bounds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RemixSource } from '../../src/generation/pictures.js';
import { GenerationRequestError } from '../../src/generation/request-errors.js';
import { checkUpscaleRequest, type UpscaleContext } from '../../src/generation/upscale-request.js';
import { JOB_PARAMS as JOB } from '../library/job-params.js';

const CONTEXT: UpscaleContext = {
  picture: { id: 'img', kind: 'image', width: 512, height: 512 },
  generated: null,
  upscalers: [{ name: 'toy-2x', hash: 'abc', scale: 2 }],
  maxPixels: 4096 * 4096,
  viewerRole: 'USER',
};

test('an image keeps its own seed and parameters; the result is the scaled size', () => {
  const generated: RemixSource = { image: { id: 'img', index: 2, seed: 42n }, generation: { ...JOB, variationSeed: 7n, initImageDeleted: false, maskDeleted: false } };
  const params = checkUpscaleRequest({ imageId: 'img', upscaler: 'toy-2x' }, { ...CONTEXT, generated });
  assert.deepEqual([params.width, params.height, params.seed, params.variationSeed, params.prompt, params.batchSize], [1024, 1024, 42n, 9n, JOB.prompt, 1]);
  assert.deepEqual(params.upscale, { upscaler: 'toy-2x', hash: 'abc', scale: 2 });
  assert.equal(params.initImageId, 'img');
});

test('the job cost bound applies to an upscale as one step at its output size', () => {
  // 2048x2048 out: 16 x (512x512) / 20 steps = 0.8.
  assert.doesNotThrow(() => checkUpscaleRequest({ imageId: 'img', upscaler: 'toy-2x', scale: 4 }, { ...CONTEXT, maxJobCost: 0.8 }));
  assert.throws(
    () => checkUpscaleRequest({ imageId: 'img', upscaler: 'toy-2x', scale: 4 }, { ...CONTEXT, maxJobCost: 0.5 }),
    (error: unknown) => error instanceof GenerationRequestError && error.field === 'cost' && error.allowed.reason === 'JOB_TOO_COSTLY' && error.allowed.cost === 0.8,
  );
});
