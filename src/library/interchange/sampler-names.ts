/** Our sampler names with the labels AUTOMATIC1111 shows for them ("euler_a" / "Euler a"). */
export interface SamplerNaming {
  name: string;
  label: string;
}

/**
 * ComfyUI's and InvokeAI's names for samplers that are also ours (their own spelling -> our name). The
 * scheduler (noise schedule) is a separate setting in both; a Karras schedule selects our *_karras variant.
 */
const COMFYUI_SAMPLERS: Record<string, string> = {
  euler: 'euler',
  euler_ancestral: 'euler_a',
  heun: 'heun',
  lms: 'lms',
  ddim: 'ddim',
  ddpm: 'ddpm',
  dpmpp_2m: 'dpmpp_2m',
  dpmpp_2m_sde: 'dpmpp_2m_sde',
  uni_pc: 'unipc',
  uni_pc_bh2: 'unipc',
  lcm: 'lcm',
};

const INVOKEAI_SCHEDULERS: Record<string, string> = {
  euler: 'euler',
  euler_a: 'euler_a',
  heun: 'heun',
  lms: 'lms',
  ddim: 'ddim',
  ddpm: 'ddpm',
  pndm: 'pndm',
  dpmpp_2m: 'dpmpp_2m',
  dpmpp_2m_k: 'dpmpp_2m_karras',
  dpmpp_2m_sde: 'dpmpp_2m_sde',
  dpmpp_2m_sde_k: 'dpmpp_2m_sde_karras',
  unipc: 'unipc',
  unipc_k: 'unipc_karras',
  lcm: 'lcm',
  // InvokeAI 2.x ("sd-metadata", "Dream"): k-diffusion names
  k_euler: 'euler',
  k_euler_a: 'euler_a',
  k_heun: 'heun',
  k_lms: 'lms',
  plms: 'pndm',
};

/**
 * Maps the samplers a file names to ours. Unknown ones keep the tool's own name: the picture is still worth
 * keeping, and its record says truthfully what made it (a re-run then has to pick a sampler).
 */
export class SamplerNames {
  private readonly byLabel: Map<string, string>;
  private readonly names: Set<string>;

  constructor(samplers: readonly SamplerNaming[]) {
    this.byLabel = new Map(samplers.map((s) => [s.label.toLowerCase(), s.name]));
    this.names = new Set(samplers.map((s) => s.name));
  }

  /** AUTOMATIC1111 label ("DPM++ 2M Karras"); newer versions write the schedule apart ("Schedule type: Karras"). */
  fromA1111(label: string, scheduleType?: string): string {
    const withSchedule = scheduleType && !/^(automatic|normal|default)$/i.test(scheduleType) ? `${label} ${scheduleType}` : label;
    return this.byLabel.get(withSchedule.toLowerCase()) ?? this.byLabel.get(label.toLowerCase()) ?? withSchedule;
  }

  /** ComfyUI's sampler_name and scheduler ("dpmpp_2m" + "karras"). */
  fromComfyUi(samplerName: string, scheduler?: string): string {
    const ours = COMFYUI_SAMPLERS[samplerName];
    const karras = scheduler === 'karras';
    // "simple" spaces the steps evenly as "normal" does (FLUX and SD3 workflows use it): our default spacing.
    const plain = !scheduler || scheduler === 'normal' || scheduler === 'simple';
    if (ours && (plain || karras)) {
      const name = karras ? `${ours}_karras` : ours;
      if (this.names.has(name)) return name;
    }
    return plain ? samplerName : `${samplerName} ${scheduler}`;
  }

  /** InvokeAI's scheduler ("dpmpp_2m_k") or, in 2.x files, its k-diffusion sampler name ("k_euler_a"). */
  fromInvokeAi(scheduler: string): string {
    const ours = INVOKEAI_SCHEDULERS[scheduler];
    return ours && this.names.has(ours) ? ours : scheduler;
  }
}
