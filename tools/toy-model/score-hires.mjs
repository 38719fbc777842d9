// Scores a multi-size toy-shapes model (train_hires.py) with the test suite's analyser, through the project's
// own pipeline (after `npm run build`):
//   node tools/toy-model/score-hires.mjs CANDIDATE [BASE] [prompts] [upscalers]
//   e.g. node tools/toy-model/score-hires.mjs candidate/toy-shapes-hires models/toy-shapes 24 latent,lanczos
// For the scoring prompts (test/support/toy-world.ts) x seeds 1 and 2, euler, 20 steps, guidance 5:
//  - plain 64x64 scores of CANDIDATE and of BASE against the prompt (as score-candidate.mjs);
//  - the hires fix 64 -> 128 (strength 0.5, 20 steps) of each model with each upscaler: how often the analyser
//    reads the same shape kind, colours, size and place in the 128x128 result as in the first pass (the plain
//    64x64 picture of the same seed, which is the hires fix's first pass). The 128x128 picture is read as it is
//    (the analyser measures on the world's 64x64 canvas, whatever the picture's size) and, as a check, after a
//    2x2 box average to 64x64;
//  - plain 128x128 generation of CANDIDATE against the prompt (a sanity check, not what the hires fix needs).
// SHEET=DIR writes the pictures of the first prompts as PNGs there.
import fs from 'node:fs';
import path from 'node:path';
import { StableDiffusionPipeline } from '../../dist/src/diffusion/index.js';
import { encodePng } from '../../dist/src/diffusion/image.js';
import { analyseImage } from '../../dist/test/support/shape-analyser.js';
import { scoringPrompts } from '../../dist/test/support/toy-world.js';

const [candidate, base = 'models/toy-shapes', countText = '24', upscalerList = 'latent,lanczos'] = process.argv.slice(2);
if (!candidate) throw new Error('usage: score-hires.mjs CANDIDATE [BASE] [prompts] [upscalers]');
const common = { sampler: 'euler', steps: 20, guidanceScale: 5 };
const seeds = [1n, 2n];
const prompts = scoringPrompts(Number(countText));
const upscalers = upscalerList.split(',');
const sheet = process.env.SHEET;
if (sheet) fs.mkdirSync(sheet, { recursive: true });
const percent = (n, of) => `${((100 * n) / of).toFixed(0)}%`;

const analyse = (image) => analyseImage(image.data, image.width, image.height);
function halved(image) {
  const w = image.width / 2, h = image.height / 2;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    const at = (dx, dy) => image.data[((2 * y + dy) * image.width + 2 * x + dx) * 3 + c];
    data[(y * w + x) * 3 + c] = Math.round((at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1)) / 4);
  }
  return { data, width: w, height: h };
}
const same = {
  colours: (a, b) => a.colour === b.colour && a.background === b.background,
  position: (a, b) => a.position === b.position,
  shape: (a, b) => a.shape === b.shape,
  size: (a, b) => a.size === b.size,
};
const all = (a, b) => Object.values(same).every((f) => f(a, b));

class Tally {
  constructor(label) { this.label = label; this.n = 0; this.counts = { colours: 0, position: 0, shape: 0, size: 0, all: 0 }; this.misses = {}; }
  add(seen, want) {
    this.n++;
    for (const [k, f] of Object.entries(same)) this.counts[k] += Number(f(seen, want));
    this.counts.all += Number(all(seen, want));
    if (!all(seen, want)) {
      const key = `${want.size} ${want.colour} ${want.shape} ${want.position} -> ${seen.size} ${seen.colour} ${seen.shape} ${seen.position}`;
      this.misses[key] = (this.misses[key] ?? 0) + 1;
    }
  }
  line() {
    const c = this.counts;
    return `${this.label.padEnd(58)} n=${this.n}  colours ${percent(c.colours, this.n)}  position ${percent(c.position, this.n)}  shape ${percent(c.shape, this.n)}  size ${percent(c.size, this.n)}  all four ${percent(c.all, this.n)}`;
  }
}

async function save(name, image) {
  if (sheet) fs.writeFileSync(path.join(sheet, `${name}.png`), await encodePng(image, name));
}

const tallies = [];
const began = Date.now();
for (const [label, dir] of [['candidate', candidate], ['base', base]]) {
  const pipeline = await StableDiffusionPipeline.load(dir, { device: 'cpu' });
  const plain = new Tally(`${label}: plain 64x64 vs prompt`);
  const hires = Object.fromEntries(upscalers.map((u) => [u, { raw: new Tally(`${label}: hires ${u} (128 read as is) vs first pass`), half: new Tally(`${label}: hires ${u} (128 halved to 64) vs first pass`), prompt: new Tally(`${label}: hires ${u} (128 read as is) vs prompt`) }]));
  const big = new Tally(`${label}: plain 128x128 vs prompt`);
  let k = 0;
  for (const { prompt, expected } of prompts) {
    for (const seed of seeds) {
      const request = { ...common, prompt, width: 64, height: 64, seeds: [seed] };
      const { images: [first] } = await pipeline.txt2img(request);
      const firstSeen = analyse(first);
      plain.add(firstSeen, expected);
      if (k < 8) await save(`${label}-${k}-first`, first);
      for (const upscaler of upscalers) {
        const { images: [image] } = await pipeline.txt2img({ ...request, hires: { width: 128, height: 128, steps: 20, strength: 0.5, upscaler } });
        const seen = analyse(image);
        hires[upscaler].raw.add(seen, firstSeen);
        hires[upscaler].half.add(analyse(halved(image)), firstSeen);
        hires[upscaler].prompt.add(seen, expected);
        if (k < 8) await save(`${label}-${k}-hires-${upscaler}`, image);
      }
      const { images: [large] } = await pipeline.txt2img({ ...request, width: 128, height: 128 });
      big.add(analyse(large), expected);
      if (k < 8) await save(`${label}-${k}-plain128`, large);
      k++;
    }
  }
  await pipeline.release();
  tallies.push(plain, ...upscalers.flatMap((u) => [hires[u].raw, hires[u].half, hires[u].prompt]), big);
  console.log(`${label} done (${((Date.now() - began) / 1000).toFixed(0)} s)`);
}
for (const t of tallies) console.log(t.line());
if (process.env.MISSES) for (const t of tallies) console.log(t.label, JSON.stringify(t.misses));
