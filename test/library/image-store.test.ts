import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { after, before, test } from 'node:test';
import { FileImageStore, normalizePrompt } from '../../src/library/index.js';

let dataDir: string;
before(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-store-'));
});
after(() => fs.rm(dataDir, { recursive: true, force: true }));

/** Every file under a folder, relative to it. */
async function listFiles(root: string): Promise<string[]> {
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name))).sort();
}

test('files are content-addressed: same bytes, same file; no temporary files left behind', async () => {
  const store = new FileImageStore(dataDir);
  const a = new TextEncoder().encode('image A');
  const sha = createHash('sha256').update(a).digest('hex');
  const [first, second] = await Promise.all([store.put(a), store.put(a)]);
  assert.deepEqual(first, { sha256: sha, path: `images/${sha.slice(0, 2)}/${sha}.png` });
  assert.deepEqual(second, first);
  const other = await store.put(new TextEncoder().encode('image B'));
  assert.notEqual(other.path, first.path);
  assert.deepEqual(await listFiles(dataDir), [first.path, other.path].sort());
  assert.equal(await text(store.open(first.path)), 'image A');
  assert.equal(await store.exists(first.path), true);
  assert.equal(await store.exists('images/00/missing.png'), false);
  assert.deepEqual(await store.stat(other.path), { size: 7 });
});

test('paths outside the data folder are refused', async () => {
  const store = new FileImageStore(dataDir);
  assert.throws(() => store.open('../outside.png'), /escapes the data folder/);
  assert.equal(await store.exists('../../etc/passwd'), false); // treated as missing, never read
});

test('prompts are deduplicated by trimmed, whitespace-collapsed, lower-cased text', () => {
  assert.equal(normalizePrompt('  A  Red\tcircle\n'), 'a red circle');
  assert.equal(normalizePrompt('ÉTÉ  à Paris'), 'été à paris');
});

test('unreferenced files are removed; a file referenced, or stored again since the removal began, stays', async () => {
  const store = new FileImageStore(dataDir);
  const old = await store.put(new TextEncoder().encode('old and unused'));
  const used = await store.put(new TextEncoder().encode('still used'));
  const again = await store.put(new TextEncoder().encode('stored again'));
  // Back-date the files, as if stored a minute ago; then a removal starts, and one picture is stored again.
  const minuteAgo = new Date(Date.now() - 60_000);
  for (const file of [old, used, again]) await fs.utimes(path.join(dataDir, file.path), minuteAgo, minuteAgo);
  const since = new Date();
  await store.put(new TextEncoder().encode('stored again'));
  const removed = await store.removeUnreferenced([old.path, used.path, again.path, 'images/00/missing.png'], since, async (p) => p === used.path);
  assert.deepEqual(removed, [old.path]);
  assert.equal(await store.exists(old.path), false);
  assert.equal(await store.exists(used.path), true);
  assert.equal(await store.exists(again.path), true, 'a concurrent store of the same bytes keeps its file');
});
