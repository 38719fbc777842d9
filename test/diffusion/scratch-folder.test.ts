/**
 * Scratch folders for edited models (model/scratch-folder.ts): the first one a process makes removes what
 * killed processes left behind, and what an earlier process with this one's id left (a restarted container),
 * but not a live process's folders; links never write through to the original.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { linkOrCopy, makeScratchFolder } from '../../src/diffusion/model/scratch-folder.js';

const exists = (p: string) => fs.access(p).then(() => true, () => false);

test('the first scratch folder of a process sweeps the abandoned ones and leaves live ones', async () => {
  const root = os.tmpdir();
  const dead = await fs.mkdtemp(path.join(root, 'atelier-merge-999999999-')); // above any pid_max
  const live = await fs.mkdtemp(path.join(root, `atelier-merge-${process.ppid}-`));
  const earlier = await fs.mkdtemp(path.join(root, `atelier-merge-${process.pid}-`));
  const longAgo = new Date(Date.now() - 24 * 3600_000);
  await fs.utimes(earlier, longAgo, longAgo); // made before this process started: a previous incarnation's
  const other = await fs.mkdtemp(path.join(root, 'atelier-merge-not-a-pid-'));
  try {
    const made = await makeScratchFolder();
    assert.match(path.basename(made), new RegExp(`^atelier-merge-${process.pid}-`));
    assert.equal(await exists(dead), false, 'a dead process\'s folder is removed');
    assert.equal(await exists(earlier), false, 'an earlier process with this id: removed');
    assert.equal(await exists(live), true, 'a running process\'s folder stays');
    assert.equal(await exists(other), true, 'names that carry no process id are not ours to judge');
    await fs.rm(made, { recursive: true });
  } finally {
    await Promise.all([dead, live, earlier, other].map((d) => fs.rm(d, { recursive: true, force: true })));
  }
});

test('linkOrCopy: the same bytes under a new name, in folders it makes', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-link-'));
  try {
    await fs.writeFile(path.join(dir, 'weights.bin'), 'abc');
    await linkOrCopy(path.join(dir, 'weights.bin'), path.join(dir, 'deep/er/weights.bin'));
    assert.equal(await fs.readFile(path.join(dir, 'deep/er/weights.bin'), 'utf8'), 'abc');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
