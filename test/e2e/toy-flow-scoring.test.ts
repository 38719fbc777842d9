import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningServer } from '../../src/server.js';
import { CatalogDocument } from '../generated/operations.js';
import { requestData } from '../support/graphql-client.js';
import { scrambleOnnxWeights } from '../support/scramble-onnx.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';
import { pct, scoreScenes, toyPictures, type SceneScore } from '../support/toy-pictures.js';
import { scoringPrompts, TOY_FLOW_MODEL_DIR } from '../support/toy-world.js';

/**
 * The bundled toy-flow model (SD3's layout: two CLIP encoders, T5, a joint-attention transformer trained by
 * rectified flow, a 16-channel VAE; tools/toy-flow) through the real GraphQL API, judged by what its pictures
 * show, as the toy-shapes model is: the analyser reads background colour, shape colour and position back from
 * each PNG. Every flow sampler is held to 90% colour and position; the same prompts on a copy whose transformer
 * weights are shuffled score near chance, so these numbers can fail.
 */
const PROMPTS = scoringPrompts(24);
const SEEDS = ['1', '2'];
const STEPS = 20;
const GUIDANCE = 5;
const FLOW_SAMPLERS = ['euler', 'heun', 'dpmpp_2m'];

interface Score extends SceneScore {
  label: string;
}

describe('toy-flow model (SD3 layout): pictures match their prompts', { timeout: 20 * 60_000 }, () => {
  let server: RunningServer;
  const scores: Score[] = [];

  before(async () => {
    const modelsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-toy-flow-'));
    await fs.cp(TOY_FLOW_MODEL_DIR, path.join(modelsDir, 'toy-flow'), { recursive: true });
    await fs.cp(TOY_FLOW_MODEL_DIR, path.join(modelsDir, 'toy-flow-scrambled'), { recursive: true });
    await scrambleOnnxWeights(path.join(TOY_FLOW_MODEL_DIR, 'transformer/model.onnx'), path.join(modelsDir, 'toy-flow-scrambled/transformer/model.onnx'), 1);
    server = await startTestServer({ dataDir: await tempDataDir(), modelsDir, defaultModel: 'toy-flow', workers: 2, previewEvery: 0 });
  });
  after(async () => {
    await server?.close();
    if (scores.length > 0) console.log(`\n${scoreTable(scores)}\n`);
  });

  async function score(label: string, model: string, sampler: string, guidanceScale = GUIDANCE): Promise<Score> {
    const runs = PROMPTS.flatMap(({ prompt, expected }) => SEEDS.map((seed) => ({ input: { prompt, seed, steps: STEPS, guidanceScale, sampler, model }, expected })));
    const pictures = await toyPictures(server.url, runs.map((run) => run.input));
    const result = { label, ...scoreScenes(pictures.map((p) => p.seen), runs.map((run) => run.expected)) };
    scores.push(result);
    return result;
  }

  test('listed as an SD3 model with its native 64x64 size', async () => {
    const { models } = await requestData(server.url, CatalogDocument);
    const toy = models.find((m) => m.name === 'toy-flow');
    assert.equal(toy?.family, 'SD3');
    assert.equal(toy?.defaultSize, 64);
  });

  for (const sampler of FLOW_SAMPLERS) {
    test(`${sampler}, guidance ${GUIDANCE}: colour and position right for at least 90% of prompts and seeds`, async () => {
      const s = await score(`${sampler}, guidance ${GUIDANCE}`, 'toy-flow', sampler);
      assert.ok(s.colour / s.images >= 0.9, `colour ${pct(s.colour, s.images)}`);
      assert.ok(s.position / s.images >= 0.9, `position ${pct(s.position, s.images)}`);
    });
  }

  test('control: the same prompts with the transformer weights shuffled score near chance', async () => {
    const s = await score(`euler, guidance ${GUIDANCE}, transformer weights shuffled`, 'toy-flow-scrambled', 'euler');
    // Chance: 1 in 56 for the colour pair, 1 in 9 for the position.
    assert.ok(s.colour / s.images <= 0.2, `colour ${pct(s.colour, s.images)}`);
    assert.ok(s.position / s.images <= 0.3, `position ${pct(s.position, s.images)}`);
  });
});

function scoreTable(scores: Score[]): string {
  const rows = scores.map((s) => [s.label, String(s.images), pct(s.colour, s.images), pct(s.position, s.images), pct(s.shape, s.images), pct(s.size, s.images), pct(s.all, s.images)]);
  const header = ['sampler, guidance', 'images', 'colours', 'position', 'shape', 'size', 'all four'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
