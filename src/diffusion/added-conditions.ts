/**
 * The UNet inputs beyond sample, timestep and encoder_hidden_states, fed when an export declares them:
 * - SDXL (`addition_embed_type: text_time`): `text_embeds`, the pooled projection of the prompt from the second
 *   text encoder, and `time_ids`, the micro-conditioning on sizes (original size, crop offset, target size; an
 *   SDXL refiner has original size, crop and an aesthetic score instead of the target size).
 * - LCM (`time_cond_proj_dim`): `timestep_cond`, an embedding of the guidance scale that replaces the
 *   unconditional pass.
 * A new family's extra inputs join here (spec read from the session, one batched row per UNet call);
 * ControlNet's residuals are per step, not per request, so they are fed by unet.ts instead.
 */
import type { ModelSession } from './model/onnx-session.js';
import type { PromptEncoder } from './text/text-encoder.js';
import { concatBatch, sliceBatch, type FloatTensor } from './tensor.js';

/** diffusers' defaults for a refiner's aesthetic score micro-conditioning (positive, negative). */
const AESTHETIC_SCORE = 6;
const NEGATIVE_AESTHETIC_SCORE = 2.5;

export interface AddedConditionSpec {
  /** SDXL's text_embeds + time_ids; null for SD 1.x/2.x UNets. */
  textTime: { timeIdsLength: 5 | 6 } | null;
  /** Width of LCM's guidance embedding (timestep_cond); null when guidance is applied by a second pass. */
  guidanceEmbeddingDim: number | null;
}

/** Reads which added conditions the UNet takes and checks the text encoders can supply them. */
export function inspectAddedConditions(unet: ModelSession, encoder: PromptEncoder, unetPath: string): AddedConditionSpec {
  let textTime: AddedConditionSpec['textTime'] = null;
  if (unet.hasInput('text_embeds') || unet.hasInput('time_ids')) {
    if (!unet.hasInput('text_embeds') || !unet.hasInput('time_ids')) {
      throw new Error(`${unetPath} takes only one of text_embeds and time_ids; an SDXL UNet takes both`);
    }
    if (!encoder.hasPooled) {
      throw new Error(
        `${unetPath} is an SDXL UNet (text_embeds, time_ids) but no text encoder gives the pooled projection it needs (text_encoder_2/ with a text_embeds output)`,
      );
    }
    const length = unet.input('time_ids').shape[1];
    // Symbolic or missing: a base model's six values.
    textTime = { timeIdsLength: length === 5 ? 5 : 6 };
  }
  let guidanceEmbeddingDim: number | null = null;
  if (unet.hasInput('timestep_cond')) {
    const width = unet.input('timestep_cond').shape[1];
    if (typeof width !== 'number') throw new Error(`${unetPath}: timestep_cond has no fixed width (time_cond_proj_dim)`);
    guidanceEmbeddingDim = width;
  }
  return { textTime, guidanceEmbeddingDim };
}

export interface AddedConditionRequest {
  width: number;
  height: number;
  guidanceScale: number;
  /** Pooled embeddings [1 or 2, D] in the order of the conditioning: [negative, prompt] with guidance, else [prompt]. */
  pooled: FloatTensor | undefined;
  imageCount: number;
  useGuidance: boolean;
}

/** The added inputs for every UNet call of one request, one row per batch entry ([negatives x N, prompts x N]). */
export function addedConditions(spec: AddedConditionSpec, request: AddedConditionRequest): Record<string, FloatTensor> {
  const feeds: Record<string, FloatTensor> = {};
  const halves = request.useGuidance ? [true, false] : [false];
  if (spec.textTime) {
    if (!request.pooled) throw new Error('an SDXL UNet needs the pooled prompt embedding');
    const pooledRows: FloatTensor[] = [];
    const timeRows: FloatTensor[] = [];
    halves.forEach((negative, half) => {
      const pooled = sliceBatch(request.pooled!, half, 1);
      const timeIds = { data: Float32Array.from(sdxlTimeIds(request, spec.textTime!.timeIdsLength, negative)), dims: [1, spec.textTime!.timeIdsLength] };
      for (let i = 0; i < request.imageCount; i++) {
        pooledRows.push(pooled);
        timeRows.push(timeIds);
      }
    });
    feeds.text_embeds = concatBatch(pooledRows);
    feeds.time_ids = concatBatch(timeRows);
  }
  if (spec.guidanceEmbeddingDim !== null) {
    const rows = halves.length * request.imageCount;
    const one = guidanceScaleEmbedding(request.guidanceScale - 1, spec.guidanceEmbeddingDim);
    const data = new Float32Array(rows * one.length);
    for (let r = 0; r < rows; r++) data.set(one, r * one.length);
    feeds.timestep_cond = { data, dims: [rows, one.length] };
  }
  return feeds;
}

/**
 * SDXL's size micro-conditioning as diffusers' pipeline builds it when the caller gives no sizes: the picture
 * was "originally" the requested size, uncropped, and is generated at that size. A refiner (5 values) takes
 * the aesthetic score in place of the target size.
 */
export function sdxlTimeIds(size: { width: number; height: number }, length: 5 | 6, negative: boolean): number[] {
  const { width, height } = size;
  if (length === 5) return [height, width, 0, 0, negative ? NEGATIVE_AESTHETIC_SCORE : AESTHETIC_SCORE];
  return [height, width, 0, 0, height, width];
}

/**
 * LCM's guidance embedding (diffusers' get_guidance_scale_embedding, after VDM): w scaled by 1000, times
 * geometric frequencies exp(-ln(10000) i / (half - 1)), as [sin..., cos...], zero-padded to an odd width.
 * The pipeline passes w = guidance_scale - 1.
 */
export function guidanceScaleEmbedding(w: number, dim: number): Float32Array {
  const half = Math.floor(dim / 2);
  const out = new Float32Array(dim);
  // float32 arithmetic as torch's: the frequencies and products are float32 there.
  const step = Math.fround(Math.log(10000) / (half - 1));
  const scaled = Math.fround(w * 1000);
  for (let i = 0; i < half; i++) {
    const angle = Math.fround(scaled * Math.fround(Math.exp(Math.fround(-i * step))));
    out[i] = Math.sin(angle);
    out[half + i] = Math.cos(angle);
  }
  return out;
}
