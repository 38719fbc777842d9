import { toyWorld, type SceneDescription } from './toy-world.js';

/**
 * Reads back what a toy-world picture shows, with plain image statistics (no model): the background colour
 * from the border, the shape as the largest connected region that differs from it, its colour from the
 * region's core, its position from the region's centroid (nearest grid anchor), its size from its extent,
 * and its kind from how it fills its bounding box: a triangle is heavier at the bottom and fills about half
 * of it, a square fills its corners, a circle does not, and a bar (the toy LoRA's shape) is much wider than tall.
 *
 * The outline is taken where a pixel is at least half-way from the background colour to the shape's colour:
 * a soft (decoded, blurred) edge then stays where the sharp edge was, so the fill is not inflated by the blur.
 */
export interface Analysis extends SceneDescription {
  /** Fraction of the bounding box the shape fills. */
  fill: number;
  /** Fraction of the four corner patches of the bounding box (each a fifth of its side) that the shape fills:
   * 1 for a square, 0.14 for a circle. */
  corners: number;
  /** Where the centroid lies between the top (0) and bottom (1) of the bounding box: 1/2 for a circle or a
   * square, 2/3 for a triangle standing on its base. */
  balance: number;
  /** Width of the bounding box over its height: 1 for a circle, a square or a triangle, 2.5 for a bar. */
  aspect: number;
  /** Shape area in pixels (0 when no shape was found). */
  area: number;
}

/** Pixels farther than this (RGB distance) from the background colour are candidates for the shape: about
 * half the distance of the closest palette pair (orange and yellow, 81). */
const FOREGROUND_DISTANCE = 45;
/** From this width-to-height ratio up a shape is a bar (see the shape rule below). */
const BAR_ASPECT = 1.35;
/** A region smaller than this is not a shape (a smudge): the picture then shows no shape. */
const MIN_AREA = 12;

export function analyseImage(rgb: Uint8Array | Buffer, width: number, height: number): Analysis {
  const world = toyWorld();
  const pixel = (i: number): [number, number, number] => [rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!];

  const border: [number, number, number][] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (x < 2 || y < 2 || x >= width - 2 || y >= height - 2) border.push(pixel(y * width + x));
    }
  }
  const backgroundRgb = medianColour(border);
  const background = nearestColour(backgroundRgb);
  const none = (area: number): Analysis => ({ background, colour: 'none', shape: 'none', size: 'none', position: 'none', fill: 0, corners: 0, balance: 0, aspect: 0, area });

  const candidates = new Uint8Array(width * height);
  for (let i = 0; i < width * height; i++) candidates[i] = distance(pixel(i), backgroundRgb) > FOREGROUND_DISTANCE ? 1 : 0;
  const rough = largestRegion(candidates, width, height);
  if (rough.length < MIN_AREA) return none(rough.length);

  // The shape's colour from its core (the half of the region farthest from the background), free of edge blends.
  const distances = rough.map((i) => distance(pixel(i), backgroundRgb)).sort((a, b) => a - b);
  const coreDistance = distances[Math.floor(distances.length / 2)]!;
  const shapeRgb = medianColour(rough.filter((i) => distance(pixel(i), backgroundRgb) >= coreDistance).map(pixel));

  // Half-way mask: how far each pixel lies along the line from the background colour to the shape colour.
  const axis = [shapeRgb[0] - backgroundRgb[0], shapeRgb[1] - backgroundRgb[1], shapeRgb[2] - backgroundRgb[2]];
  const axisLength2 = axis[0]! ** 2 + axis[1]! ** 2 + axis[2]! ** 2;
  const inside = new Uint8Array(width * height);
  for (let i = 0; i < width * height; i++) {
    const p = pixel(i);
    const along = ((p[0] - backgroundRgb[0]) * axis[0]! + (p[1] - backgroundRgb[1]) * axis[1]! + (p[2] - backgroundRgb[2]) * axis[2]!) / axisLength2;
    inside[i] = along >= 0.5 ? 1 : 0;
  }
  const region = largestRegion(inside, width, height);
  if (region.length < MIN_AREA) return none(region.length);

  let sumX = 0;
  let sumY = 0;
  let minX = width;
  let maxX = -1;
  let minY = height;
  let maxY = -1;
  for (const i of region) {
    const x = i % width;
    const y = Math.floor(i / width);
    sumX += x + 0.5;
    sumY += y + 0.5;
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const boxWidth = maxX - minX + 1;
  const boxHeight = maxY - minY + 1;
  const fill = region.length / (boxWidth * boxHeight);
  const balance = (sumY / region.length - minY) / boxHeight;
  const scale = world.imageSize / width; // positions and sizes are defined on the world's 64x64 canvas
  const column = nearestIndex(world.anchors, (sumX / region.length) * scale);
  const row = nearestIndex(world.anchors, (sumY / region.length) * scale);
  const position = Object.entries(world.positions).find(([, [c, r]]) => c === column && r === row)![0];
  const extent = Math.max(boxWidth, boxHeight) * scale;
  const size = Object.entries(world.sizes).reduce((best, entry) => (Math.abs(entry[1] - extent) < Math.abs(best[1] - extent) ? entry : best))[0];
  const corners = cornerFill(region, width, { minX, maxX, minY, maxY });
  const aspect = boxWidth / boxHeight;
  // A bar (the toy LoRA's shape) is the one shape wider than tall (2.5 drawn, where the others measure 1); the
  // decoder rounds its ends but keeps its proportions (small bars through the VAE: 1.33 and up in nine of ten, where no circle, square or triangle measures above 1.17), so the line is drawn at 1.35. A triangle is the one shape
  // heavier at the bottom; blur blunts its apex, which moves the balance towards 1/2 and the fill towards a
  // circle's, so either sign is enough. A square fills the corners of its box, a circle hardly (14% of each corner patch): sides drawn
  // slightly concave or convex do not change that.
  const shape =
    aspect >= BAR_ASPECT ? 'bar' : balance >= 0.56 || fill < 0.64 ? 'triangle' : corners >= 0.5 ? 'square' : 'circle';
  return { background, colour: nearestColour(shapeRgb), shape, size, position, fill, corners, balance, aspect, area: region.length };
}

