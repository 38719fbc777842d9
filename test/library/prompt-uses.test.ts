// Each account's uses of a shared prompt row, as the file importer records them (a PNG is a use, a CSV row is a
// prompt in the library without one), as search shows them to each viewer, and as one account's export writes them.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { LOCAL_VIEWER, type Viewer } from '../../src/accounts/viewer.js';
import { samplerLabels } from '../../src/generation/samplers.js';
import { FileImageStore, FileImporter, LibraryExporter, LibraryImporter, openDatabase, PromptSearch, SamplerNames } from '../../src/library/index.js';
import { pngWithText } from '../support/png-text.js';
import { tempDataDir } from '../support/test-server.js';

const ALICE: Viewer = { accountId: 'alice', name: 'alice', role: 'USER' };
const BOB: Viewer = { accountId: 'bob', name: 'bob', role: 'USER' };

test('imports count uses per account; search and an account\'s export show that account\'s own numbers', async () => {
  const dataDir = await tempDataDir();
  const db = await openDatabase({ dataDir });
  try {
    const store = new FileImageStore(dataDir);
    const importer = new LibraryImporter(db.prisma, store);
    const importerOf = (ownerId: string) => new FileImporter(importer, new SamplerNames(samplerLabels()), ownerId);
    await db.prisma.account.createMany({ data: [{ id: 'alice', name: 'alice' }, { id: 'bob', name: 'bob' }] });

    for (const colour of ['#ff0000', '#00ff00']) {
      const file = path.join(dataDir, `fox-${colour.slice(1)}.png`);
      await fs.writeFile(file, await pngWithText([{ keyword: 'parameters', text: 'a fox in the snow\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 16x16' }], colour));
      assert.equal((await importerOf('alice').importPath(file)).imported.length, 1);
    }
    const bobStarted = new Date();
    const csv = path.join(dataDir, 'prompts.csv');
    await fs.writeFile(csv, 'Prompt,seed\nA fox in the snow,\nbobs own prompt,7\n');
    await importerOf('bob').importPath(csv);

    const search = new PromptSearch(db.prisma);
    const seen = async (viewer: Viewer) =>
      Object.fromEntries((await search.search({ access: { viewer, scope: 'MINE' } }, 10)).items.map(({ hit }) => [hit.text, hit]));
    const bobs = await seen(BOB);
    assert.deepEqual(Object.keys(bobs).sort(), ['a fox in the snow', 'bobs own prompt']);
    assert.equal(bobs['a fox in the snow']!.useCount, 0, 'a CSV row is no use');
    assert.ok(bobs['a fox in the snow']!.createdAt >= bobStarted, 'in his library since his import, not since alice first used it');
    assert.equal((await seen(ALICE))['a fox in the snow']!.useCount, 2);
    assert.equal((await seen(LOCAL_VIEWER))['a fox in the snow']!.useCount, 2, 'an admin: every account\'s uses');
    assert.ok((await seen(LOCAL_VIEWER))['a fox in the snow']!.createdAt < bobStarted);

    const exported = path.join(dataDir, 'bob-export');
    await new LibraryExporter(db.prisma, store).export(exported, undefined, 'bob');
    const lines = (await fs.readFile(path.join(exported, 'library.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { type: string; text?: string; useCount?: number; createdAt: string });
    const fox = lines.find((line) => line.type === 'prompt' && line.text === 'a fox in the snow')!;
    assert.equal(fox.useCount, 0);
    assert.ok(fox.createdAt >= bobStarted.toISOString(), "bob's export dates the prompt by his own import");
  } finally {
    await db.close();
  }
});
