import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import type { GenerationParams } from '../../src/generation/job.js';
import { samplerLabels } from '../../src/generation/samplers.js';
import { DatabaseImageSink, DatabaseJobQueue, FileImageStore, FileImporter, LibraryExporter, LibraryImporter, openDatabase, SamplerNames } from '../../src/library/index.js';
import { parseExportLine } from '../../src/library/interchange/export-format.js';
import { pngWithText } from '../support/png-text.js';
import { tempDataDir } from '../support/test-server.js';

/**
 * library.jsonl byte for byte: the field order and the spelling of every value are the file format (other
 * tools and older Atelier versions read it), so they are pinned here, ids and times aside.
 */
const EXPECTED = [
  '{"type":"prompt","version":1,"text":"a red fox","useCount":1,"createdAt":"<time>","presets":[]}',
  '{"type":"prompt","version":1,"text":"a lighthouse at dusk","useCount":1,"createdAt":"<time>","presets":[]}',
  '{"type":"prompt","version":1,"text":"only a prompt","useCount":0,"createdAt":"<time>","presets":[{"negativePrompt":"grey","seed":"7","width":null,"height":null,"steps":12,"guidanceScale":6.5}]}',
  '{"type":"generation","version":1,"id":"<id>","createdAt":"<time>","prompt":"a red fox","negativePrompt":"dull","model":"toy","sampler":"euler_a","steps":20,"guidanceScale":7,"width":64,"height":64,"seed":"18446744073709551615","variationSeed":null,"variationStrength":0,"denoisingStrength":0.75,"loras":[],"hires":null,"upscale":null,"warnings":[],"images":[{"index":0,"seed":"18446744073709551615","width":16,"height":16,"sha256":"<sha>","file":"images/<sha>.png"}]}',
  '{"type":"generation","version":1,"id":"<id>","createdAt":"<time>","prompt":"a lighthouse at dusk","negativePrompt":"fog","model":"tiny","sampler":"heun","steps":4,"guidanceScale":3.5,"width":64,"height":32,"seed":"12345678901234567890","variationSeed":"99","variationStrength":0.25,"denoisingStrength":0.6,"loras":[{"name":"ink","weight":0.5,"hash":"0123456789ab"}],"hires":{"scale":2,"width":128,"height":64,"steps":6,"denoisingStrength":0.55,"upscaler":"latent-bicubic"},"upscale":null,"warnings":["clipped"],"images":[{"index":0,"seed":"12345678901234567890","width":64,"height":32,"sha256":"<sha>","file":"images/<sha>.png"}]}',
];

test('library.jsonl keeps its field order and value spelling for prompts, presets and generations', async () => {
  const dataDir = await tempDataDir();
  const db = await openDatabase({ dataDir });
  try {
    const store = new FileImageStore(dataDir);
    const importer = new FileImporter(new LibraryImporter(db.prisma, store), new SamplerNames(samplerLabels()));
    const a1111 = 'a red fox\nNegative prompt: dull\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 18446744073709551615, Size: 64x64, Model: toy';
    await fs.writeFile(path.join(dataDir, 'a.png'), await pngWithText([{ keyword: 'parameters', text: a1111 }], '#ff0000'));
    assert.equal((await importer.importPath(path.join(dataDir, 'a.png'))).imported.length, 1);

    const queue = new DatabaseJobQueue(db.prisma);
    const params: GenerationParams = {
      ...{ prompt: 'a lighthouse at dusk', negativePrompt: 'fog', model: 'tiny', sampler: 'heun', steps: 4, guidanceScale: 3.5 },
      ...{ width: 64, height: 32, seed: 12345678901234567890n, variationSeed: 99n, variationStrength: 0.25 },
      ...{ initImageId: null, maskImageId: null, denoisingStrength: 0.6, batchSize: 1, previewMethod: 'LATENT2RGB', priority: 0 },
      loras: [{ name: 'ink', weight: 0.5, hash: '0123456789ab' }],
      hires: { scale: 2, width: 128, height: 64, steps: 6, denoisingStrength: 0.55, upscaler: 'latent-bicubic' },
      upscale: null,
    };
    const job = await queue.enqueue(params);
    const claimed = await queue.claimNext();
    assert.equal(claimed?.id, job.id);
    const png = new Uint8Array(await pngWithText([], '#00ff00', 16));
    await new DatabaseImageSink(db.prisma, store).saveImage({ generationId: job.id, index: 0, seed: params.seed, width: 64, height: 32, png });
    assert.equal(await queue.complete(claimed!, ['clipped']), true);

    await fs.writeFile(path.join(dataDir, 'p.csv'), 'prompt,seed,steps,cfg,negative_prompt\nonly a prompt,7,12,6.5,grey\n');
    assert.equal((await importer.importPath(path.join(dataDir, 'p.csv'))).imported.length, 1);

    const exportDir = path.join(await tempDataDir(), 'export');
    await new LibraryExporter(db.prisma, store).export(exportDir);
    const text = await fs.readFile(path.join(exportDir, 'library.jsonl'), 'utf8');
    const lines = text
      .replace(/"id":"[^"]+"/g, '"id":"<id>"')
      .replace(/"createdAt":"[^"]+"/g, '"createdAt":"<time>"')
      .replace(/[0-9a-f]{64}/g, '<sha>')
      .split('\n');
    assert.equal(lines.pop(), '', 'the file ends with a newline');
    // Prompts come in id order (cuids: creation order within this test).
    assert.deepEqual(lines, EXPECTED);
  } finally {
    await db.close();
  }
});

test('a generation line written before LoRAs and the hires fix existed reads with neither; a malformed LoRA list is named', () => {
  const [, , , older] = EXPECTED;
  const parsed = parseExportLine(older!.replace('"loras":[],', '').replace('"hires":null,', '').replace('"upscale":null,', '').replace('"<id>"', '"g1"').replace(/"<time>"/g, '"2026-01-01T00:00:00.000Z"').replace(/<sha>/g, 'a'.repeat(64)));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  assert.deepEqual((parsed.line as { loras: unknown }).loras, []);
  assert.equal((parsed.line as { hires: unknown }).hires, null, 'nor a hires fix');
  assert.equal((parsed.line as { upscale: unknown }).upscale, null, 'nor an upscale');
  const bad = parseExportLine(older!.replace('"loras":[]', '"loras":[{"name":"x"}]').replace(/"<time>"/g, '"2026-01-01T00:00:00.000Z"').replace(/<sha>/g, 'a'.repeat(64)));
  assert.deepEqual(bad, { ok: false, error: '"loras" is not a list of { name, weight, hash }' });
});
