/**
 * ATELIER_SAFETY: what becomes of a picture that a model's safety checker (`safety_checker/model.onnx`, run
 * after decoding as diffusers does) flags. In every mode but `off` the image is marked (Image.nsfw) and the
 * generation's warnings count it; the file is black (block), blurred past recognition (blur) or as made (flag).
 */
export const SAFETY_MODES = ['block', 'blur', 'flag', 'off'] as const;
export type SafetyMode = (typeof SAFETY_MODES)[number];

/** The warning a generation gets for its flagged images. */
export function safetyWarning(flagged: readonly number[], mode: Exclude<SafetyMode, 'off'>): string {
  const what = { block: 'replaced by black', blur: 'blurred', flag: 'kept as made' }[mode];
  const images = flagged.length === 1 ? `image ${flagged[0]} was` : `images ${flagged.join(', ')} were`;
  return `the safety checker flagged ${flagged.length} image${flagged.length === 1 ? '' : 's'}: ${images} ${what} (ATELIER_SAFETY=${mode}) and marked nsfw`;
}
