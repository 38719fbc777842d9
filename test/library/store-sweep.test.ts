import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FileImageStore, sweepImageStore, type Database } from '../../src/library/index.js';
import { NO_POSTGRES, openBackend } from './pg-test-database.js';

const GRACE_MS = 10 * 60_000;
const encode = (text: string) => new TextEncoder().encode(text);

/** Every file under the store's images folder, relative to the data folder. */
async function storedFiles(dataDir: string): Promise<string[]> {
  const root = path.join(dataDir, 'images');
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dataDir, path.join(e.parentPath, e.name)).split(path.sep).join('/')).sort();
}

/** Sets a file's mtime `ms` milliseconds into the past, as if written then. */
async function age(dataDir: string, relative: string, ms: number): Promise<void> {
  const then = new Date(Date.now() - ms);
  await fs.utimes(path.join(dataDir, relative), then, then);
}

/** A temporary file as a write killed mid-way leaves it: next to the name it was meant for. */
async function strayTemporary(dataDir: string, finalPath: string, tag: string): Promise<string> {
  const relative = `${finalPath}.${tag}.tmp`;
  await fs.mkdir(path.dirname(path.join(dataDir, relative)), { recursive: true });
  await fs.writeFile(path.join(dataDir, relative), 'half written');
  return relative;
}

async function generationWithImage(db: Database, file: string, thumbnail: string): Promise<void> {
  const prompt = await db.prisma.prompt.create({ data: { text: 'a sweep', normalized: 'a sweep', useCount: 1 } });
  const generation = await db.prisma.generation.create({
    data: { promptId: prompt.id, model: 'tiny', sampler: 'euler', steps: 4, guidanceScale: 7, width: 64, height: 64, seed: 1, batchSize: 1, status: 'COMPLETED' },
  });
  await db.prisma.image.create({
    data: { generationId: generation.id, index: 0, seed: 1, width: 64, height: 64, sha256: 'x', path: file, thumbnailPath: thumbnail, thumbnailSha256: 'y' },
  });
}

for (const backend of ['PGlite', 'PostgreSQL'] as const) {
  describe(`image store sweep on ${backend}`, () => {
    let handle: Awaited<ReturnType<typeof openBackend>>;
    let dataDir: string;
    before(async () => {
      handle = await openBackend(backend);
      dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-sweep-'));
    });
    after(async () => {
      await handle?.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    });

    test('old temporary and unreferenced files go; referenced files and young files stay', async (t) => {
      if (!handle) return t.skip(NO_POSTGRES);
      const { db } = handle;
      const store = new FileImageStore(dataDir);
      const image = await store.put(encode('generated image'));
      const imageThumb = await store.put(encode('its thumbnail'), 'webp');
      const upload = await store.put(encode('uploaded image'));
      const uploadThumb = await store.put(encode('upload thumbnail'), 'webp');
      await generationWithImage(db, image.path, imageThumb.path);
      await db.prisma.upload.create({
        data: { ownerId: 'local', width: 64, height: 64, sha256: upload.sha256, path: upload.path, thumbnailPath: uploadThumb.path, thumbnailSha256: uploadThumb.sha256 },
      });
      const orphan = await store.put(encode('row never committed'));
      const orphanThumb = await store.put(encode('its thumbnail, row never committed'), 'webp');
      const youngOrphan = await store.put(encode('row about to be committed'));
      const oldTemporary = await strayTemporary(dataDir, orphan.path, 'a1b2c3d4e5f6');
      const youngTemporary = await strayTemporary(dataDir, youngOrphan.path, '0123456789ab');
      const hourAgo = 60 * 60_000;
      for (const file of [image.path, imageThumb.path, upload.path, uploadThumb.path, orphan.path, orphanThumb.path, oldTemporary]) await age(dataDir, file, hourAgo);
      // Just inside the grace period: another node may be about to commit its row.
      await age(dataDir, youngOrphan.path, GRACE_MS - 60_000);

      const result = await sweepImageStore(db.prisma, store, { graceMs: GRACE_MS });

      assert.deepEqual(result.temporaryFiles, [oldTemporary]);
      assert.deepEqual(result.unreferencedFiles.sort(), [orphan.path, orphanThumb.path].sort());
      assert.deepEqual(await storedFiles(dataDir), [image.path, imageThumb.path, upload.path, uploadThumb.path, youngOrphan.path, youngTemporary].sort());
    });

    test('a file stored again while the sweep runs stays (the put touches it under the same lock)', async (t) => {
      if (!handle) return t.skip(NO_POSTGRES);
      const store = new FileImageStore(dataDir);
      const bytes = encode('stored again during the sweep');
      const file = await store.put(bytes);
      await age(dataDir, file.path, 60 * 60_000);
      const [result] = await Promise.all([sweepImageStore(handle.db.prisma, store, { graceMs: GRACE_MS }), store.put(bytes)]);
      // Whichever ran first, the file the put returned must exist afterwards.
      assert.equal(await store.exists(file.path), true);
      assert.equal(result.unreferencedFiles.includes(file.path), false);
    });
  });
}
