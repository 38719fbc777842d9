/** The request policy of `generate`, rule by rule, without a server: checkGenerateRequest over a fixed context. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGenerateRequest, type GenerateRequest, type RequestContext } from '../../src/generation/generation-request.js';
import { LIMITS } from '../../src/generation/request-limits.js';
import { GenerationRequestError } from '../../src/generation/request-errors.js';

const CONTEXT: RequestContext = {
  models: [
    { name: 'sd15', defaultSize: 512, family: 'sd1', defaults: { sampler: 'euler', steps: 30, guidanceScale: 7.5 } },
    { name: 'turbo', defaultSize: 512, family: 'sd1', defaults: { sampler: 'euler-ancestral', steps: 1, guidanceScale: 0 } },
  ],
  unusableModels: [{ name: 'half-copied', problem: 'unet/model.onnx is missing' }],
  defaultModel: 'sd15',
  samplers: ['euler', 'euler-ancestral', 'ddim'],
  taesdAvailable: false,
  // An admin may use every priority; the USER's bound and the cost bound have their own tests below.
  viewerRole: 'ADMIN',
};

const check = (request: Partial<GenerateRequest>, context: Partial<RequestContext> = {}) =>
  checkGenerateRequest({ prompt: 'a red circle', ...request }, { ...CONTEXT, ...context });

/** Asserts the request fails on `field`, with the message and extensions given. */
function rejects(request: Partial<GenerateRequest>, field: string, message: RegExp, allowed?: object, context: Partial<RequestContext> = {}): void {
  assert.throws(
    () => check(request, context),
    (error: unknown) => {
      assert.ok(error instanceof GenerationRequestError, `expected a GenerationRequestError, got ${String(error)}`);
      assert.equal(error.field, field);
      assert.match(error.message, message);
      if (allowed) assert.deepEqual(error.allowed, allowed);
      return true;
    },
  );
}

test('defaults come from the model: sampler, steps, guidance and its native size', () => {
  const params = check({ seed: 7n });
  assert.deepEqual(params, {
    ...{ prompt: 'a red circle', negativePrompt: '', model: 'sd15', sampler: 'euler', steps: 30, guidanceScale: 7.5 },
    ...{ width: 512, height: 512, seed: 7n, batchSize: 1, priority: 0, variationSeed: null, variationStrength: 0 },
    ...{ initImageId: null, maskImageId: null, denoisingStrength: 0.75, previewMethod: 'LATENT2RGB', loras: [], hires: null, upscale: null },
  });
  const turbo = check({ model: 'turbo' });
  assert.deepEqual([turbo.sampler, turbo.steps, turbo.guidanceScale], ['euler-ancestral', 1, 0]);
});

test('an unknown model and an unusable folder are told apart by reason, with the installed models allowed', () => {
  rejects({ model: 'nope' }, 'model', /^unknown model "nope"; installed: sd15, turbo$/, { allowedValues: ['sd15', 'turbo'], reason: 'MODEL_NOT_FOUND' });
  rejects({ model: 'half-copied' }, 'model', /^model "half-copied" cannot be used: unet\/model\.onnx is missing$/, {
    allowedValues: ['sd15', 'turbo'],
    reason: 'MODEL_UNUSABLE',
  });
  rejects({}, 'model', /installed: none$/, { allowedValues: [], reason: 'MODEL_NOT_FOUND' }, { models: [] });
});

test('the sampler must be one the engine has', () => {
  rejects({ sampler: 'plms' }, 'sampler', /^unknown sampler "plms"; use one of euler, euler-ancestral, ddim$/, {
    allowedValues: ['euler', 'euler-ancestral', 'ddim'],
  });
});

