/**
 * Scheduler parity with diffusers. The loops, fixtures and expected sums/means below are those of the diffusers
 * scheduler test-suite as recorded in ../shared/reference/schedulers.md (tests/schedulers/test_scheduler_ddim.py:
 * test_full_loop_no_noise, test_full_loop_with_v_prediction; test_scheduler_euler.py: test_full_loop_no_noise,
 * test_full_loop_device_karras_sigmas). The numbers are copied here so the test runs without that folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScheduler, samplerLabel, schedulerNames, type Scheduler } from '../../src/diffusion/schedulers/index.js';
import type { FloatTensor } from '../../src/diffusion/tensor.js';
import { TorchGenerator } from '../../src/diffusion/random/index.js';
import { FIXTURE_DIMS, schedulerFixture as fixture } from '../support/scheduler-fixture.js';

const f = Math.fround;

/** The fake model of the diffusers tests, in float32: x * t / (t + 1). */
function fakeModel(x: FloatTensor, t: number): FloatTensor {
  const tf = f(t);
  const denominator = f(tf + 1);
  return { data: x.data.map((v) => f(v * tf) / denominator), dims: [...x.dims] };
}

function absStats(x: FloatTensor): { sum: number; mean: number } {
  let sum = 0;
  for (const v of x.data) sum += Math.abs(v);
  return { sum, mean: sum / x.data.length };
}

function assertStats(x: FloatTensor, sum: number, mean: number, sumTolerance = 1e-2, meanTolerance = 1e-3): void {
  const got = absStats(x);
  assert.ok(Math.abs(got.sum - sum) < sumTolerance, `sum |x| = ${got.sum}, diffusers expects ${sum}`);
  assert.ok(Math.abs(got.mean - mean) < meanTolerance, `mean |x| = ${got.mean}, diffusers expects ${mean}`);
}

/** DDIM loop of the diffusers test: start from the sample itself, integer timesteps, eta 0. */
function ddimLoop(scheduler: Scheduler): FloatTensor {
  scheduler.setTimesteps(10);
  let sample = fixture();
  for (const t of scheduler.timesteps) sample = scheduler.step(fakeModel(sample, t), t, sample, { eta: 0 }).prevSample;
  return sample;
}

/**
 * Euler loop of the diffusers test, quirk included: the sample is overwritten with scaleModelInput() before the
 * model call, so step() receives the scaled sample. A real pipeline keeps the unscaled latents.
 */
function eulerTestLoop(scheduler: Scheduler): FloatTensor {
  scheduler.setTimesteps(10);
  const sigma = scheduler.initNoiseSigma;
  let sample = fixture();
  sample = { data: sample.data.map((v) => v * sigma), dims: sample.dims };
  for (const t of scheduler.timesteps) {
    sample = scheduler.scaleModelInput(sample, t);
    sample = scheduler.step(fakeModel(sample, t), t, sample).prevSample;
  }
  return sample;
}

