/**
 * A stand-in for Stable Diffusion's safety checker with the interface of diffusers' ONNX export
 * (`safety_checker/model.onnx`): `clip_input` [batch, channels, height, width] and `images`
 * [batch, height, width, channels] in (the export reuses the names height and width for both), `out_images`
 * (same shape as images) and `has_nsfw_concepts` bool [batch] out; float16 tensors for an fp16 export. With
 * it comes the `feature_extractor/preprocessor_config.json` CLIPImageProcessor writes.
 *
 * The real checker compares CLIP image embeddings with concept embeddings; there is nothing to learn that
 * from here, so this one flags what tests can make at will and real pictures never are: a picture of
 * (almost) one colour. See buildTinySafetyChecker for the rule.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { floatInput, floatOutput, type FloatDtype } from '../../diffusion/graph/layers.js';
import { ElemType, GraphBuilder, type ModelOptions } from '../../diffusion/graph/onnx-graph.js';
import { json } from './tiny-configs.js';

/**
 * The variance below which a picture is flagged, in clip_input's units (values normalised by CLIP's std of
 * about 0.27 on the 0..1 scale): 0.003 is a standard deviation of about 0.015 on that scale, 4 levels of 255.
 */
export const TINY_SAFETY_THRESHOLD = 0.003;

/**
 * Flags a picture when the variance of its clip_input over the pixels, per channel and then averaged over the
 * channels, is below `threshold`; `out_images` is images * (1 - flag).
 *
 * Why this rule: a flat picture gives exactly 0 (Pillow's resize keeps a constant constant) and one with a
 * little noise stays well below (uniform noise of ±3 levels: 0.0005, six times under); pictures of the
 * toy-shapes model, a shape on a background, measured 0.024 to 1.1 (eight of them), and a small red disc on
 * orange, the closest pair of toy colours, 0.029: eight times over. fp16's rounding of clip_input adds a
 * variance of about 3e-7, so it cannot move a picture across. A variance, not a range, so that a few stray
 * pixels do not unflag a flat picture; averaged over channels, so a picture that varies in one channel only
 * still counts as varied. It is computed in float32 whatever the export's dtype.
 */
export function buildTinySafetyChecker(dtype: FloatDtype, threshold = TINY_SAFETY_THRESHOLD): GraphBuilder {
  const g = new GraphBuilder('safety_checker');
  const clip = floatInput(g, 'clip_input', dtype, ['batch', 'channels', 'height', 'width']);
  const images = floatInput(g, 'images', dtype, ['batch', 'height', 'width', 'channels']);
  const centred = g.op('Sub', [clip, g.op('ReduceMean', [clip], { axes: [2, 3], keepdims: 1 })]);
  const variance = g.op('ReduceMean', [g.op('Mul', [centred, centred])], { axes: [2, 3], keepdims: 1 }); // [batch, channels, 1, 1]
  const spread = g.op('ReduceMean', [variance], { axes: [1, 2, 3], keepdims: 0 }); // [batch]
  const flagged = g.op('Less', [spread, g.initializer('flat_threshold', Float32Array.of(threshold), [])]);
  const keep = g.op('Sub', [g.constFloat([1], []), g.op('Cast', [flagged], { to: ElemType.float32 })]);
  const out = g.op('Mul', [images, g.op('Reshape', [keep, g.constInt64([-1, 1, 1, 1])])]);
  floatOutput(g, 'out_images', out, dtype, ['batch', 'height', 'width', 'channels']);
  g.output('has_nsfw_concepts', flagged, 'bool', ['batch']);
  return g;
}

/** feature_extractor/preprocessor_config.json as CLIPImageProcessor saves the one SD's checker uses. */
export function preprocessorConfig(): Record<string, unknown> {
  return {
    crop_size: { height: 224, width: 224 },
    do_center_crop: true,
    do_convert_rgb: true,
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    image_mean: [0.48145466, 0.4578275, 0.40821073],
    image_processor_type: 'CLIPImageProcessor',
    image_std: [0.26862954, 0.26130258, 0.27577711],
    resample: 3,
    rescale_factor: 0.00392156862745098,
    size: { shortest_edge: 224 },
  };
}

/** What model_index.json says of a pipeline that has its checker, as diffusers' ONNX export writes it. */
export const SAFETY_CHECKER_INDEX = {
  feature_extractor: ['transformers', 'CLIPImageProcessor'],
  requires_safety_checker: true,
  safety_checker: ['diffusers', 'OnnxRuntimeModel'],
};

/** The checker's files, by path inside a model folder. */
export function tinySafetyCheckerFiles(dtype: FloatDtype, onnxOptions: ModelOptions = {}, threshold = TINY_SAFETY_THRESHOLD): Map<string, Uint8Array | string> {
  return new Map<string, Uint8Array | string>([
    ['feature_extractor/preprocessor_config.json', json(preprocessorConfig())],
    ['safety_checker/model.onnx', buildTinySafetyChecker(dtype, threshold).toBytes({ producerName: 'atelier-tiny-safety-checker', ...onnxOptions })],
  ]);
}

/**
 * Adds the checker to a model folder that exists (a copy of the toy-shapes model, say): its two files, and
 * model_index.json's entries for it when the folder has one.
 */
export async function writeTinySafetyChecker(modelDir: string, options: { dtype?: FloatDtype; threshold?: number } = {}): Promise<void> {
  for (const [name, contents] of tinySafetyCheckerFiles(options.dtype ?? 'float32', {}, options.threshold)) {
    const file = path.join(modelDir, name);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, contents);
  }
  const indexFile = path.join(modelDir, 'model_index.json');
  const index = await fs.readFile(indexFile, 'utf8').then(
    (text) => JSON.parse(text) as Record<string, unknown>,
    () => undefined,
  );
  if (index) await fs.writeFile(indexFile, json({ ...index, ...SAFETY_CHECKER_INDEX }));
}