test('sizes are multiples of 8 within 64..2048', () => {
  assert.deepEqual([check({ width: 64, height: 2048 }).width, check({ width: 64, height: 2048 }).height], [64, 2048]);
  rejects({ width: 500 }, 'width', /^width must be a multiple of 8 between 64 and 2048, got 500$/, { min: 64, max: 2048 });
  rejects({ height: 56 }, 'height', /got 56$/, { min: 64, max: 2048 });
  rejects({ height: 2056 }, 'height', /got 2056$/);
});

test('steps, guidance, batch size, priority and strengths are range-checked, naming the range', () => {
  const cases: Array<[Partial<GenerateRequest>, string, { min: number; max: number }]> = [
    [{ steps: 0 }, 'steps', LIMITS.steps],
    [{ steps: 151 }, 'steps', LIMITS.steps],
    [{ guidanceScale: -0.5 }, 'guidanceScale', LIMITS.guidanceScale],
    [{ guidanceScale: 30.5 }, 'guidanceScale', LIMITS.guidanceScale],
    [{ guidanceScale: Number.NaN }, 'guidanceScale', LIMITS.guidanceScale],
    [{ batchSize: 0 }, 'batchSize', LIMITS.batchSize],
    [{ batchSize: 9 }, 'batchSize', LIMITS.batchSize],
    [{ priority: -101 }, 'priority', LIMITS.priority],
    [{ priority: 101 }, 'priority', LIMITS.priority],
    [{ variationStrength: 1.5 }, 'variationStrength', LIMITS.variationStrength],
  ];
  for (const [request, field, range] of cases) {
    const value = Object.values(request)[0];
    rejects(request, field, new RegExp(`^${field} must be between ${range.min} and ${range.max}, got ${value}$`), range);
  }
  // 256x256: a batch of 8 at sd15's native 512x512 is over its memory budget (memory-admission.test.ts).
  const edges = check({ steps: 150, guidanceScale: 0, batchSize: 8, priority: -100, width: 256, height: 256 });
  assert.deepEqual([edges.steps, edges.guidanceScale, edges.batchSize, edges.priority], [150, 0, 8, -100]);
});

test('seeds fit in 0..2^64-1 together with the batch after them', () => {
  const max = 2n ** 64n - 1n;
  assert.equal(check({ seed: max }).seed, max);
  rejects({ seed: -1n }, 'seed', /^seed must be between 0 and 18446744073709551615, got -1$/, { min: '0', max: max.toString() });
  rejects({ seed: max + 1n }, 'seed', /got 18446744073709551616$/);
  rejects({ seed: max - 2n, batchSize: 4 }, 'seed', /^seed \+ batchSize - 1 must not exceed 18446744073709551615$/, {
    min: '0',
    max: (max - 3n).toString(),
  });
  assert.equal(check({ seed: max - 3n, batchSize: 4 }).seed, max - 3n);
  rejects({ variationSeed: max, variationStrength: 0.5, batchSize: 2 }, 'variationSeed', /variationSeed \+ batchSize - 1/);
});

test('a seed left out is random in 0..2^32-1, the range other tools share', () => {
  const seeds = new Set<bigint>();
  for (let i = 0; i < 200; i++) {
    const { seed } = check({});
    assert.ok(seed >= 0n && seed < 2n ** 32n, `seed ${seed}`);
    seeds.add(seed);
  }
  assert.ok(seeds.size > 190, 'seeds differ');
});

test('the prompt must be non-empty and both prompts at most 10000 characters', () => {
  rejects({ prompt: '   ' }, 'prompt', /^prompt must not be empty$/);
  rejects({ prompt: '--seed 4' }, 'prompt', /^prompt must not be empty$/);
  rejects({ prompt: 'x'.repeat(10_001) }, 'prompt', /^prompt is 10001 characters; the limit is 10000$/, { max: 10_000 });
  rejects({ negativePrompt: 'x'.repeat(10_001) }, 'negativePrompt', /the limit is 10000$/, { max: 10_000 });
  assert.equal(check({ prompt: 'x'.repeat(10_000) }).prompt.length, 10_000);
});

