import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { samplerLabels } from '../../src/generation/samplers.js';
import { FileImageStore, FileImporter, LibraryExporter, LibraryImporter, openDatabase, SamplerNames, type Database } from '../../src/library/index.js';
import { pngWithText } from '../support/png-text.js';
import { tempDataDir } from '../support/test-server.js';

/** A library in its own data folder (embedded database on disk, as `serve` and the CLI use it). */
async function openLibrary() {
  const dataDir = await tempDataDir();
  const db = await openDatabase({ dataDir });
  const store = new FileImageStore(dataDir);
  const importer = new FileImporter(new LibraryImporter(db.prisma, store), new SamplerNames(samplerLabels()));
  return { dataDir, db, store, importer };
}

async function promptsWithPresets(db: Database) {
  const prompts = await db.prisma.prompt.findMany({ orderBy: { text: 'asc' }, include: { presets: { orderBy: { createdAt: 'asc' } } } });
  return prompts.map((p) => ({
    text: p.text,
    presets: p.presets.map((s) => ({
      negativePrompt: s.negativePrompt,
      seed: s.seed?.toFixed() ?? null,
      width: s.width,
      height: s.height,
      steps: s.steps,
      guidanceScale: s.guidanceScale,
    })),
  }));
}

const CSV = [
  'Prompt,seed,width,height,steps,cfg,negative_prompt,notes', // line 1
  '"a fox, in the snow",42,512,768,30,6.5,blurry,ignored column', // 2: quoted comma
  'plain prompt,,,,,,,', // 3: no settings
  '"she said ""hello""",18446744073709551615,,,,,,', // 4: doubled quotes, largest seed
  '"a poem', // 5..6: newline inside quotes
  'on two lines",,,,20,,,',
  'bad seed,12abc,,,,,,', // 7
  'too big,,4096,,,,,', // 8
  'odd size,,500,,,,,', // 9
  ',1,,,,,,', // 10: empty prompt
  'too,few,fields', // 11
  'bad cfg,,,,,31,,', // 12
  '',
  'after a blank line,,,,,,,', // 14
  '"never closed,1,,,,,,', // 15: unterminated quote (runs to the end)
].join('\r\n');

test('a CSV of prompts: good rows become prompts with their settings, every bad row is skipped with its line and reason', async () => {
  const { dataDir, db, importer } = await openLibrary();
  try {
    const file = path.join(dataDir, 'prompts.csv');
    await fs.writeFile(file, CSV);
    const report = await importer.importPath(file);

    assert.deepEqual(
      report.imported.map((i) => i.item),
      ['prompts.csv line 2', 'prompts.csv line 3', 'prompts.csv line 4', 'prompts.csv line 5', 'prompts.csv line 14'],
    );
    assert.deepEqual(
      report.skipped.map((s) => [s.item, s.reason]),
      [
        ['prompts.csv line 7', 'bad seed'],
        ['prompts.csv line 8', 'bad width'],
        ['prompts.csv line 9', 'bad width'],
        ['prompts.csv line 10', 'empty prompt'],
        ['prompts.csv line 11', 'wrong number of fields'],
        ['prompts.csv line 12', 'bad cfg'],
        ['prompts.csv line 15', 'malformed CSV'],
      ],
    );
    assert.match(report.skipped[0]!.detail!, /seed "12abc" is not an integer in 0\.\.18446744073709551615/);
    assert.match(report.skipped[1]!.detail!, /width "4096" is not a multiple of 8 in 64\.\.2048/);

    const none = { negativePrompt: '', seed: null, width: null, height: null, steps: null, guidanceScale: null };
    assert.deepEqual(await promptsWithPresets(db), [
      { text: 'a fox, in the snow', presets: [{ negativePrompt: 'blurry', seed: '42', width: 512, height: 768, steps: 30, guidanceScale: 6.5 }] },
      { text: 'a poem\non two lines', presets: [{ ...none, steps: 20 }] },
      { text: 'after a blank line', presets: [] },
      { text: 'plain prompt', presets: [] },
      { text: 'she said "hello"', presets: [{ ...none, seed: '18446744073709551615' }] },
    ]);
    // Nothing was generated from them: no use counted.
    assert.deepEqual((await db.prisma.prompt.findMany()).map((p) => p.useCount), [0, 0, 0, 0, 0]);

    // The same file again adds nothing.
    const again = await importer.importPath(file);
    assert.equal(again.imported.length, 0);
    assert.equal(again.skipped.filter((s) => s.reason === 'already in the library').length, 5);

    // A CSV without a prompt column is reported, not thrown.
    await fs.writeFile(path.join(dataDir, 'nope.csv'), 'text2,seed\nx,1\n');
    const headerless = await importer.importPath(path.join(dataDir, 'nope.csv'));
    assert.deepEqual(headerless.skipped.map((s) => s.reason), ['unusable CSV header']);
  } finally {
    await db.close();
  }
});

