/**
 * What a model folder with transformer/ instead of unet/ (optimum's SD3 and FLUX exports) must hold beyond
 * what every model needs. Kept apart from model-folder.ts so that the rules of these two families are in one place.
 */
import type { ModelFamily } from './family.js';

/** The parts of a transformer folder the checks look at. */
export interface TransformerFolderEvidence {
  family: ModelFamily;
  transformer: Record<string, unknown>;
  vae: Record<string, unknown>;
  /** The text encoder folders present: text_encoder, text_encoder_2, text_encoder_3. */
  textEncoders: readonly string[];
}

const LABEL: Partial<Record<ModelFamily, string>> = { sd3: 'SD3', flux: 'FLUX' };

/**
 * The encoders each family cannot do without, and why. SD3's T5 (text_encoder_3) is optional: its pipeline
 * puts zeros in T5's place when it is absent.
 */
const NEEDED_ENCODERS: Partial<Record<ModelFamily, ReadonlyArray<[folder: string, role: string]>>> = {
  sd3: [
    ['text_encoder', 'CLIP-L, half of its pooled projection'],
    ['text_encoder_2', 'CLIP-bigG, the other half'],
  ],
  flux: [
    ['text_encoder', 'CLIP-L, its pooled projection'],
    ['text_encoder_2', 'T5, its text tokens'],
  ],
};

/** Why a transformer folder that has every common file still cannot work, or undefined when it can. */
export function transformerFolderProblem({ family, transformer, vae, textEncoders }: TransformerFolderEvidence): string | undefined {
  const label = LABEL[family];
  if (!label) {
    const name = typeof transformer._class_name === 'string' ? transformer._class_name : 'a transformer';
    return `transformer/ holds ${name}, which is neither SD3's nor FLUX's transformer`;
  }
  for (const [folder, role] of NEEDED_ENCODERS[family] ?? []) {
    if (!textEncoders.includes(folder)) return `${label} needs ${folder}/model.onnx (${role}), which is missing`;
  }
  const expected = latentChannelsOf(family, transformer);
  if (expected !== undefined && typeof vae.latent_channels === 'number' && vae.latent_channels !== expected) {
    return `vae_decoder/config.json has ${vae.latent_channels} latent channels, but the ${label} transformer takes ${expected}`;
  }
  return undefined;
}

/** The latent channels a transformer takes: SD3's in_channels; FLUX packs 2x2 patches, so in_channels / 4. */
function latentChannelsOf(family: ModelFamily, transformer: Record<string, unknown>): number | undefined {
  const inChannels = transformer.in_channels;
  if (typeof inChannels !== 'number') return undefined;
  return family === 'flux' ? inChannels / 4 : inChannels;
}
