/** One job -> what the worker is given: seeds per image, variation seeds, PNG parameters, init files. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchSeeds, readJobInputs, toWorkerJob } from '../../src/generation/engine-request.js';
import type { ClaimedJob } from '../../src/generation/job.js';
import type { ImageSource } from '../../src/generation/pictures.js';

const JOB: ClaimedJob = {
  ...{ id: 'job1', status: 'RUNNING', createdAt: new Date(0), prompt: 'a red circle', negativePrompt: 'blur', model: 'sd15' },
  ...{ sampler: 'ddim', steps: 12, guidanceScale: 5, width: 256, height: 320, seed: 100n, variationSeed: null, variationStrength: 0 },
  ...{ initImageId: null, maskImageId: null, denoisingStrength: 0.75, batchSize: 3, previewMethod: 'LATENT2RGB', priority: 0, loras: [], hires: null, upscale: null },
  ownerId: 'local',
  visibility: 'PRIVATE',
  inputFiles: { init: null, mask: null },
  attempts: 1,
  claimedBy: 'node-a',
  cancelRequested: false,
};
const MODEL = { dir: '/models/sd15', name: 'sd15' };
const OPTIONS = { previewEvery: 2, previewMaxSize: 128 };

test('image i of a batch uses seed + i, and the PNG parameters name its own seed', () => {
  const job = toWorkerJob(JOB, MODEL, {}, OPTIONS);
  assert.deepEqual(job.request, {
    ...{ prompt: 'a red circle', negativePrompt: 'blur', sampler: 'ddim', steps: 12, guidanceScale: 5, width: 256, height: 320 },
    ...{ seeds: [100n, 101n, 102n], variation: undefined },
  });
  assert.deepEqual([job.id, job.modelDir, job.init, job.previewEvery, job.previewMaxSize, job.previewMethod], ['job1', '/models/sd15', undefined, 2, 128, 'LATENT2RGB']);
  assert.equal(job.imageParameters.length, 3);
  assert.equal(job.imageParameters[1], 'a red circle\nNegative prompt: blur\nSteps: 12, Sampler: DDIM, CFG scale: 5, Seed: 101, Size: 256x320, Model: sd15');
});

test('variation seeds run alongside (variationSeed + i), only with a strength above 0', () => {
  const job = toWorkerJob({ ...JOB, variationSeed: 900n, variationStrength: 0.2 }, MODEL, {}, OPTIONS);
  assert.deepEqual(job.request.variation, { seeds: [900n, 901n, 902n], strength: 0.2 });
  assert.match(job.imageParameters[2]!, /Seed: 102, .*Variation seed: 902, Variation seed strength: 0\.2$/);
  assert.equal(toWorkerJob({ ...JOB, variationSeed: 900n, variationStrength: 0 }, MODEL, {}, OPTIONS).request.variation, undefined);
  assert.deepEqual(batchSeeds(2n ** 64n - 2n, 2), [2n ** 64n - 2n, 2n ** 64n - 1n]);
});

test('img2img: the init and mask files go to the worker with the strength, which the parameters record', () => {
  const image = new Uint8Array([1, 2, 3]);
  const mask = new Uint8Array([4]);
  const job = toWorkerJob({ ...JOB, initImageId: 'i', denoisingStrength: 0.4 }, MODEL, { init: image, mask }, OPTIONS);
  assert.deepEqual(job.init, { image, strength: 0.4, mask });
  assert.match(job.imageParameters[0]!, /Model: sd15, Denoising strength: 0\.4$/);
  assert.deepEqual(toWorkerJob(JOB, MODEL, { init: image }, OPTIONS).init, { image, strength: 0.75 });
});

/** An image store in memory: file path -> bytes. */
function files(entries: Record<string, Uint8Array>): ImageSource {
  return { readFile: async (file) => entries[file] ?? null };
}

