/**
 * Euler ancestral (AUTOMATIC1111's "Euler a"), as diffusers' EulerAncestralDiscreteScheduler computes it: an
 * Euler step down to sigma_down, then fresh noise of size sigma_up, so that the marginal at the next sigma is
 * right. Stochastic: the noise comes from the step's generator, which reproduces torch's CPU generator.
 * Same sigmas, timesteps and input scaling as Euler.
 */
import type { FloatTensor } from '../tensor.js';
import { EulerDiscreteScheduler } from './euler.js';
import { checkSameShape } from './timesteps.js';
import type { RawSchedulerConfig, StepOptions, StepResult } from './types.js';
import { predictX0FromSigma } from './predictions.js';

const f = Math.fround;

export class EulerAncestralDiscreteScheduler extends EulerDiscreteScheduler {
  override readonly name: string = 'euler_a';

  constructor(rawConfig: RawSchedulerConfig = {}) {
    super(rawConfig);
  }

  override step(modelOutput: FloatTensor, timestep: number, sample: FloatTensor, options: StepOptions = {}): StepResult {
    if (this.numInferenceSteps === null) throw new Error('Euler ancestral: call setTimesteps() before step()');
    checkSameShape(modelOutput, sample, 'Euler ancestral step');
    if (!options.generator) throw new Error('Euler ancestral step needs a generator for its noise');
    if (this.stepIndex === null) this.stepIndex = this.initialStepIndex(timestep);
    const sigma = this.sigmas[this.stepIndex]!;
    const sigmaNext = this.sigmas[this.stepIndex + 1]!;
    const count = sample.data.length;
    const x = sample.data;
    const m = modelOutput.data;

    const x0 = predictX0FromSigma(this.config.predictionType, m, x, sigma);

    const sigmaUp = f(Math.sqrt(f(f(f(sigmaNext * sigmaNext) * f(f(sigma * sigma) - f(sigmaNext * sigmaNext))) / f(sigma * sigma))));
    const sigmaDown = f(Math.sqrt(f(f(sigmaNext * sigmaNext) - f(sigmaUp * sigmaUp))));
    const dt = f(sigmaDown - sigma);
    const noise = options.generator.randn(sample.dims);
    const prev = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const derivative = f(f(x[i]! - x0[i]!) / sigma);
      prev[i] = f(f(x[i]! + f(derivative * dt)) + f(noise[i]! * sigmaUp));
    }
    this.stepIndex += 1;
    return { prevSample: { data: prev, dims: [...sample.dims] }, predOriginalSample: { data: x0, dims: [...sample.dims] } };
  }
}
