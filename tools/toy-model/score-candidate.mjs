// Scores a toy-shapes model folder with the test suite's analyser, through the project's own pipeline, to
// decide whether a training checkpoint should replace the committed model (after `npm run build`):
//   node tools/toy-model/score-candidate.mjs DIR [samplers] [guidance] [prompts]
//   e.g. python3 tools/toy-model/export.py --candidate /tmp/candidate
//        node tools/toy-model/score-candidate.mjs /tmp/candidate ddim,euler,dpmpp_2m 5 48
// Same prompts (test/support/toy-world.ts scoringPrompts) and seeds (1, 2) as test/e2e/toy-model-scoring.test.ts;
// asking for more than its 24 prompts checks that a gain is not only on the test's prompts. Prints colour,
// position and shape-kind scores per sampler, and which shapes were read as what when wrong.
import { StableDiffusionPipeline } from '../../dist/src/diffusion/index.js';
import { analyseImage } from '../../dist/test/support/shape-analyser.js';
import { scoringPrompts } from '../../dist/test/support/toy-world.js';

const [dir = 'models/toy-shapes', samplerList = 'ddim,euler,dpmpp_2m', guidanceText = '5', countText = '24'] = process.argv.slice(2);
const guidance = Number(guidanceText);
const steps = Number(process.env.STEPS ?? 20);
const seeds = [1n, 2n];
const pipeline = await StableDiffusionPipeline.load(dir, { device: 'cpu' });
const prompts = scoringPrompts(Number(countText));
const percent = (n, of) => `${((100 * n) / of).toFixed(0)}%`;

for (const sampler of samplerList.split(',')) {
  let images = 0, colour = 0, position = 0, shape = 0;
  const confusions = {};
  for (const { prompt, expected } of prompts) {
    for (const seed of seeds) {
      const { images: [image] } = await pipeline.txt2img({ prompt, sampler, steps, guidanceScale: guidance, width: 64, height: 64, seeds: [seed] });
      const seen = analyseImage(image.data, image.width, image.height);
      images++;
      colour += Number(seen.colour === expected.colour && seen.background === expected.background);
      position += Number(seen.position === expected.position);
      if (seen.shape === expected.shape) shape++;
      else {
        const key = `${expected.size} ${expected.shape} -> ${seen.shape}`;
        confusions[key] = (confusions[key] ?? 0) + 1;
      }
    }
  }
  console.log(`${sampler}, guidance ${guidance}, ${steps} steps, ${images} images: colours ${percent(colour, images)}, position ${percent(position, images)}, shape ${percent(shape, images)}  ${JSON.stringify(confusions)}`);
}
await pipeline.release();
