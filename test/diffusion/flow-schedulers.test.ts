/**
 * Flow-matching samplers (SD3, FLUX): FlowMatch Euler and Heun as diffusers computes them, and DPM++ 2M on flow
 * sigmas. schedulers.md has no fixture for them, so the expected numbers come from
 * tools/torch-fixtures/flow_match_reference.py, an independent float64 numpy implementation run on the same
 * fixture with the fake velocity model v(x, t) = x * s / (s + 1), s = t / 1000, from the fixture itself (txt2img)
 * or from (1 - sigma) * fixture + sigma * noise at the SD3/FLUX img2img start (img2img). Its output:
 *
 *   flux mu for a 64x64 latent (seq len 1024): 0.630000
 *   sd3 steps=4 sigmas [1.000000, 0.857692, 0.602151, 0.008929, 0.000000] last 0.008929
 *   sd3 steps=4 timesteps [1000.000000, 857.692308, 602.150538, 8.928571] last 8.928571
 *   sd3 steps=28 sigmas [1.000000, 0.987381, 0.974108, 0.960129] last 0.008929
 *   sd3 steps=28 timesteps [1000.000000, 987.380628, 974.107768, 960.129310] last 8.928571
 *   flux steps=4 sigmas [1.000000, 0.789954, 0.484967, 0.001876, 0.000000] last 0.001876
 *   flux steps=4 timesteps [1000.000000, 789.953900, 484.967363, 1.875964] last 1.875964
 *   flux steps=28 sigmas [1.000000, 0.979947, 0.959176, 0.937647] last 0.001876
 *   flux steps=28 timesteps [1000.000000, 979.947310, 959.176184, 937.647308] last 1.875964
 *   flux pipeline base sigmas steps=4 sigmas [1.000000, 0.849235, 0.652489, 0.384945, 0.000000] timesteps [1000.000000, 849.234831, 652.489462, 384.944749]
 *   txt2img sd3  steps= 4 euler    sum 244.116667 mean 0.31786024
 *   txt2img sd3  steps= 4 heun     sum 285.297339 mean 0.37148091
 *   txt2img sd3  steps= 4 dpmpp_2m sum 295.123970 mean 0.38427600
 *   txt2img sd3  steps=28 euler    sum 277.256576 mean 0.36101117
 *   txt2img sd3  steps=28 heun     sum 282.244962 mean 0.36750646
 *   txt2img sd3  steps=28 dpmpp_2m sum 287.793884 mean 0.37473162
 *   txt2img flux steps= 4 euler    sum 250.163474 mean 0.32573369
 *   txt2img flux steps= 4 heun     sum 284.593668 mean 0.37056467
 *   txt2img flux steps= 4 dpmpp_2m sum 309.226889 mean 0.40263918
 *   txt2img flux steps=28 euler    sum 278.330734 mean 0.36240981
 *   txt2img flux steps=28 heun     sum 282.211303 mean 0.36746263
 *   txt2img flux steps=28 dpmpp_2m sum 286.916768 mean 0.37358954
 *   img2img sd3  steps=28 strength=0.6 start=11 euler    sum 303.081539 mean 0.39463742
 *   img2img sd3  steps=28 strength=0.6 start=11 heun     sum 308.281800 mean 0.40140859
 *   img2img sd3  steps=28 strength=0.6 start=11 dpmpp_2m sum 314.363849 mean 0.40932793
 *   img2img flux steps=28 strength=0.6 start=11 euler    sum 315.603442 mean 0.41094198
 *   img2img flux steps=28 strength=0.6 start=11 heun     sum 319.464787 mean 0.41596978
 *   img2img flux steps=28 strength=0.6 start=11 dpmpp_2m sum 324.854878 mean 0.42298812
 *
 * (The exact ODE solution is 383.5 e^-(1 - ln 2) = 282.1635: Heun and DPM++ 2M approach it at second order.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createScheduler,
  EulerDiscreteScheduler,
  FlowDPMSolverMultistepScheduler,
  FlowMatchEulerDiscreteScheduler,
  FlowMatchHeunDiscreteScheduler,
  flowImg2ImgStart,
  flowSamplerNames,
  flowShiftMu,
  fluxPipelineSigmas,
  HeunDiscreteScheduler,
  isFlowMatchConfig,
  samplerLabel,
  type Scheduler,
  type SetTimestepsOptions,
} from '../../src/diffusion/schedulers/index.js';
import type { FloatTensor } from '../../src/diffusion/tensor.js';
import { FIXTURE_DIMS, schedulerFixture as fixture } from '../support/scheduler-fixture.js';

const f = Math.fround;

/** The reference script's fake velocity model, in float32: x * s / (s + 1) with s = t / 1000. */
function fakeVelocity(x: FloatTensor, t: number): FloatTensor {
  const s = f(t / 1000);
  const denominator = f(s + 1);
  return { data: x.data.map((v) => f(v * s) / denominator), dims: [...x.dims] };
}

