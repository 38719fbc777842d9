/**
 * The samplers of flow-matching models (SD3, FLUX). A model is one when its scheduler_config.json names a
 * diffusers flow-matching class; the sampler names users know then build the flow variant. Their labels stay
 * `samplerLabel`'s ("Euler", not "Euler (flow)"), as AUTOMATIC1111/Forge and ComfyUI label them for flow models.
 */
import { FlowDPMSolverMultistepScheduler } from './flow-dpm-solver.js';
import { FlowMatchEulerDiscreteScheduler } from './flow-match-euler.js';
import { FlowMatchHeunDiscreteScheduler } from './flow-match-heun.js';
import type { RawSchedulerConfig, Scheduler } from './types.js';

const FLOW_SCHEDULER_CLASSES: readonly string[] = ['FlowMatchEulerDiscreteScheduler', 'FlowMatchHeunDiscreteScheduler'];

const flowRegistry = {
  euler: (config) => new FlowMatchEulerDiscreteScheduler(config, 'euler'),
  heun: (config) => new FlowMatchHeunDiscreteScheduler(config, 'heun'),
  dpmpp_2m: (config) => new FlowDPMSolverMultistepScheduler(config, 'dpmpp_2m'),
} satisfies Record<string, (config: RawSchedulerConfig) => Scheduler>;

const names = Object.freeze(Object.keys(flowRegistry)) as readonly (keyof typeof flowRegistry)[];

/** Whether a scheduler_config.json belongs to a flow-matching model (its `_class_name`). */
export function isFlowMatchConfig(config: RawSchedulerConfig | undefined): boolean {
  const className = config?._class_name;
  return typeof className === 'string' && FLOW_SCHEDULER_CLASSES.includes(className);
}

/** The sampler names that work for flow-matching models, for request validation. */
export function flowSamplerNames(): readonly string[] {
  return names;
}

/** The flow variant of sampler `name`; any other sampler is an error that names the ones that work. */
export function createFlowScheduler(name: string, config: RawSchedulerConfig): Scheduler {
  if (!Object.hasOwn(flowRegistry, name)) {
    throw new Error(
      `Sampler "${name}" does not work with flow-matching models (${String(config._class_name)}). ` +
        `Samplers for flow models: ${names.join(', ')}`,
    );
  }
  return flowRegistry[name as keyof typeof flowRegistry](config);
}
