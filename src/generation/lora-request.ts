/**
 * The LoRA part of the request policy: the `loras` field and the prompt's `<lora:...>` tags, joined and checked
 * against the installed LoRAs (a known name, a weight in range, made for the model's family). Throws
 * GenerationRequestError naming the field, with the allowed values.
 */
import type { ModelFamily } from '../diffusion/index.js';
import type { LoraMention, LoraUse } from './lora-tags.js';
import { GenerationRequestError } from './request-errors.js';

export const LORA_LIMITS = {
  weight: { min: -5, max: 5 },
  /** LoRAs one job may apply: each one is merged into the weights before the job runs. */
  count: { max: 8 },
} as const;

/** A LoRA as the `loras` field asks for it: the weight is 1 when left out. */
export interface LoraRequest {
  name: string;
  weight?: number | null;
}

/** What the check needs to know of an installed LoRA. */
export interface RequestLora {
  name: string;
  /** The family it was trained for; null when its file does not say (it is then offered to every model). */
  family: ModelFamily | null;
  hash: string;
}

/**
 * The LoRAs a job applies, in the order given: the field's first, then the prompt's tags. `fromTags` came out of
 * the prompt, so their errors name the prompt.
 */
export function checkLoras(
  field: readonly LoraRequest[],
  fromTags: readonly LoraMention[],
  installed: readonly RequestLora[],
  model: { name: string; family: ModelFamily },
): LoraUse[] {
  const asked = [
    ...field.map((lora, i) => ({ name: lora.name, weight: lora.weight ?? 1, at: `loras[${i}]` })),
    ...fromTags.map((lora) => ({ ...lora, at: 'prompt' })),
  ];
  if (asked.length > LORA_LIMITS.count.max) {
    throw new GenerationRequestError('loras', `a job may apply at most ${LORA_LIMITS.count.max} LoRAs, got ${asked.length}`, {
      max: LORA_LIMITS.count.max,
    });
  }
  const suitable = installed.filter((lora) => lora.family === null || lora.family === model.family);
  const allowedValues = suitable.map((lora) => lora.name);
  const seen = new Set<string>();
  return asked.map(({ name, weight, at }) => {
    // A name is echoed in the message, so a hostile one cannot make the answer huge.
    const shown = name.length > 100 ? `${name.slice(0, 100)}...` : name;
    const nameField = at === 'prompt' ? at : `${at}.name`;
    if (seen.has(name)) {
      throw new GenerationRequestError(nameField, `LoRA "${shown}" is asked for twice`, { allowedValues, reason: 'DUPLICATE_LORA' });
    }
    seen.add(name);
    const lora = installed.find((candidate) => candidate.name === name);
    if (!lora) {
      throw new GenerationRequestError(nameField, `unknown LoRA "${shown}"; installed for ${model.family}: ${allowedValues.join(', ') || 'none'}`, {
        allowedValues,
        reason: 'LORA_NOT_FOUND',
      });
    }
    if (!suitable.includes(lora)) {
      throw new GenerationRequestError(
        nameField,
        `LoRA "${shown}" is for ${lora.family} models; model "${model.name}" is ${model.family} (its LoRAs: ${allowedValues.join(', ') || 'none'})`,
        { allowedValues, reason: 'LORA_FAMILY_MISMATCH' },
      );
    }
    const { min, max } = LORA_LIMITS.weight;
    if (!Number.isFinite(weight) || weight < min || weight > max) {
      const weightField = at === 'prompt' ? at : `${at}.weight`;
      throw new GenerationRequestError(weightField, `the weight of LoRA "${shown}" must be between ${min} and ${max}, got ${weight}`, { min, max });
    }
    return { name, weight, hash: lora.hash };
  });
}
