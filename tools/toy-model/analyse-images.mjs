// The test suite's image analyser and scoring prompts, for the Python scripts (after `npm run build`), so the
// pictures PyTorch draws are read by the same rule the tests hold the pipeline to:
//   node tools/toy-model/analyse-images.mjs prompts 24 [SHAPE]  -> JSON [{prompt, expected}] (scoringPrompts, every
//                                                               shape replaced by SHAPE when given)
//   node tools/toy-model/analyse-images.mjs analyse FILE N      -> JSON [analysis] of N raw 64x64 RGB pictures
import fs from 'node:fs';
import { analyseImage } from '../../dist/test/support/shape-analyser.js';
import { scoringPrompts } from '../../dist/test/support/toy-world.js';

const [mode, a, b] = process.argv.slice(2);
if (mode === 'prompts') {
  process.stdout.write(JSON.stringify(scoringPrompts(Number(a), b ? [b] : undefined)));
} else if (mode === 'analyse') {
  const bytes = fs.readFileSync(a);
  const count = Number(b);
  const size = Math.round(Math.sqrt(bytes.length / count / 3));
  if (size * size * 3 * count !== bytes.length) throw new Error(`${a} does not hold ${count} square RGB pictures`);
  const out = [];
  for (let i = 0; i < count; i++) out.push(analyseImage(bytes.subarray(i * size * size * 3, (i + 1) * size * size * 3), size, size));
  process.stdout.write(JSON.stringify(out));
} else {
  console.error('usage: analyse-images.mjs prompts N [SHAPE] | analyse FILE N');
  process.exit(2);
}