test('export, then import into an empty library, gives back the same prompts, parameters, presets and image bytes', async () => {
  const source = await openLibrary();
  const target = await openLibrary();
  try {
    const pngs = {
      'a.png': await pngWithText([{ keyword: 'parameters', text: 'a red fox\nNegative prompt: dull\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 18446744073709551615, Size: 64x64, Model: toy' }], '#ff0000'),
      'b.png': await pngWithText([{ keyword: 'invokeai_metadata', text: JSON.stringify({ positive_prompt: 'a blue whale', seed: 3, steps: 9, cfg_scale: 2, scheduler: 'heun', width: 16, height: 16, model: { name: 'm' } }) }], '#0000ff'),
    };
    const folder = path.join(source.dataDir, 'pictures');
    await fs.mkdir(folder);
    for (const [name, bytes] of Object.entries(pngs)) await fs.writeFile(path.join(folder, name), bytes);
    assert.equal((await source.importer.importPath(folder)).imported.length, 2);
    await fs.writeFile(path.join(source.dataDir, 'p.csv'), 'prompt,seed,steps\nonly a prompt,7,12\na red fox,,\n');
    assert.equal((await source.importer.importPath(path.join(source.dataDir, 'p.csv'))).imported.length, 1);

    const exportDir = path.join(await tempDataDir(), 'export');
    const result = await new LibraryExporter(source.db.prisma, source.store).export(exportDir);
    assert.deepEqual([result.prompts, result.generations, result.files], [3, 2, 2]);
    await assert.rejects(new LibraryExporter(source.db.prisma, source.store).export(exportDir), /already exists/);

    const report = await target.importer.importPath(exportDir);
    assert.deepEqual(report.skipped, []);
    assert.equal(report.imported.filter((i) => i.kind === 'generation').length, 2);

    assert.deepEqual(await promptsWithPresets(target.db), await promptsWithPresets(source.db));
    const generations = async (db: Database) =>
      (await db.prisma.generation.findMany({ include: { prompt: true, images: true }, orderBy: { createdAt: 'asc' } })).map((g) => ({
        prompt: g.prompt.text,
        useCount: g.prompt.useCount,
        ...{ negativePrompt: g.negativePrompt, model: g.model, sampler: g.sampler, steps: g.steps, guidanceScale: g.guidanceScale },
        ...{ width: g.width, height: g.height, seed: g.seed.toFixed(), status: g.status, createdAt: g.createdAt.toISOString() },
        images: g.images.map((i) => ({ sha256: i.sha256, seed: i.seed.toFixed(), width: i.width, height: i.height })),
      }));
    const expected = await generations(source.db);
    assert.equal(expected[0]!.seed, '18446744073709551615');
    assert.equal(expected[0]!.sampler, 'euler_a');
    assert.deepEqual(await generations(target.db), expected);
    // The files themselves came across byte for byte.
    for (const image of await target.db.prisma.image.findMany()) {
      const original = Object.values(pngs).find((png) => image.sha256 === sha(png));
      assert.ok(original, `no source picture for ${image.sha256}`);
      assert.deepEqual(await fs.readFile(path.join(target.dataDir, image.path)), original);
    }

    // Importing the export a second time adds nothing.
    const again = await target.importer.importPath(exportDir);
    assert.equal(again.imported.length, 0);
    assert.ok(again.skipped.every((s) => s.reason === 'already in the library'));
  } finally {
    await source.db.close();
    await target.db.close();
  }
});

function sha(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
