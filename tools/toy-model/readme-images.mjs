// Generates the toy-shapes pictures shown in the README with the project's own pipeline (after `npm run build`):
//   node tools/toy-model/readme-images.mjs
// Writes docs/images/toy-shapes-examples.png (the pictures side by side, scaled 2x without smoothing) and prints
// the prompts in order, for the README's caption.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { StableDiffusionPipeline } from '../../dist/src/diffusion/pipeline.js';

const PROMPTS = [
  'a large green triangle on the right, black background',
  'a small red circle in the top left on a blue background',
  'blue background, big yellow triangle, centered',
  'a large purple square at the bottom left, white background',
  'tiny orange circle in the bottom right corner, black background',
  'a white background with a big blue circle at the top',
];
const SCALE = 2;
const OUT = 'docs/images/toy-shapes-examples.png';

const pipeline = await StableDiffusionPipeline.load('models/toy-shapes', { device: 'cpu' });
const tiles = [];
for (const prompt of PROMPTS) {
  const { images } = await pipeline.txt2img({ prompt, sampler: 'euler', steps: 20, guidanceScale: 5, width: 64, height: 64, seeds: [1n] });
  const { data, width, height } = images[0];
  tiles.push(await sharp(Buffer.from(data), { raw: { width, height, channels: 3 } }).resize(width * SCALE, height * SCALE, { kernel: 'nearest' }).png().toBuffer());
}
const tile = 64 * SCALE;
const gap = 8;
fs.mkdirSync(path.dirname(OUT), { recursive: true });
await sharp({ create: { width: tiles.length * (tile + gap) - gap, height: tile, channels: 3, background: '#ffffff' } })
  .composite(tiles.map((input, i) => ({ input, left: i * (tile + gap), top: 0 })))
  .png()
  .toFile(OUT);
console.log(`${OUT} (euler, 20 steps, guidance 5, seed 1), left to right:`);
for (const prompt of PROMPTS) console.log(`- ${prompt}`);
