import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The toy world the toy-shapes model was trained on, read from the same world.json as the training data
 * generator (tools/toy-model/world.py), so the analyser and the data cannot disagree about colours or places.
 */
export interface ToyWorld {
  imageSize: number;
  /** A bar's height over its width (its width is the size's extent). */
  barThickness: number;
  colours: Record<string, [number, number, number]>;
  /** The kinds the base model was trained on. */
  shapes: string[];
  /** Kinds the base model never saw, drawn only with the toy LoRA (models/loras/toy-bar.safetensors). */
  novelShapes: string[];
  sizes: Record<string, number>;
  /** Pixel coordinates of the three columns (and rows) a shape's centroid is placed on. */
  anchors: [number, number, number];
  /** Position name -> [column, row] in the 3x3 grid. */
  positions: Record<string, [number, number]>;
  phrases: { size: Record<string, string[]>; position: Record<string, string[]> };
  /** Textual-inversion tokens (models/embeddings/) -> the scene each stands for. */
  embeddings: Record<string, SceneDescription>;
}

/** What a picture shows, or what a prompt asks for. */
export interface SceneDescription {
  background: string;
  colour: string;
  shape: string;
  size: string;
  position: string;
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const TOY_MODEL_DIR = path.join(REPO_ROOT, 'models', 'toy-shapes');

let cached: ToyWorld | undefined;
export function toyWorld(): ToyWorld {
  cached ??= JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tools', 'toy-model', 'world.json'), 'utf8')) as ToyWorld;
  return cached;
}

/**
 * `count` prompts that between them use every colour, shape, size and position and several phrasings, each
 * with the scene it asks for. Deterministic. The first is the README's example. `shapes` replaces the kinds
 * asked for (e.g. `toyWorld().novelShapes` for the LoRA's prompts), every other word staying as it was.
 */
export function scoringPrompts(count: number, shapes?: string[]): { prompt: string; expected: SceneDescription }[] {
  const world = toyWorld();
  const colours = Object.keys(world.colours);
  const positions = Object.keys(world.positions);
  const sizes = Object.keys(world.sizes);
  const forms = [
    (s: Phrased) => `a ${s.size} ${s.colour} ${s.shape} ${s.position}, ${s.background} background`,
    (s: Phrased) => `${s.background} background, ${s.size} ${s.colour} ${s.shape}, ${s.position}`,
    (s: Phrased) => `a ${s.size} ${s.colour} ${s.shape} ${s.position} on a ${s.background} background`,
    (s: Phrased) => `a ${s.background} background with a ${s.size} ${s.colour} ${s.shape} ${s.position}`,
  ];
  const kinds = shapes ?? world.shapes;
  const first = shapes?.[0] ?? 'triangle';
  const out = [
    {
      prompt: `a large green ${first} on the right, black background`,
      expected: { background: 'black', colour: 'green', shape: first, size: 'large', position: 'right' },
    },
  ];
  for (let i = 0; out.length < count; i++) {
    const colour = colours[i % colours.length]!;
    // Steps coprime with 8 so every pair of colours turns up; never the shape's own colour.
    let background = colours[(i * 3 + 5) % colours.length]!;
    if (background === colour) background = colours[(i * 3 + 6) % colours.length]!;
    const expected = {
      background,
      colour,
      shape: kinds[i % kinds.length]!,
      size: sizes[Math.floor(i / 2) % sizes.length]!,
      position: positions[(i * 4) % positions.length]!,
    };
    const sizeWords = world.phrases.size[expected.size]!;
    const positionWords = world.phrases.position[expected.position]!;
    const phrased = { ...expected, size: sizeWords[i % sizeWords.length]!, position: positionWords[i % positionWords.length]! };
    out.push({ prompt: forms[i % forms.length]!(phrased), expected });
  }
  return out;
}

type Phrased = SceneDescription;