test('prompt parameters fill the fields the request leaves out', () => {
  const params = check({ prompt: 'a fox --ar 16:9 --seed 42 --no blur, text --steps 12 --cfg 4.5', negativePrompt: ' ugly ' });
  assert.deepEqual(
    [params.prompt, params.negativePrompt, params.width, params.height, params.seed, params.steps, params.guidanceScale],
    ['a fox', 'ugly, blur, text', 680, 384, 42n, 12, 4.5],
  );
});

test('explicit fields win over prompt parameters', () => {
  const params = check({ prompt: 'a fox --ar 16:9 --seed 42 --steps 12 --cfg 4.5', width: 256, height: 320, seed: 1n, steps: 20, guidanceScale: 3 });
  assert.deepEqual([params.width, params.height, params.seed, params.steps, params.guidanceScale], [256, 320, 1n, 20, 3]);
});

test('a prompt parameter outside the limits is reported on the field it sets', () => {
  rejects({ prompt: 'a fox --steps 500' }, 'steps', /got 500$/, LIMITS.steps);
  rejects({ prompt: 'a fox --cfg 99' }, 'guidanceScale', /got 99$/);
});

test('malformed prompt parameters name the prompt, with the parameter as reason', () => {
  for (const [prompt, reason] of [
    ['a cat --chaos 5', 'PROMPT_PARAMETER_CHAOS'],
    ['a cat --ar 16x9', 'PROMPT_PARAMETER_AR'],
    ['a cat --seed x', 'PROMPT_PARAMETER_SEED'],
    ['a cat --no ,', 'PROMPT_PARAMETER_NO'],
    ['a cat --steps 1.5', 'PROMPT_PARAMETER_STEPS'],
    ['a cat --cfg high', 'PROMPT_PARAMETER_CFG'],
  ] as const) {
    assert.throws(() => check({ prompt }), (error: unknown) => error instanceof GenerationRequestError && error.field === 'prompt' && error.allowed.reason === reason);
  }
});

const UPLOAD = { id: 'up1', kind: 'upload', width: 301, height: 4000 } as const;
const IMAGE = { id: 'im1', kind: 'image', width: 640, height: 480 } as const;

test('img2img: the init image must exist; its size, rounded down to a multiple of 8 and clamped, is the default', () => {
  rejects({ initImageId: 'gone' }, 'initImageId', /^no stored image has the id "gone"$/, { reason: 'IMAGE_NOT_FOUND' }, { initImage: null });
  const params = check({ initImageId: 'up1' }, { initImage: UPLOAD, maxPixels: 2048 * 2048 });
  assert.deepEqual([params.width, params.height, params.initImageId, params.initImageKind, params.denoisingStrength], [296, 2048, 'up1', 'upload', 0.75]);
  // Over the model's memory budget (524,288 pixels for sd15), both sides shrink alike until it fits.
  const fitted = check({ initImageId: 'up1' }, { initImage: UPLOAD });
  assert.deepEqual([fitted.width, fitted.height], [272, 1904]);
  const small = check({ initImageId: 'im1' }, { initImage: { ...IMAGE, width: 20, height: 63 } });
  assert.deepEqual([small.width, small.height, small.initImageKind], [64, 64, 'image']);
  assert.deepEqual([check({ initImageId: 'im1', width: 512 }, { initImage: IMAGE }).width], [512]);
  assert.equal(check({}).initImageKind, undefined);
});