function absStats(x: FloatTensor): { sum: number; mean: number } {
  let sum = 0;
  for (const v of x.data) sum += Math.abs(v);
  return { sum, mean: sum / x.data.length };
}

function assertClose(actual: number, expected: number, relative: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected), `${what}: ${actual}, reference ${expected}`);
}

/** Relative 1e-5: the float32 loops land within about 1e-7 of the float64 reference. */
function assertStats(x: FloatTensor, sum: number, mean: number, what: string): void {
  const got = absStats(x);
  assertClose(got.sum, sum, 1e-5, `${what} sum |x|`);
  assertClose(got.mean, mean, 1e-5, `${what} mean |x|`);
}

/**
 * A pipeline's loop: txt2img from the sample itself (initNoiseSigma 1, no input scaling), or img2img from the
 * fixture noised at the SD3/FLUX start step for `strength` (times the scheduler's order, as diffusers indexes it).
 */
function flowLoop(scheduler: Scheduler, steps: number, options: SetTimestepsOptions, strength?: number): FloatTensor {
  scheduler.setTimesteps(steps, options);
  let timesteps = scheduler.timesteps;
  let sample = fixture();
  if (strength !== undefined) {
    const begin = flowImg2ImgStart(steps, strength) * scheduler.order;
    scheduler.setBeginIndex?.(begin);
    timesteps = timesteps.slice(begin);
    sample = scheduler.addNoise(fixture(), fixture(true), timesteps[0]!);
  }
  assert.equal(scheduler.initNoiseSigma, 1);
  for (const t of timesteps) {
    assert.equal(scheduler.scaleModelInput(sample, t), sample, 'flow models take the latents unscaled');
    sample = scheduler.step(fakeVelocity(sample, t), t, sample).prevSample;
  }
  return sample;
}

// scheduler_config.json as SD3 and FLUX.1 ship them (FLUX.1-dev's says shift 3.0, which dynamic shifting ignores).
const sd3Config = { _class_name: 'FlowMatchEulerDiscreteScheduler', num_train_timesteps: 1000, shift: 3.0 };
const fluxConfig = {
  _class_name: 'FlowMatchEulerDiscreteScheduler',
  base_image_seq_len: 256,
  base_shift: 0.5,
  max_image_seq_len: 4096,
  max_shift: 1.15,
  num_train_timesteps: 1000,
  shift: 3.0,
  use_dynamic_shifting: true,
};
const FLUX_64_LATENT_TOKENS = (64 / 2) * (64 / 2);
const families = { sd3: { config: sd3Config, options: {} }, flux: { config: fluxConfig, options: { imageSeqLen: FLUX_64_LATENT_TOKENS } } };

function sigmasOf(scheduler: Scheduler): readonly number[] {
  return (scheduler as FlowMatchEulerDiscreteScheduler).sigmaSchedule;
}

