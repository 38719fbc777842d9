/** The image store's files as the chaos checks see them: every file hashed, temporaries told apart. */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface StoreFile {
  /** Relative to the data folder, with forward slashes, as rows name it. */
  path: string;
  /** A write's temporary (`<name>.<12 hex>.tmp`, library/files/image-store.ts). */
  temporary: boolean;
  /** SHA-256 of the bytes on disk. */
  contentSha256: string;
  /** The hash the content-addressed name promises; undefined for a name that promises none. */
  namedSha256: string | undefined;
}

const PICTURE_NAME = /^([0-9a-f]{64})\.(png|webp)$/;
const TEMPORARY_NAME = /\.[0-9a-f]{12}\.tmp$/;

export async function listStore(dataDir: string): Promise<StoreFile[]> {
  const root = path.join(dataDir, 'images');
  const files: StoreFile[] = [];
  for (const shard of await fs.readdir(root).catch(() => [] as string[])) {
    for (const name of await fs.readdir(path.join(root, shard)).catch(() => [] as string[])) {
      const bytes = await fs.readFile(path.join(root, shard, name)).catch(() => undefined);
      if (!bytes) continue;
      files.push({
        path: `images/${shard}/${name}`,
        temporary: TEMPORARY_NAME.test(name),
        contentSha256: createHash('sha256').update(bytes).digest('hex'),
        namedSha256: PICTURE_NAME.exec(name)?.[1],
      });
    }
  }
  return files;
}

/** Makes every file in the store look `ageMs` old, so a sweep with a shorter grace period may consider them all. */
export async function backdateStore(dataDir: string, ageMs: number): Promise<void> {
  const when = new Date(Date.now() - ageMs);
  const root = path.join(dataDir, 'images');
  for (const shard of await fs.readdir(root).catch(() => [] as string[])) {
    for (const name of await fs.readdir(path.join(root, shard)).catch(() => [] as string[])) {
      await fs.utimes(path.join(root, shard, name), when, when).catch(() => undefined);
    }
  }
}