test('denoisingStrength and a mask only come with an init image; a mask must be an upload', () => {
  rejects({ denoisingStrength: 0.5 }, 'denoisingStrength', /^denoisingStrength applies only with initImageId \(img2img\)$/, {});
  rejects({ maskImageId: 'up1' }, 'maskImageId', /^maskImageId applies only with initImageId \(inpainting\)$/, {}, { mask: UPLOAD });
  rejects({ initImageId: 'im1', maskImageId: 'im1' }, 'maskImageId', /^no uploaded image has the id "im1" \(masks come from uploadImage\)$/, { reason: 'IMAGE_NOT_FOUND' }, {
    initImage: IMAGE,
    mask: IMAGE,
  });
  rejects({ initImageId: 'im1', maskImageId: 'x' }, 'maskImageId', /no uploaded image/, undefined, { initImage: IMAGE, mask: null });
  rejects({ initImageId: 'im1', denoisingStrength: 1.5 }, 'denoisingStrength', /between 0 and 1, got 1.5$/, LIMITS.denoisingStrength, { initImage: IMAGE });
  const params = check({ initImageId: 'im1', maskImageId: 'up1', denoisingStrength: 0.3 }, { initImage: IMAGE, mask: UPLOAD });
  assert.deepEqual([params.maskImageId, params.denoisingStrength], ['up1', 0.3]);
});

test('TAESD previews are the default where installed, and refused where not', () => {
  assert.equal(check({}, { taesdAvailable: true }).previewMethod, 'TAESD');
  assert.equal(check({ previewMethod: 'LATENT2RGB' }, { taesdAvailable: true }).previewMethod, 'LATENT2RGB');
  rejects({ previewMethod: 'TAESD' }, 'previewMethod', /^TAESD previews are not installed on this server \(ATELIER_TAESD_DIR\)$/, { allowedValues: ['LATENT2RGB'] });
});

test('a variation strength without a variation seed draws one; none without a strength', () => {
  assert.equal(check({}).variationSeed, null);
  const drawn = check({ variationStrength: 0.25 });
  assert.ok(drawn.variationSeed !== null && drawn.variationSeed >= 0n && drawn.variationSeed < 2n ** 32n);
  assert.deepEqual([check({ variationSeed: 9n }).variationSeed, check({ variationSeed: 9n }).variationStrength], [9n, 0]);
});

test('a priority above 0 is for admins: a USER gets BAD_USER_INPUT on priority with max 0', () => {
  assert.equal(check({ priority: 100 }).priority, 100);
  assert.equal(check({ priority: -5 }, { viewerRole: 'USER' }).priority, -5);
  assert.equal(check({ priority: 0 }, { viewerRole: 'USER' }).priority, 0);
  assert.throws(
    () => check({ priority: 100 }, { viewerRole: 'USER' }),
    (error: unknown) =>
      error instanceof GenerationRequestError &&
      error.field === 'priority' &&
      /above 0 is for admins/.test(error.message) &&
      error.allowed.max === 0 &&
      error.allowed.min === -100 &&
      error.allowed.reason === 'ADMIN_ONLY',
  );
});

/** A memory budget no request reaches (ATELIER_MAX_PIXELS' largest value), to test another rule alone. */
const UNBOUNDED_PIXELS = 1_000_000_000;

test('a job over ATELIER_MAX_JOB_COST (512x512 x 20 steps x 1 image = 1) is BAD_USER_INPUT on cost with the max and its cost', () => {
  // 1024x1024 (4) x 40 steps (2) x 2 images (2) = 16. The memory budget is lifted: only the cost is under test.
  assert.equal(check({ width: 1024, height: 1024, steps: 40, batchSize: 2 }, { maxJobCost: 16, maxPixels: UNBOUNDED_PIXELS }).batchSize, 2);
  assert.throws(
    () => check({ width: 1024, height: 1024, steps: 40, batchSize: 3 }, { maxJobCost: 16, maxPixels: UNBOUNDED_PIXELS }),
    (error: unknown) =>
      error instanceof GenerationRequestError &&
      error.field === 'cost' &&
      error.allowed.max === 16 &&
      error.allowed.cost === 24 &&
      error.allowed.reason === 'JOB_TOO_COSTLY' &&
      /costs 24 .* the most one job may cost is 16/.test(error.message),
  );
  // Without a bound (tools, tests) nothing is refused for its cost.
  assert.equal(check({ width: 2048, height: 2048, steps: 150, batchSize: 8 }, { maxPixels: UNBOUNDED_PIXELS }).steps, 150);
});