const ddimTestConfig = { num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', clip_sample: true };
const eulerTestConfig = { num_train_timesteps: 1100, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear' };

test('DDIM full loop (epsilon) matches diffusers: sum 172.0067, mean 0.223967', () => {
  assertStats(ddimLoop(createScheduler('ddim', ddimTestConfig)), 172.0067, 0.223967);
});

test('DDIM full loop (v_prediction) matches diffusers: sum 52.5302, mean 0.0684', () => {
  assertStats(ddimLoop(createScheduler('ddim', { ...ddimTestConfig, prediction_type: 'v_prediction' })), 52.5302, 0.0684);
});

test('DDIM timesteps: 10 steps give 900..0; steps_offset=1 and 5 steps give 801..1 (schedulers.md)', () => {
  const ddim = createScheduler('ddim', ddimTestConfig);
  ddim.setTimesteps(10);
  assert.deepEqual(ddim.timesteps, [900, 800, 700, 600, 500, 400, 300, 200, 100, 0]);
  const offset = createScheduler('ddim', { ...ddimTestConfig, steps_offset: 1 });
  offset.setTimesteps(5);
  assert.deepEqual(offset.timesteps, [801, 601, 401, 201, 1]);
});

test('Euler full loop matches diffusers: sum 10.0807, mean 0.0131', () => {
  assertStats(eulerTestLoop(createScheduler('euler', eulerTestConfig)), 10.0807, 0.0131);
});

test('Euler full loop with Karras sigmas matches diffusers: sum 124.52299, mean 0.16214', () => {
  assertStats(eulerTestLoop(createScheduler('euler', { ...eulerTestConfig, use_karras_sigmas: true })), 124.52299, 0.16214);
});

// A schedule worked out by hand: betas 0.1, 0.2, 0.3, 0.4, so alphas_cumprod = 0.9, 0.72, 0.504, 0.3024.
const handConfig = { num_train_timesteps: 4, trained_betas: [0.1, 0.2, 0.3, 0.4], beta_schedule: 'linear' };
const handAlphaCumprod = [0.9, 0.72, 0.504, 0.3024];

/**
 * DPM-Solver++ 2M (diffusers tests/schedulers/test_scheduler_dpm_multi.py: test_full_loop_no_noise and
 * test_full_loop_with_v_prediction, numbers from schedulers.md): like DDIM's loop, from the sample itself with
 * integer timesteps and no input scaling.
 */
const dpmTestConfig = {
  num_train_timesteps: 1000,
  beta_start: 0.0001,
  beta_end: 0.02,
  beta_schedule: 'linear',
  solver_order: 2,
  algorithm_type: 'dpmsolver++',
  solver_type: 'midpoint',
  lower_order_final: false,
  euler_at_final: false,
  final_sigmas_type: 'sigma_min',
};

function dpmLoop(scheduler: Scheduler): FloatTensor {
  scheduler.setTimesteps(10);
  let sample = fixture();
  for (const t of scheduler.timesteps) sample = scheduler.step(fakeModel(sample, t), t, sample).prevSample;
  return sample;
}

test('DPM-Solver++ 2M full loop matches diffusers: mean 0.3301; timesteps 999, 899, ..., 100', () => {
  const scheduler = createScheduler('dpmpp_2m', dpmTestConfig);
  const result = dpmLoop(scheduler);
  assert.deepEqual(scheduler.timesteps, [999, 899, 799, 699, 599, 500, 400, 300, 200, 100]);
  assert.ok(Math.abs(absStats(result).mean - 0.3301) < 1e-3, `mean |x| = ${absStats(result).mean}`);
});

test('DPM-Solver++ 2M full loop with v_prediction matches diffusers: mean 0.2251', () => {
  const result = dpmLoop(createScheduler('dpmpp_2m', { ...dpmTestConfig, prediction_type: 'v_prediction' }));
  assert.ok(Math.abs(absStats(result).mean - 0.2251) < 1e-3, `mean |x| = ${absStats(result).mean}`);
});

/**
 * DPM-Solver++ 2M SDE: schedulers.md has no fixture for it, so the expected numbers come from
 * tools/torch-fixtures/dpmpp_sde_reference.py, an independent float64 implementation of diffusers'
 * sde-dpmsolver++ updates on the same fixture and loop, with the per-step noise of torch.manual_seed(0) (that
 * script's ODE variant reproduces the DPM-Solver++ 2M fixture above, mean 0.3301).
 */
function sdeLoop(scheduler: Scheduler): FloatTensor {
  scheduler.setTimesteps(10);
  const generator = new TorchGenerator(0);
  let sample = fixture();
  for (const t of scheduler.timesteps) sample = scheduler.step(fakeModel(sample, t), t, sample, { generator }).prevSample;
  return sample;
}

test('DPM-Solver++ 2M SDE with torch.manual_seed(0) noise matches the diffusers definition: sum 525.9546, mean 0.684837', () => {
  assertStats(sdeLoop(createScheduler('dpmpp_2m_sde', dpmTestConfig)), 525.9546, 0.684837);
  // Heun's D1 coefficient divides by -2h, which magnifies float32 rounding: 2e-5 relative on the sum.
  assertStats(sdeLoop(createScheduler('dpmpp_2m_sde', { ...dpmTestConfig, solver_type: 'heun' })), 774.781, 1.008829, 5e-2);
});

test('DPM-Solver++ 2M SDE Karras matches the diffusers definition: sum 334.5594, mean 0.435624', () => {
  const scheduler = createScheduler('dpmpp_2m_sde_karras', { ...dpmTestConfig, final_sigmas_type: 'zero' });
  assertStats(sdeLoop(scheduler), 334.5594, 0.435624);
  assert.deepEqual(scheduler.timesteps, [999, 937, 864, 775, 663, 511, 301, 102, 18, 0]);
});

test('DPM-Solver++ 2M SDE needs a generator, and its noise is what makes it differ from 2M', () => {
  const scheduler = createScheduler('dpmpp_2m_sde', dpmTestConfig);
  scheduler.setTimesteps(10);
  const t = scheduler.timesteps[0]!;
  assert.throws(() => scheduler.step(fakeModel(fixture(), t), t, fixture()), /needs a generator/);
  const zeros = { randn: (dims: readonly number[]) => new Float32Array(dims.reduce((a, b) => a * b, 1)) };
  const seeded = createScheduler('dpmpp_2m_sde', dpmTestConfig);
  seeded.setTimesteps(10);
  let quiet = fixture();
  for (const step of seeded.timesteps) quiet = seeded.step(fakeModel(quiet, step), step, quiet, { generator: zeros }).prevSample;
  const noisy = absStats(sdeLoop(createScheduler('dpmpp_2m_sde', dpmTestConfig))).sum;
  assert.ok(Math.abs(absStats(quiet).sum - noisy) > 1, `without noise ${absStats(quiet).sum}, with ${noisy}`);
});

// diffusers tests/schedulers/test_scheduler_unipc.py (not in schedulers.md): full_loop = the DPM-Solver loop
// (from the sample itself, integer timesteps) with this config, 10 steps; expected means from that file.
const uniPCTestConfig = {
  num_train_timesteps: 1000,
  beta_start: 0.0001,
  beta_end: 0.02,
  beta_schedule: 'linear',
  solver_order: 2,
  solver_type: 'bh2',
  final_sigmas_type: 'sigma_min',
};

test('UniPC full loop matches diffusers: mean 0.2464 (v_prediction 0.1014)', () => {
  const result = dpmLoop(createScheduler('unipc', uniPCTestConfig));
  assert.ok(Math.abs(absStats(result).mean - 0.2464) < 1e-3, `mean |x| = ${absStats(result).mean}`);
  const v = dpmLoop(createScheduler('unipc', { ...uniPCTestConfig, prediction_type: 'v_prediction' }));
  assert.ok(Math.abs(absStats(v).mean - 0.1014) < 1e-3, `v_prediction mean |x| = ${absStats(v).mean}`);
});

test('UniPC with Karras sigmas matches diffusers: mean 0.2925 (v_prediction 0.1966)', () => {
  const result = dpmLoop(createScheduler('unipc_karras', uniPCTestConfig));
  assert.ok(Math.abs(absStats(result).mean - 0.2925) < 1e-3, `mean |x| = ${absStats(result).mean}`);
  const v = dpmLoop(createScheduler('unipc_karras', { ...uniPCTestConfig, prediction_type: 'v_prediction' }));
  assert.ok(Math.abs(absStats(v).mean - 0.1966) < 1e-3, `v_prediction mean |x| = ${absStats(v).mean}`);
});

test('UniPC from a noised sample (img2img-style, last 2 of 10 steps) matches diffusers: sum 315.5757, mean 0.4109', () => {
  const scheduler = createScheduler('unipc', uniPCTestConfig);
  scheduler.setTimesteps(10);
  const timesteps = scheduler.timesteps.slice(8);
  let sample = scheduler.addNoise(fixture(), fixture(true), timesteps[0]!);
  for (const t of timesteps) sample = scheduler.step(fakeModel(sample, t), t, sample).prevSample;
  assertStats(sample, 315.5757, 0.4109);
});

test('UniPC orders 1 and 3, bh1 and noise-prediction form run without NaN and differ from the default', () => {
  const base = absStats(dpmLoop(createScheduler('unipc', uniPCTestConfig))).mean;
  for (const extra of [{ solver_order: 1 }, { solver_order: 3 }, { solver_type: 'bh1' }, { predict_x0: false }]) {
    const mean = absStats(dpmLoop(createScheduler('unipc', { ...uniPCTestConfig, ...extra }))).mean;
    assert.ok(Number.isFinite(mean), `${JSON.stringify(extra)}: mean ${mean}`);
    assert.ok(Math.abs(mean - base) > 1e-6, `${JSON.stringify(extra)} gave the default's ${mean}`);
  }
  assert.throws(() => createScheduler('unipc', { solver_order: 4 }), /solver_order/);
});

test('DPM-Solver++ 2M Karras uses Karras sigmas: timesteps strictly decreasing from 999, ending near 0', () => {
  // No diffusers fixture in schedulers.md; checked against the definition: sigma_i = (max^(1/7) + i/(n-1)
  // (min^(1/7) - max^(1/7)))^7 mapped back to training timesteps by log-sigma interpolation.
  const scheduler = createScheduler('dpmpp_2m_karras', { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 });
  scheduler.setTimesteps(10);
  const t = scheduler.timesteps;
  assert.equal(t.length, 10);
  assert.equal(t[0], 999);
  assert.ok(t.every((v, i) => i === 0 || v < t[i - 1]!), t.join());
  assert.ok(t[9]! <= 1, `last timestep ${t[9]}`);
  // Karras spacing puts more steps at low noise than linspace does.
  const linear = createScheduler('dpmpp_2m', { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 });
  linear.setTimesteps(10);
  assert.ok(t[5]! < linear.timesteps[5]!, `karras ${t[5]} vs linspace ${linear.timesteps[5]}`);
});

test('PNDM with the Runge-Kutta warm-up matches diffusers: sum 198.1318, mean 0.2580; timesteps as in schedulers.md', () => {
  // diffusers test_scheduler_pndm.py test_full_loop_no_noise (schedulers.md): PRK steps, then PLMS, from the sample.
  const scheduler = createScheduler('pndm', { ...ddimTestConfig, clip_sample: undefined, skip_prk_steps: false, set_alpha_to_one: false });
  assertStats(dpmLoop(scheduler), 198.1318, 0.258);
  const offset = createScheduler('pndm', { steps_offset: 1 });
  offset.setTimesteps(10);
  assert.deepEqual(offset.timesteps, [901, 851, 851, 801, 801, 751, 751, 701, 701, 651, 651, 601, 601, 501, 401, 301, 201, 101, 1]);
});

test('PNDM as Stable Diffusion ships it (skip_prk_steps) repeats the second-to-last timestep for PLMS', () => {
  const scheduler = createScheduler('pndm', { steps_offset: 1, skip_prk_steps: true });
  scheduler.setTimesteps(5);
  assert.deepEqual(scheduler.timesteps, [801, 601, 601, 401, 201, 1]);
});

test('Euler ancestral with torch.manual_seed(0) noise matches diffusers: sum 152.3192, mean 0.1983', () => {
  // diffusers test_scheduler_euler_ancestral.py test_full_loop_no_noise (not in schedulers.md): Euler's test loop
  // (scaled sample fed back) with generator = torch.manual_seed(0). Matching it checks TorchGenerator as well.
  const scheduler = createScheduler('euler_a', eulerTestConfig);
  scheduler.setTimesteps(10);
  const generator = new TorchGenerator(0);
  let sample = fixture();
  sample = { data: sample.data.map((v) => v * scheduler.initNoiseSigma), dims: sample.dims };
  for (const t of scheduler.timesteps) {
    sample = scheduler.scaleModelInput(sample, t);
    sample = scheduler.step(fakeModel(sample, t), t, sample, { generator }).prevSample;
  }
  assertStats(sample, 152.3192, 0.1983);
});

const lcmTestConfig = {
  num_train_timesteps: 1000,
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  original_inference_steps: 50,
  timestep_scaling: 10,
  set_alpha_to_one: true,
};

function lcmLoop(steps: number): { scheduler: Scheduler; sample: FloatTensor } {
  const scheduler = createScheduler('lcm', lcmTestConfig);
  scheduler.setTimesteps(steps);
  const generator = new TorchGenerator(0);
  let sample = fixture();
  for (const t of scheduler.timesteps) sample = scheduler.step(fakeModel(sample, t), t, sample, { generator }).prevSample;
  return { scheduler, sample };
}

test('LCM one step matches diffusers: sum 18.7097, mean 0.0244', () => {
  // diffusers test_scheduler_lcm.py test_full_loop_onestep_deter (schedulers.md, sum tolerance 1e-3).
  assertStats(lcmLoop(1).sample, 18.7097, 0.0244, 1e-3);
});

test('LCM ten steps with torch.manual_seed(0) noise match diffusers: sum 197.7616, mean 0.2575; timesteps 999..99', () => {
  // diffusers test_scheduler_lcm.py test_full_loop_multistep (not in schedulers.md); re-noising between steps
  // draws from TorchGenerator, so this also checks the generator against torch.
  const { scheduler, sample } = lcmLoop(10);
  assert.deepEqual(scheduler.timesteps, [999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
  assertStats(sample, 197.7616, 0.2575, 1e-2);
});

test('DDPM over all 1000 training steps with torch.manual_seed(0) noise matches diffusers (epsilon and v_prediction)', () => {
  // diffusers test_scheduler_ddpm.py test_full_loop_no_noise (sum 258.9606, mean 0.3372) and
  // test_full_loop_with_v_prediction (sum 202.0296, mean 0.2631); not in schedulers.md. The loop walks every
  // training timestep without set_timesteps, drawing the posterior noise from the generator.
  for (const [predictionType, sum, mean] of [['epsilon', 258.9606, 0.3372], ['v_prediction', 202.0296, 0.2631]] as const) {
    const scheduler = createScheduler('ddpm', { ...ddimTestConfig, variance_type: 'fixed_small', prediction_type: predictionType });
    const generator = new TorchGenerator(0);
    let sample = fixture();
    for (let t = 999; t >= 0; t--) sample = scheduler.step(fakeModel(sample, t), t, sample, { generator }).prevSample;
    assertStats(sample, sum, mean);
  }
});

test('LMS matches diffusers: epsilon sum 1006.388, v_prediction sum 0.0017, Karras sum 3812.9927', () => {
  // diffusers test_scheduler_lms.py test_full_loop_no_noise, test_full_loop_with_v_prediction and
  // test_full_loop_device_karras_sigmas (not in schedulers.md); Euler's test loop (scaled sample fed back).
  const cases = [
    [{}, 1006.388, 1.31],
    [{ prediction_type: 'v_prediction' }, 0.0017, 2.2676e-6],
    [{ use_karras_sigmas: true }, 3812.9927, 4.9648],
  ] as const;
  for (const [overrides, sum, mean] of cases) {
    const result = eulerTestLoop(createScheduler('lms', { ...eulerTestConfig, ...overrides }));
    assertStats(result, sum, mean);
  }
});

test('Heun matches diffusers: epsilon sum 0.1233, Karras sum 0.00015 (v_prediction near 0 too)', () => {
  // diffusers test_scheduler_heun.py test_full_loop_no_noise (CPU numbers), test_full_loop_device_karras_sigmas
  // and test_full_loop_with_v_prediction (sum 4.6934e-07: only "close to zero" is checked there at 1e-2).
  const cases = [
    [{}, 0.1233, 0.0002],
    [{ use_karras_sigmas: true }, 0.00015, 1.9869554535034695e-7],
    [{ prediction_type: 'v_prediction' }, 4.6934e-7, 6.1112e-10],
  ] as const;
  for (const [overrides, sum, mean] of cases) {
    const scheduler = createScheduler('heun', { ...eulerTestConfig, ...overrides });
    const result = eulerTestLoop(scheduler);
    assert.equal(scheduler.timesteps.length, 19, 'every sigma after the first twice');
    assertStats(result, sum, mean);
  }
});

test('DDIM addNoise = sqrt(alphabar_t) * x + sqrt(1 - alphabar_t) * noise, one timestep per batch entry', () => {
  const x = fixture();
  const noise = fixture(true);
  const noisy = createScheduler('ddim', handConfig).addNoise(x, noise, [0, 1, 2, 3]);
  for (const b of [0, 1, 2, 3]) {
    for (const i of [0, 57, 191]) {
      const k = b * 192 + i;
      const expected = Math.sqrt(handAlphaCumprod[b]) * x.data[k] + Math.sqrt(1 - handAlphaCumprod[b]) * noise.data[k];
      assert.ok(Math.abs(noisy.data[k] - expected) < 1e-6, `batch ${b} element ${i}: ${noisy.data[k]} vs ${expected}`);
    }
  }
  // A single timestep applies to the whole batch.
  const single = createScheduler('ddim', handConfig).addNoise(x, noise, 2);
  const expected = Math.sqrt(0.504) * x.data[700] + Math.sqrt(0.496) * noise.data[700];
  assert.ok(Math.abs(single.data[700] - expected) < 1e-6);
});

test('Euler addNoise = x + sigma_t * noise with sigma_t = sqrt((1 - alphabar_t) / alphabar_t)', () => {
  const euler = createScheduler('euler', handConfig);
  euler.setTimesteps(4);
  assert.deepEqual(euler.timesteps, [3, 2, 1, 0]);
  const x = fixture();
  const noise = fixture(true);
  const noisy = euler.addNoise(x, noise, 2);
  const sigma = Math.sqrt((1 - 0.504) / 0.504);
  const expected = x.data[123] + sigma * noise.data[123];
  assert.ok(Math.abs(noisy.data[123] - expected) < 1e-6, `${noisy.data[123]} vs ${expected}`);
  // Euler starts from noise of standard deviation sigma_max (timestep 3, alphabar 0.3024) with linspace spacing.
  assert.ok(Math.abs(euler.initNoiseSigma - Math.sqrt((1 - 0.3024) / 0.3024)) < 1e-6);
});

test('Euler scaleModelInput divides by sqrt(sigma^2 + 1) and leaves the sample alone', () => {
  const euler = createScheduler('euler', handConfig);
  euler.setTimesteps(4);
  const x = fixture();
  const before = Float32Array.from(x.data);
  const scaled = euler.scaleModelInput(x, 3);
  const sigma2 = (1 - 0.3024) / 0.3024;
  assert.ok(Math.abs(scaled.data[5] - x.data[5] / Math.sqrt(sigma2 + 1)) < 1e-6);
  assert.deepEqual(x.data, before);
});

test('unknown scheduler name fails with the list of known names', () => {
  assert.throws(() => createScheduler('dpm++ 9m', {}), (error: Error) => {
    assert.match(error.message, /Unknown scheduler "dpm\+\+ 9m"/);
    for (const name of schedulerNames) assert.ok(error.message.includes(name), `message lists ${name}`);
    return true;
  });
});

test('names are stable and have A1111 labels', () => {
  assert.deepEqual([...schedulerNames], ['ddim', 'ddpm', 'euler', 'euler_a', 'heun', 'lms', 'pndm', 'dpmpp_2m', 'dpmpp_2m_karras', 'dpmpp_2m_sde', 'dpmpp_2m_sde_karras', 'unipc', 'unipc_karras', 'lcm']);
  assert.equal(samplerLabel('lcm'), 'LCM');
  assert.equal(samplerLabel('ddpm'), 'DDPM');
  assert.equal(samplerLabel('lms'), 'LMS');
  assert.equal(samplerLabel('heun'), 'Heun');
  assert.equal(samplerLabel('euler_a'), 'Euler a');
  assert.equal(samplerLabel('pndm'), 'PLMS');
  assert.equal(samplerLabel('ddim'), 'DDIM');
  assert.equal(samplerLabel('euler'), 'Euler');
  assert.equal(samplerLabel('dpmpp_2m'), 'DPM++ 2M');
  assert.equal(samplerLabel('dpmpp_2m_karras'), 'DPM++ 2M Karras');
  assert.throws(() => samplerLabel('nope'), /Known schedulers: ddim, ddpm, euler, euler_a, heun, lms, pndm, dpmpp_2m, dpmpp_2m_karras, dpmpp_2m_sde, dpmpp_2m_sde_karras, unipc, unipc_karras, lcm/);
});

test('camelCase config keys work like the snake_case ones of the file; unknown keys are ignored', () => {
  const camel = createScheduler('ddim', {
    numTrainTimesteps: 1000,
    betaStart: 0.0001,
    betaEnd: 0.02,
    betaSchedule: 'linear',
    clipSample: true,
    somethingNew: 42,
  });
  assert.deepEqual(absStats(ddimLoop(camel)), absStats(ddimLoop(createScheduler('ddim', ddimTestConfig))));
});

test('bad settings fail with a message naming them', () => {
  assert.throws(() => createScheduler('ddim', { beta_schedule: 'sigmoid' }), /beta_schedule "sigmoid"/);
  assert.throws(() => createScheduler('euler', { prediction_type: 'flow' }), /prediction_type "flow"/);
  assert.throws(() => createScheduler('ddim', { num_train_timesteps: '1000' }), /"num_train_timesteps" should be a number/);
  assert.throws(() => createScheduler('ddim', { thresholding: true }), /thresholding/);
  assert.throws(() => createScheduler('ddim', { trained_betas: [0.1, 0.2] }), /trained_betas/);
  const ddim = createScheduler('ddim', {});
  assert.throws(() => ddim.setTimesteps(0), /numInferenceSteps/);
  assert.throws(() => ddim.setTimesteps(1001), /numInferenceSteps/);
});

test('trailing spacing gives exactly n timesteps (numpy gives 62 for 61 steps, the last being -1)', () => {
  const ddim = createScheduler('ddim', { timestep_spacing: 'trailing' });
  ddim.setTimesteps(61);
  assert.equal(ddim.timesteps.length, 61);
  assert.equal(ddim.timesteps[0], 999);
  assert.ok(ddim.timesteps.every((t) => t >= 0));
});

// ../shared/reference/sd15-layout holds SD 1.5's scheduler_config.json, which names PNDMScheduler.
const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
const sd15ConfigPath = path.resolve(projectRoot, '../shared/reference/sd15-layout/scheduler_config.json');
const sd15Skip = existsSync(sd15ConfigPath) ? false : `reference data not found: ${sd15ConfigPath}`;

test('a real SD 1.5 config (PNDMScheduler) configures DDIM and Euler', { skip: sd15Skip }, () => {
  const config = JSON.parse(readFileSync(sd15ConfigPath, 'utf8')) as Record<string, unknown>;
  assert.equal(config._class_name, 'PNDMScheduler');
  const ddim = createScheduler('ddim', config);
  ddim.setTimesteps(5);
  assert.deepEqual(ddim.timesteps, [801, 601, 401, 201, 1]); // leading spacing + steps_offset 1
  const euler = createScheduler('euler', config);
  euler.setTimesteps(30);
  assert.equal(euler.timesteps[0], 999);
  // sqrt((1 - alphabar_999) / alphabar_999) of SD's scaled_linear schedule: the well-known sigma_max 14.6146.
  assert.ok(Math.abs(euler.initNoiseSigma - 14.6146) < 1e-3, `initNoiseSigma ${euler.initNoiseSigma}`);
});

test('pipeline-style loops (unscaled latents kept) with a noise oracle end at the clean sample', () => {
  // If the model predicts the true noise, every step's x0 estimate is exact and the last step returns x0.
  const x0 = fixture();
  const noise = fixture(true);
  // Ancestral sampling, DDPM, LCM and the SDE solvers add fresh noise each step, after which the oracle's noise
  // is no longer the true one.
  // set_alpha_to_one: the last DDIM/PNDM step goes to alphabar = 1 (clean), not to timestep 0's small noise level.
  for (const name of schedulerNames.filter((n) => !['euler_a', 'lcm', 'ddpm', 'dpmpp_2m_sde', 'dpmpp_2m_sde_karras'].includes(n))) {
    const scheduler = createScheduler(name, { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, set_alpha_to_one: true });
    scheduler.setTimesteps(20);
    let latents = scheduler.addNoise(x0, noise, scheduler.timesteps[0]);
    for (const t of scheduler.timesteps) {
      const modelInput = scheduler.scaleModelInput(latents, t);
      assert.equal(modelInput.data.length, latents.data.length);
      latents = scheduler.step({ data: noise.data, dims: [...FIXTURE_DIMS] }, t, latents).prevSample;
    }
    const maxError = latents.data.reduce((m, v, i) => Math.max(m, Math.abs(v - x0.data[i])), 0);
    assert.ok(maxError < 1e-4, `${name}: max |x - x0| = ${maxError}`);
  }
});
