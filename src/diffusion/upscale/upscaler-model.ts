/**
 * An ONNX super-resolution network (ESRGAN, Real-ESRGAN, 4x-UltraSharp exports, the shipped toy-2x): input
 * [B, 3, H, W] RGB in 0..1, output [B, 3, sH, sW]. The scale is read from a test run on a small picture.
 * A picture is upscaled in tiles (`tile` input pixels square, `overlap` shared with each neighbour), so that
 * memory depends on the tile, not the picture; overlapping outputs are blended with weights that ramp across
 * the overlap (feathering), so seams do not show, and away from the seams a tiled run equals an untiled one.
 */
import { ModelSession, type SessionOptions } from '../model/onnx-session.js';
import { outputAsFloat32 } from '../model/onnx-tensors.js';
import type { RgbImage } from '../rgb-image.js';
import type { FloatTensor } from '../tensor.js';
import { throwIfAborted } from '../requests.js';

export interface TileOptions {
  /** Tile side in input pixels (default 256). */
  tile?: number;
  /** Input pixels each tile shares with its neighbour (default 16); at most half a tile. */
  overlap?: number;
  signal?: AbortSignal;
  /** After each tile: how many are done of how many. */
  onTile?: (done: number, total: number) => void | Promise<void>;
}

const PROBE = 16;

export class UpscalerModel {
  private constructor(
    private readonly session: ModelSession,
    /** Output pixels per input pixel, on each side. */
    readonly scale: number,
  ) {}

  static async load(file: string, options: SessionOptions): Promise<UpscalerModel> {
    const session = await ModelSession.load(file, options);
    try {
      const probe = await run(session, { data: new Float32Array(3 * PROBE * PROBE).fill(0.5), dims: [1, 3, PROBE, PROBE] }).catch((error: unknown) => {
        throw new Error(`${file} is not an upscaler: it does not take a [1, 3, ${PROBE}, ${PROBE}] picture (${error instanceof Error ? error.message : String(error)})`);
      });
      const [batch, channels, height, width] = probe.dims;
      const scale = height! / PROBE;
      if (batch !== 1 || channels !== 3 || !Number.isInteger(scale) || scale < 1 || width !== PROBE * scale) {
        throw new Error(`${file} is not an upscaler: a [1, 3, ${PROBE}, ${PROBE}] picture gave [${probe.dims.join(', ')}], not [1, 3, s*${PROBE}, s*${PROBE}]`);
      }
      return new UpscalerModel(session, scale);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /** The picture `scale` times larger, tile by tile. */
  async upscale(image: RgbImage, options: TileOptions = {}): Promise<RgbImage> {
    const tile = options.tile ?? 256;
    const overlap = Math.min(options.overlap ?? 16, Math.floor(tile / 2));
    if (!Number.isInteger(tile) || tile < 8) throw new RangeError(`tile must be an integer of at least 8, got ${tile}`);
    const s = this.scale;
    const width = image.width * s;
    const height = image.height * s;
    const sum = new Float32Array(3 * width * height);
    const weights = new Float32Array(width * height);
    const across = tileLayout(image.width, tile, overlap);
    const down = tileLayout(image.height, tile, overlap);
    let done = 0;
    for (const y0 of down.starts) {
      for (const x0 of across.starts) {
        throwIfAborted(options.signal);
        const w = Math.min(across.size, image.width - x0);
        const h = Math.min(down.size, image.height - y0);
        const out = await run(this.session, crop(image, x0, y0, w, h));
        const rampX = ramp(w * s, x0 > 0 ? overlap * s : 0, x0 + w < image.width ? overlap * s : 0);
        const rampY = ramp(h * s, y0 > 0 ? overlap * s : 0, y0 + h < image.height ? overlap * s : 0);
        const plane = w * s * h * s;
        for (let y = 0; y < h * s; y++) {
          for (let x = 0; x < w * s; x++) {
            const weight = rampX[x]! * rampY[y]!;
            const at = (y0 * s + y) * width + x0 * s + x;
            const from = y * w * s + x;
            weights[at]! += weight;
            for (let c = 0; c < 3; c++) sum[c * width * height + at]! += weight * out.data[c * plane + from]!;
          }
        }
        await options.onTile?.(++done, across.starts.length * down.starts.length);
      }
    }
    const data = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) {
      for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.round(Math.min(1, Math.max(0, sum[c * width * height + i]! / weights[i]!)) * 255);
    }
    return { width, height, data };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

async function run(session: ModelSession, picture: FloatTensor): Promise<FloatTensor> {
  const [input] = session.inputNames;
  const outputs = await session.run({ [input!]: session.floatInput(input!, picture) });
  return outputAsFloat32(outputs[session.outputNames[0]!]!);
}

/**
 * The tiles along one side: as few as cover it with tiles of at most `tile` pixels sharing at least `overlap`,
 * made as small as that count allows and spread evenly (the first at 0, the last flush with the end). So a
 * 512 px side in 256 px tiles sharing 16 takes three tiles of 182, not two of 256 and a third over them both.
 */
export function tileLayout(size: number, tile: number, overlap: number): { size: number; starts: number[] } {
  if (size <= tile) return { size, starts: [0] };
  const count = Math.ceil((size - overlap) / (tile - overlap));
  const side = Math.min(tile, Math.ceil((size + (count - 1) * overlap) / count));
  const starts = Array.from({ length: count }, (_, i) => Math.round((i * (size - side)) / (count - 1)));
  return { size: side, starts };
}

/** A tile's blending weights along one side: rising over `before` pixels, falling over `after`, 1 between. */
function ramp(length: number, before: number, after: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const rise = before > 0 ? (i + 0.5) / before : 1;
    const fall = after > 0 ? (length - i - 0.5) / after : 1;
    out[i] = Math.min(1, rise, fall);
  }
  return out;
}

/** [1, 3, h, w] in 0..1 of the picture's region at (x0, y0). */
function crop(image: RgbImage, x0: number, y0: number, w: number, h: number): FloatTensor {
  const data = new Float32Array(3 * w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const from = ((y0 + y) * image.width + x0 + x) * 3;
      for (let c = 0; c < 3; c++) data[c * w * h + y * w + x] = image.data[from + c]! / 255;
    }
  }
  return { data, dims: [1, 3, h, w] };
}