function assertSchedule(actual: readonly number[], expected: readonly number[], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.join(', ')}`);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i]! - e) <= tolerance, `${what}[${i}] = ${actual[i]}, reference ${e}`));
}

test("flowShiftMu is diffusers' calculate_shift: 0.5 at 256 tokens, 1.15 at 4096, 0.63 for a 64x64 FLUX latent", () => {
  assertClose(flowShiftMu(256), 0.5, 1e-12, 'mu(256)');
  assertClose(flowShiftMu(4096), 1.15, 1e-12, 'mu(4096)');
  assertClose(flowShiftMu(FLUX_64_LATENT_TOKENS), 0.63, 1e-12, 'mu(1024)');
  // The line goes on past its ends (a 1024x1024 image: 4096 tokens; 2048x2048: 16384).
  assertClose(flowShiftMu(16384), 0.5 + (0.65 / 3840) * (16384 - 256), 1e-12, 'mu(16384)');
  assertClose(flowShiftMu(1024, { baseShift: 0, maxShift: 1, baseImageSeqLen: 0, maxImageSeqLen: 2048 }), 0.5, 1e-12, 'custom line');
});

test('SD3 schedule (shift 3): sigmas and timesteps as the reference prints them, ending at 0', () => {
  const scheduler = createScheduler('euler', sd3Config);
  scheduler.setTimesteps(4);
  assertSchedule(sigmasOf(scheduler), [1, 0.857692, 0.602151, 0.008929, 0], 1e-6, 'sigmas');
  assertSchedule(scheduler.timesteps, [1000, 857.692308, 602.150538, 8.928571], 1e-4, 'timesteps');
  // The smallest sigma is the training schedule's 1/1000, shifted twice (diffusers shifts that end again).
  const once = (3 * 0.001) / (1 + 2 * 0.001);
  assertClose(sigmasOf(scheduler)[3]!, (3 * once) / (1 + 2 * once), 1e-6, 'last sigma');
  scheduler.setTimesteps(28);
  assertSchedule(sigmasOf(scheduler).slice(0, 4), [1, 0.987381, 0.974108, 0.960129], 1e-6, 'sigmas');
  assertSchedule(scheduler.timesteps.slice(0, 4), [1000, 987.380628, 974.107768, 960.12931], 1e-4, 'timesteps');
  assertClose(scheduler.timesteps[27]!, 8.928571, 1e-6, 'last timestep');
  assert.equal(sigmasOf(scheduler).length, 29);
});

test('FLUX schedule (dynamic shift, mu 0.63): sigmas and timesteps as the reference prints them', () => {
  const scheduler = createScheduler('euler', fluxConfig);
  scheduler.setTimesteps(4, { imageSeqLen: FLUX_64_LATENT_TOKENS });
  assertSchedule(sigmasOf(scheduler), [1, 0.789954, 0.484967, 0.001876, 0], 1e-6, 'sigmas');
  assertSchedule(scheduler.timesteps, [1000, 789.9539, 484.967363, 1.875964], 1e-4, 'timesteps');
  // mu itself gives the same schedule.
  const byMu = createScheduler('euler', fluxConfig);
  byMu.setTimesteps(4, { mu: 0.63 });
  assert.deepEqual(byMu.timesteps, scheduler.timesteps);
  scheduler.setTimesteps(28, { imageSeqLen: FLUX_64_LATENT_TOKENS });
  assertSchedule(sigmasOf(scheduler).slice(0, 4), [1, 0.979947, 0.959176, 0.937647], 1e-6, 'sigmas');
  assertSchedule(scheduler.timesteps.slice(0, 4), [1000, 979.94731, 959.176184, 937.647308], 1e-4, 'timesteps');
  assertClose(scheduler.timesteps[27]!, 1.875964, 1e-5, 'last timestep');
  // FluxPipeline passes its own base grid linspace(1, 1/n, n).
  scheduler.setTimesteps(4, { mu: 0.63, sigmas: fluxPipelineSigmas(4) });
  assertSchedule(sigmasOf(scheduler), [1, 0.849235, 0.652489, 0.384945, 0], 1e-6, 'pipeline sigmas');
  assertSchedule(scheduler.timesteps, [1000, 849.234831, 652.489462, 384.944749], 1e-4, 'pipeline timesteps');
});

test('dynamic shifting without the image size fails, naming what it needs', () => {
  const scheduler = createScheduler('euler', fluxConfig);
  assert.throws(() => scheduler.setTimesteps(4), /use_dynamic_shifting needs the image size \(setTimesteps options mu or imageSeqLen\)/);
  assert.throws(() => scheduler.setTimesteps(4, { mu: 0.63, sigmas: [1, 0.5] }), /2 sigmas given for 4 steps/);
});

// [family, steps, sampler, sum, mean] from the reference script's txt2img lines.
const txt2img = [
  ['sd3', 4, 'euler', 244.116667, 0.31786024],
  ['sd3', 4, 'heun', 285.297339, 0.37148091],
  ['sd3', 4, 'dpmpp_2m', 295.12397, 0.384276],
  ['sd3', 28, 'euler', 277.256576, 0.36101117],
  ['sd3', 28, 'heun', 282.244962, 0.36750646],
  ['sd3', 28, 'dpmpp_2m', 287.793884, 0.37473162],
  ['flux', 4, 'euler', 250.163474, 0.32573369],
  ['flux', 4, 'heun', 284.593668, 0.37056467],
  ['flux', 4, 'dpmpp_2m', 309.226889, 0.40263918],
  ['flux', 28, 'euler', 278.330734, 0.36240981],
  ['flux', 28, 'heun', 282.211303, 0.36746263],
  ['flux', 28, 'dpmpp_2m', 286.916768, 0.37358954],
] as const;

for (const [family, steps, sampler, sum, mean] of txt2img) {
  test(`txt2img ${family} ${steps} steps ${sampler} matches the float64 reference: sum ${sum}`, () => {
    const { config, options } = families[family];
    assertStats(flowLoop(createScheduler(sampler, config), steps, options), sum, mean, `${family} ${sampler}`);
  });
}

const img2img = [
  ['sd3', 'euler', 303.081539, 0.39463742],
  ['sd3', 'heun', 308.2818, 0.40140859],
  ['sd3', 'dpmpp_2m', 314.363849, 0.40932793],
  ['flux', 'euler', 315.603442, 0.41094198],
  ['flux', 'heun', 319.464787, 0.41596978],
  ['flux', 'dpmpp_2m', 324.854878, 0.42298812],
] as const;

for (const [family, sampler, sum, mean] of img2img) {
  test(`img2img ${family} 28 steps strength 0.6 ${sampler} matches the float64 reference: sum ${sum}`, () => {
    const { config, options } = families[family];
    assertStats(flowLoop(createScheduler(sampler, config), 28, options, 0.6), sum, mean, `${family} ${sampler}`);
  });
}

test('img2img starts where diffusers SD3/FLUX pipelines do: int(steps - steps * strength)', () => {
  assert.equal(flowImg2ImgStart(28, 0.6), 11); // SD's floor(28 * 0.6) = 16 steps would start at 12
  assert.equal(flowImg2ImgStart(4, 0.6), 1);
  assert.equal(flowImg2ImgStart(10, 1), 0);
  assert.equal(flowImg2ImgStart(10, 0), 10);
});

test('addNoise = (1 - sigma) x + sigma noise at the begin index (diffusers scale_noise), or by timestep lookup', () => {
  const scheduler = createScheduler('euler', sd3Config);
  scheduler.setTimesteps(28);
  const x = fixture();
  const noise = fixture(true);
  const sigma = sigmasOf(scheduler)[11]!;
  for (const noised of [scheduler.addNoise(x, noise, scheduler.timesteps[11]!), (scheduler.setBeginIndex!(11), scheduler.addNoise(x, noise, 0))]) {
    for (const k of [0, 57, 767]) {
      assertClose(noised.data[k]!, (1 - sigma) * x.data[k]! + sigma * noise.data[k]!, 1e-6, `element ${k}`);
    }
  }
  // One timestep per batch entry.
  const fresh = createScheduler('euler', sd3Config);
  fresh.setTimesteps(4);
  const perEntry = fresh.addNoise(x, noise, fresh.timesteps);
  const sigmas = sigmasOf(fresh);
  for (const b of [0, 1, 2, 3]) {
    const k = b * 192 + 5;
    assertClose(perEntry.data[k]!, (1 - sigmas[b]!) * x.data[k]! + sigmas[b]! * noise.data[k]!, 1e-6, `batch ${b}`);
  }
});

test('Heun visits every sigma after the first twice (2n - 1 timesteps) and is order 2', () => {
  const scheduler = createScheduler('heun', sd3Config);
  scheduler.setTimesteps(4);
  const euler = createScheduler('euler', sd3Config);
  euler.setTimesteps(4);
  const t = euler.timesteps;
  assert.deepEqual(scheduler.timesteps, [t[0], t[1], t[1], t[2], t[2], t[3], t[3]]);
  const s = sigmasOf(euler);
  assert.deepEqual(sigmasOf(scheduler), [s[0], s[1], s[1], s[2], s[2], s[3], s[3], 0]);
  assert.equal(scheduler.order, 2);
});

test('with a velocity oracle (v = noise - x0) every flow sampler ends exactly at the clean latents', () => {
  const x0 = fixture();
  const noise = fixture(true);
  const velocity = { data: noise.data.map((n, i) => n - x0.data[i]!), dims: [...FIXTURE_DIMS] };
  for (const [family, { config, options }] of Object.entries(families)) {
    for (const name of flowSamplerNames()) {
      const scheduler = createScheduler(name, config);
      scheduler.setTimesteps(12, options);
      let latents = scheduler.addNoise(x0, noise, scheduler.timesteps[0]!);
      for (const t of scheduler.timesteps) latents = scheduler.step(velocity, t, latents).prevSample;
      const maxError = latents.data.reduce((m, v, i) => Math.max(m, Math.abs(v - x0.data[i]!)), 0);
      assert.ok(maxError < 1e-5, `${family} ${name}: max |x - x0| = ${maxError}`);
    }
  }
});

test('flow DPM++ 2M without a history is the flow Euler step; predOriginalSample is x - sigma v', () => {
  const dpm = createScheduler('dpmpp_2m', sd3Config);
  const euler = createScheduler('euler', sd3Config);
  dpm.setTimesteps(8);
  euler.setTimesteps(8);
  const t = dpm.timesteps[0]!;
  const v = fakeVelocity(fixture(), t);
  const a = dpm.step(v, t, fixture());
  const b = euler.step(v, t, fixture());
  a.prevSample.data.forEach((value, k) => assert.ok(Math.abs(value - b.prevSample.data[k]!) < 1e-6, `element ${k}`));
  assert.ok(Math.abs(b.predOriginalSample!.data[100]! - (fixture().data[100]! - v.data[100]!)) < 1e-7); // sigma 1
});

test('registry: a flow config builds the flow samplers for euler, heun and dpmpp_2m, with the usual labels', () => {
  assert.deepEqual([...flowSamplerNames()], ['euler', 'heun', 'dpmpp_2m']);
  assert.ok(createScheduler('euler', sd3Config) instanceof FlowMatchEulerDiscreteScheduler);
  assert.ok(createScheduler('heun', sd3Config) instanceof FlowMatchHeunDiscreteScheduler);
  assert.ok(createScheduler('dpmpp_2m', fluxConfig) instanceof FlowDPMSolverMultistepScheduler);
  const heunConfig = { ...sd3Config, _class_name: 'FlowMatchHeunDiscreteScheduler' };
  assert.ok(isFlowMatchConfig(heunConfig));
  assert.ok(createScheduler('euler', heunConfig) instanceof FlowMatchEulerDiscreteScheduler);
  assert.equal(createScheduler('dpmpp_2m', sd3Config).name, 'dpmpp_2m');
  assert.equal(samplerLabel('euler'), 'Euler');
  assert.equal(samplerLabel('heun'), 'Heun');
  assert.equal(samplerLabel('dpmpp_2m'), 'DPM++ 2M');
});

test('registry: other samplers on a flow config fail naming the ones that work; non-flow configs are unchanged', () => {
  for (const name of ['ddim', 'euler_a', 'dpmpp_2m_karras', 'lcm']) {
    assert.throws(
      () => createScheduler(name, sd3Config),
      new RegExp(`Sampler "${name}" does not work with flow-matching models \\(FlowMatchEulerDiscreteScheduler\\)\\. Samplers for flow models: euler, heun, dpmpp_2m`),
    );
  }
  assert.throws(() => createScheduler('nope', sd3Config), /Unknown scheduler "nope"/);
  assert.ok(!isFlowMatchConfig({ _class_name: 'PNDMScheduler' }));
  assert.ok(!isFlowMatchConfig(undefined));
  assert.ok(createScheduler('euler', { _class_name: 'EulerDiscreteScheduler' }) instanceof EulerDiscreteScheduler);
  assert.ok(createScheduler('heun', {}) instanceof HeunDiscreteScheduler);
});

test('config: invert_sigmas, shift_terminal and the linear time shift follow their definitions', () => {
  const inverted = createScheduler('euler', { ...sd3Config, invert_sigmas: true });
  inverted.setTimesteps(4);
  const plain = createScheduler('euler', sd3Config);
  plain.setTimesteps(4);
  const p = sigmasOf(plain);
  assertSchedule(sigmasOf(inverted), [1 - p[0]!, 1 - p[1]!, 1 - p[2]!, 1 - p[3]!, 1], 1e-7, 'inverted');
  assertSchedule(inverted.timesteps, [0, 1, 2, 3].map((i) => (1 - p[i]!) * 1000), 1e-4, 'inverted timesteps');

  const terminal = createScheduler('euler', { ...sd3Config, shift_terminal: 0.1 });
  terminal.setTimesteps(4);
  // 1 - sigma is scaled so that the last sigma is the terminal; the first (1) stays.
  const scale = (1 - p[3]!) / 0.9;
  assertSchedule(sigmasOf(terminal), [1, 1 - (1 - p[1]!) / scale, 1 - (1 - p[2]!) / scale, 0.1, 0], 1e-6, 'terminal');

  const linear = createScheduler('euler', { ...fluxConfig, time_shift_type: 'linear' });
  linear.setTimesteps(2, { mu: 2 });
  // Base sigmas 1 and 0.001: 2 / (2 + 1/s - 1).
  assertSchedule(sigmasOf(linear), [1, 2 / (2 + 1000 - 1), 0], 1e-7, 'linear');
  assert.throws(() => createScheduler('euler', { ...sd3Config, time_shift_type: 'cubic' }), /time_shift_type "cubic"/);
  assert.throws(() => createScheduler('euler', { ...sd3Config, use_karras_sigmas: true }), /use_karras_sigmas is not supported/);
});

test('stochastic_sampling re-noises the predicted x0 and needs a generator', () => {
  const scheduler = createScheduler('euler', { ...sd3Config, stochastic_sampling: true });
  scheduler.setTimesteps(4);
  const t = scheduler.timesteps[1]!;
  const x = fixture();
  const v = fakeVelocity(x, t);
  assert.throws(() => scheduler.step(v, t, x), /stochastic_sampling needs a generator/);
  const noise = fixture(true);
  const { prevSample } = scheduler.step(v, t, x, { generator: { randn: () => Float32Array.from(noise.data) } });
  const [sigma, next] = [sigmasOf(scheduler)[1]!, sigmasOf(scheduler)[2]!];
  const x0 = x.data[300]! - sigma * v.data[300]!;
  assertClose(prevSample.data[300]!, (1 - next) * x0 + next * noise.data[300]!, 1e-6, 'element 300');
  assert.throws(() => createScheduler('heun', { ...sd3Config, stochastic_sampling: true }), /supports neither stochastic_sampling/);
});

test('before setTimesteps the training schedule is exposed, and step() asks for setTimesteps first', () => {
  const scheduler = createScheduler('euler', sd3Config);
  assert.equal(scheduler.timesteps.length, 1000);
  assert.equal(scheduler.timesteps[0], 1000);
  assert.equal(scheduler.numInferenceSteps, null);
  assert.throws(() => scheduler.step(fixture(), 1000, fixture()), /call setTimesteps\(\) before step\(\)/);
  assert.throws(() => scheduler.setTimesteps(0), /numInferenceSteps/);
});