function cornerFill(region: number[], width: number, box: { minX: number; maxX: number; minY: number; maxY: number }): number {
  const patch = Math.max(1, Math.round(0.2 * Math.min(box.maxX - box.minX + 1, box.maxY - box.minY + 1)));
  const inPatch = (x: number, y: number) =>
    (x < box.minX + patch || x > box.maxX - patch) && (y < box.minY + patch || y > box.maxY - patch);
  let filled = 0;
  for (const i of region) if (inPatch(i % width, Math.floor(i / width))) filled++;
  return filled / (4 * patch * patch);
}

function distance(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
}

function medianColour(colours: [number, number, number][]): [number, number, number] {
  const channel = (c: number) => {
    const values = colours.map((rgb) => rgb[c]!).sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)]!;
  };
  return [channel(0), channel(1), channel(2)];
}

function nearestColour(rgb: readonly number[]): string {
  let best = '';
  let bestDistance = Infinity;
  for (const [name, value] of Object.entries(toyWorld().colours)) {
    const d = distance(rgb, value);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

function nearestIndex(anchors: readonly number[], value: number): number {
  let best = 0;
  for (let i = 1; i < anchors.length; i++) if (Math.abs(anchors[i]! - value) < Math.abs(anchors[best]! - value)) best = i;
  return best;
}

/** Pixel indices of the largest 4-connected region of set mask pixels. */
function largestRegion(mask: Uint8Array, width: number, height: number): number[] {
  const seen = new Uint8Array(mask.length);
  let largest: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    const region: number[] = [];
    const stack = [start];
    seen[start] = 1;
    while (stack.length > 0) {
      const i = stack.pop()!;
      region.push(i);
      const x = i % width;
      const y = Math.floor(i / width);
      for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]] as const) {
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
        const j = ny * width + nx;
        if (mask[j] && !seen[j]) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    if (region.length > largest.length) largest = region;
  }
  return largest;
}