test('the init image and mask are read from the files the claim found; a missing one fails the job by name', async () => {
  const store = files({ 'a.png': new Uint8Array([1]), 'm.png': new Uint8Array([2]) });
  assert.deepEqual(await readJobInputs(JOB, store), {});
  const img2img = { ...JOB, initImageId: 'i1', inputFiles: { init: 'a.png', mask: null } };
  assert.deepEqual(await readJobInputs(img2img, store), { init: new Uint8Array([1]) });
  const inpaint = { ...JOB, initImageId: 'i1', maskImageId: 'm1', inputFiles: { init: 'a.png', mask: 'm.png' } };
  assert.deepEqual(await readJobInputs(inpaint, store), { init: new Uint8Array([1]), mask: new Uint8Array([2]) });
  assert.deepEqual(await readJobInputs({ ...img2img, inputFiles: { init: 'gone.png', mask: null } }, store), { error: 'init image i1 no longer exists' });
  assert.deepEqual(await readJobInputs({ ...inpaint, inputFiles: { init: 'a.png', mask: null } }, store), { error: 'mask image m1 no longer exists' });
  const failing: ImageSource = { readFile: async () => Promise.reject(new Error('disk on fire')) };
  assert.deepEqual(await readJobInputs(img2img, failing), { error: 'the init image or mask could not be read: disk on fire' });
});

test('PNG parameters: LoRA hashes of the files the run reads, TI hashes of the embeddings the prompts name', () => {
  const embeddings = [
    { name: 'toy-sunset', file: '/e/toy-sunset.safetensors', hash: 'aaaaaaaaaaaa' },
    { name: 'bad-hands', file: '/e/bad-hands.safetensors', hash: 'bbbbbbbbbbbb' },
    { name: 'unused', file: '/e/unused.safetensors', hash: 'cccccccccccc' },
  ];
  const loras = [{ name: 'style', file: '/l/style.safetensors', hash: '222222222222', weight: 0.5 }];
  const job = toWorkerJob(
    { ...JOB, prompt: 'a picture of Toy-Sunset', negativePrompt: 'bad-hands, blur', loras: [{ name: 'style', weight: 0.5, hash: '111111111111' }] },
    MODEL,
    { embeddings, loras },
    OPTIONS,
  );
  assert.match(job.imageParameters[0]!, /^a picture of Toy-Sunset <lora:style:0\.5>\n/);
  assert.match(job.imageParameters[0]!, /, Lora hashes: "style: 222222222222", TI hashes: "toy-sunset: aaaaaaaaaaaa, bad-hands: bbbbbbbbbbbb"$/);
  assert.equal(job.embeddings?.length, 3, 'every installed embedding goes along; only the named ones are recorded');
  assert.doesNotMatch(toWorkerJob({ ...JOB, prompt: 'toy-sunsets and unused2' }, MODEL, { embeddings }, OPTIONS).imageParameters[0]!, /TI hashes/);
  const longer = [...embeddings, { name: 'toy-sunset-v2', file: '/e/v2.safetensors', hash: 'dddddddddddd' }];
  assert.match(toWorkerJob({ ...JOB, prompt: 'toy-sunset-v2 at dusk', negativePrompt: '' }, MODEL, { embeddings: longer }, OPTIONS).imageParameters[0]!, /TI hashes: "toy-sunset-v2: dddddddddddd"$/);
});

test('a LoRA replaced after the job was accepted runs as installed now, and the generation is told', async () => {
  const finders = { loras: { find: async (name: string) => (name === 'style' ? { file: '/l/style.safetensors', hash: '222222222222' } : undefined) } };
  const queued = { ...JOB, loras: [{ name: 'style', weight: 1, hash: '111111111111' }] };
  const inputs = await readJobInputs(queued, files({}), finders);
  assert.ok(!('error' in inputs));
  assert.deepEqual(inputs.loras, [{ name: 'style', file: '/l/style.safetensors', hash: '222222222222', weight: 1 }]);
  assert.deepEqual(inputs.warnings, ['LoRA "style" was replaced after this generation was queued: it ran with the file installed now (hash 222222222222, queued with 111111111111).']);
  const same = await readJobInputs({ ...queued, loras: [{ name: 'style', weight: 1, hash: '222222222222' }] }, files({}), finders);
  assert.ok(!('error' in same) && same.warnings === undefined);
});
