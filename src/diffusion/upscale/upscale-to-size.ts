/**
 * A picture enlarged to an exact size with an upscaler model, as AUTOMATIC1111 does it: the model runs as many
 * times as it takes to reach the size (a 2x model twice for 3x or 4x), then Lanczos brings the result to the
 * size asked for. Tile progress is counted over every run, so that done / total is the whole job's progress.
 * Used by upscale jobs and by the hires fix's model upscaler.
 */
import { resizeLanczos } from '../image.js';
import type { RgbImage } from '../rgb-image.js';
import { tileLayout, type TileOptions, type UpscalerModel } from './upscaler-model.js';

/** At most this many runs of the model: 8x with a 2x model (a 1x model runs once). */
const MAX_RUNS = 3;

/** How many times a model of `scale` runs to enlarge `from` to at least `to` (0 when no larger). */
export function upscaleRuns(scale: number, from: { width: number; height: number }, to: { width: number; height: number }): number {
  const factor = Math.max(to.width / from.width, to.height / from.height);
  if (factor <= 1) return 0;
  if (scale <= 1) return 1;
  return Math.min(MAX_RUNS, Math.ceil(Math.log(factor) / Math.log(scale) - 1e-9));
}

/** How many tiles one run over a width x height picture takes. */
export function tileCount(width: number, height: number, options: Pick<TileOptions, 'tile' | 'overlap'> = {}): number {
  const tile = options.tile ?? 256;
  const overlap = Math.min(options.overlap ?? 16, Math.floor(tile / 2));
  return tileLayout(width, tile, overlap).starts.length * tileLayout(height, tile, overlap).starts.length;
}

export async function upscaleToSize(model: UpscalerModel, image: RgbImage, width: number, height: number, options: TileOptions = {}): Promise<RgbImage> {
  const runs = upscaleRuns(model.scale, image, { width, height });
  const sizes = Array.from({ length: runs }, (_, i) => ({ width: image.width * model.scale ** i, height: image.height * model.scale ** i }));
  const total = sizes.reduce((sum, size) => sum + tileCount(size.width, size.height, options), 0);
  let before = 0;
  let picture = image;
  for (const size of sizes) {
    const first = before;
    picture = await model.upscale(picture, { ...options, onTile: (done) => options.onTile?.(first + done, total) });
    before += tileCount(size.width, size.height, options);
  }
  return picture.width === width && picture.height === height ? picture : resizeLanczos(picture, width, height);
}
