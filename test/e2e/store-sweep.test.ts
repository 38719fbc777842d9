import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { startTestServer, tempDataDir } from '../support/test-server.js';

/** Writes a file under the data folder with its mtime `ageMs` in the past, as a killed process would have left it. */
async function seed(dataDir: string, relative: string, ageMs: number): Promise<void> {
  const file = path.join(dataDir, relative);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, 'left behind');
  const then = new Date(Date.now() - ageMs);
  await fs.utimes(file, then, then);
}

const exists = (file: string) =>
  fs.access(file).then(
    () => true,
    () => false,
  );

test('a server start sweeps away old temporary and unreferenced files, keeping young ones', { timeout: 120_000 }, async (t) => {
  const dataDir = await tempDataDir();
  const sha = 'ab'.padEnd(64, '0');
  const orphan = `images/ab/${sha}.png`;
  const orphanThumb = `images/ab/${sha}.webp`;
  const temporary = `${orphan}.0123456789ab.tmp`;
  const young = `images/ab/${'ab'.padEnd(64, '1')}.png`;
  const hour = 60 * 60_000;
  for (const file of [orphan, orphanThumb, temporary]) await seed(dataDir, file, hour);
  await seed(dataDir, young, 1000);

  const server = await startTestServer({ dataDir });
  try {
    const strays = [orphan, orphanThumb, temporary].map((file) => path.join(dataDir, file));
    // Poll until the background sweep has removed them (the test's timeout bounds the wait: a liveness bound, not a timing claim).
    while ((await Promise.all(strays.map(exists))).some(Boolean) && !t.signal.aborted) await sleep(50);
    assert.deepEqual(await Promise.all(strays.map(exists)), [false, false, false]);
    // The young file is in the same folder, which the sweep has finished with: it was kept, not just not reached.
    assert.equal(await exists(path.join(dataDir, young)), true);
  } finally {
    await server.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
});
