/**
 * Scheduler registry. Adding a scheduler = one file that implements `Scheduler` + one line in `registry`.
 * Names are stable API (GraphQL, saved generations); labels are what AUTOMATIC1111 writes in PNG metadata.
 * Flow-matching models (SD3, FLUX) get their own variants of some of these names (`flow-registry.ts`).
 */
import { DDIMScheduler } from './ddim.js';
import { DDPMScheduler } from './ddpm.js';
import { DPMSolverMultistepScheduler } from './dpm-solver.js';
import { EulerAncestralDiscreteScheduler } from './euler-ancestral.js';
import { EulerDiscreteScheduler } from './euler.js';
import { createFlowScheduler, isFlowMatchConfig } from './flow-registry.js';
import { HeunDiscreteScheduler } from './heun.js';
import { LCMScheduler } from './lcm.js';
import { LMSDiscreteScheduler } from './lms.js';
import { PNDMScheduler } from './pndm.js';
import type { RawSchedulerConfig, Scheduler } from './types.js';
import { UniPCMultistepScheduler } from './unipc.js';

interface SchedulerEntry {
  label: string;
  create(config: RawSchedulerConfig): Scheduler;
}

const registry = {
  ddim: { label: 'DDIM', create: (config) => new DDIMScheduler(config) },
  ddpm: { label: 'DDPM', create: (config) => new DDPMScheduler(config) },
  euler: { label: 'Euler', create: (config) => new EulerDiscreteScheduler(config) },
  euler_a: { label: 'Euler a', create: (config) => new EulerAncestralDiscreteScheduler(config) },
  heun: { label: 'Heun', create: (config) => new HeunDiscreteScheduler(config) },
  lms: { label: 'LMS', create: (config) => new LMSDiscreteScheduler(config) },
  pndm: { label: 'PLMS', create: (config) => new PNDMScheduler(config) },
  dpmpp_2m: { label: 'DPM++ 2M', create: (config) => new DPMSolverMultistepScheduler(config, 'dpmpp_2m') },
  dpmpp_2m_karras: {
    label: 'DPM++ 2M Karras',
    create: (config) => new DPMSolverMultistepScheduler({ ...config, use_karras_sigmas: true }, 'dpmpp_2m_karras'),
  },
  dpmpp_2m_sde: {
    label: 'DPM++ 2M SDE',
    create: (config) => new DPMSolverMultistepScheduler({ ...config, algorithm_type: 'sde-dpmsolver++' }, 'dpmpp_2m_sde'),
  },
  dpmpp_2m_sde_karras: {
    label: 'DPM++ 2M SDE Karras',
    create: (config) =>
      new DPMSolverMultistepScheduler({ ...config, algorithm_type: 'sde-dpmsolver++', use_karras_sigmas: true }, 'dpmpp_2m_sde_karras'),
  },
  unipc: { label: 'UniPC', create: (config) => new UniPCMultistepScheduler(config, 'unipc') },
  unipc_karras: {
    label: 'UniPC Karras',
    create: (config) => new UniPCMultistepScheduler({ ...config, use_karras_sigmas: true }, 'unipc_karras'),
  },
  lcm: { label: 'LCM', create: (config) => new LCMScheduler(config) },
} satisfies Record<string, SchedulerEntry>;

export type SchedulerName = keyof typeof registry;

export const schedulerNames = Object.freeze(Object.keys(registry)) as readonly SchedulerName[];

export function isSchedulerName(name: string): name is SchedulerName {
  return Object.hasOwn(registry, name);
}

/** AUTOMATIC1111's name for a scheduler, as written in PNG metadata ("Sampler: Euler"). */
export function samplerLabel(name: string): string {
  return registry[checkedName(name)].label;
}

/**
 * A scheduler configured from a model's scheduler_config.json. The file's `_class_name` (often PNDMScheduler)
 * matters only when it names a flow-matching scheduler: then `name` builds its flow variant, and a sampler with
 * none is an error listing `flowSamplerNames()`. Otherwise only the beta schedule, timestep and prediction
 * settings that `name` understands are read.
 */
export function createScheduler(name: string, config: RawSchedulerConfig = {}): Scheduler {
  const checked = checkedName(name);
  return isFlowMatchConfig(config) ? createFlowScheduler(checked, config) : registry[checked].create(config);
}

function checkedName(name: string): SchedulerName {
  if (!isSchedulerName(name)) {
    throw new Error(`Unknown scheduler "${name}". Known schedulers: ${schedulerNames.join(', ')}`);
  }
  return name;
}

export { DDIMScheduler } from './ddim.js';
export { DDPMScheduler } from './ddpm.js';
export { EulerDiscreteScheduler } from './euler.js';
export { EulerAncestralDiscreteScheduler } from './euler-ancestral.js';
export { PNDMScheduler } from './pndm.js';
export { HeunDiscreteScheduler } from './heun.js';
export { LCMScheduler } from './lcm.js';
export { LMSDiscreteScheduler } from './lms.js';
export { DPMSolverMultistepScheduler } from './dpm-solver.js';
export { UniPCMultistepScheduler } from './unipc.js';
export { FlowMatchEulerDiscreteScheduler } from './flow-match-euler.js';
export { FlowMatchHeunDiscreteScheduler } from './flow-match-heun.js';
export { FlowDPMSolverMultistepScheduler } from './flow-dpm-solver.js';
export { flowSamplerNames, isFlowMatchConfig } from './flow-registry.js';
export { flowImg2ImgStart, flowShiftMu, fluxPipelineSigmas } from './flow-sigmas.js';
export type {
  NoiseGenerator,
  RawSchedulerConfig,
  Scheduler,
  SetTimestepsOptions,
  StepOptions,
  StepResult,
} from './types.js';