test('hires fix: AUTOMATIC1111\'s defaults (2x, the first pass\'s steps, strength 0.7, Latent), or a size kept to the aspect ratio', () => {
  const check = (request: Partial<GenerateRequest>) => checkGenerateRequest({ prompt: 'a red circle', ...request }, { ...CONTEXT, maxPixels: 2048 * 2048 });
  assert.deepEqual(check({ width: 512, height: 384, steps: 25, hires: {} }).hires, { scale: 2, width: 1024, height: 768, steps: 25, denoisingStrength: 0.7, upscaler: 'latent' });
  assert.deepEqual(check({ width: 512, height: 512, hires: { scale: 1.5, steps: 10, denoisingStrength: 0.4, upscaler: 'lanczos' } }).hires, {
    ...{ scale: 1.5, width: 768, height: 768, steps: 10, denoisingStrength: 0.4, upscaler: 'lanczos' },
  });
  // 512x384 * 1.33 rounds each side down to a multiple of 8.
  assert.deepEqual([check({ width: 512, height: 384, hires: { scale: 1.33 } }).hires!.width, check({ width: 512, height: 384, hires: { scale: 1.33 } }).hires!.height], [680, 504]);
  const sized = check({ width: 512, height: 384, hires: { width: 1000 } }).hires!;
  assert.deepEqual([sized.scale, sized.width, sized.height], [null, 1000, 744]);
  assert.equal(check({}).hires, null);
});

test('hires fix: bad values name their field and range; none with an init image; its size counts for memory and cost', () => {
  rejects({ hires: { scale: 5 } }, 'hires.scale', /^hires.scale must be between 1 and 4, got 5$/, { min: 1, max: 4 });
  rejects({ hires: { scale: 2, width: 1024 } }, 'hires.scale', /not both/, { reason: 'HIRES_SCALE_AND_SIZE' });
  rejects({ hires: { width: 1001 } }, 'hires.width', /multiple of 8 between the first pass's 512 and 2048, got 1001/, { min: 512, max: 2048 });
  rejects({ hires: { width: 600, height: 256 } }, 'hires.height', /between the first pass's 512 and 2048, got 256/, { min: 512, max: 2048 });
  rejects({ hires: { steps: 151 } }, 'hires.steps', /between 0 and 150/, { min: 0, max: 150 });
  rejects({ hires: { denoisingStrength: -0.1 } }, 'hires.denoisingStrength', /between 0 and 1/, { min: 0, max: 1 });
  rejects({ hires: { upscaler: 'esrgan' as never } }, 'hires.upscaler', /^unknown hires upscaler "esrgan"; use one of latent, latent-antialiased/);
  const init = { id: 'img1', kind: 'image' as const, width: 512, height: 512 };
  rejects({ initImageId: 'img1', hires: {} }, 'hires', /for text-to-image/, { reason: 'HIRES_WITH_INIT_IMAGE' }, { initImage: init });
  // The first pass's memory admission applies to the second's size: 2x of 512x512 fits 1024x1024 pixels, 4x does not.
  assert.ok(check({ hires: { scale: 2 } }, { maxPixels: 1024 * 1024 }).hires);
  rejects({ hires: { scale: 4 } }, 'hires.width', /needs more memory/, undefined, { maxPixels: 1024 * 1024 });
  rejects({ hires: {} }, 'hires.width', /needs more memory/, undefined, {}); // SD 1.x's own budget: 720x720
  // 512x512 x 30 steps costs 1.5; its 2x pass at 30 steps 6 more.
  rejects({ hires: {} }, 'cost', /costs 7.5 .*plus 6 for the hires pass/, undefined, { maxJobCost: 5, maxPixels: 2048 * 2048 });
});
