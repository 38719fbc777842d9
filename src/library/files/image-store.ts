/** Content-addressed image files under the data folder, written so that a crash never leaves a truncated one. */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { KeyedMutex } from '../support/keyed-mutex.js';

/** One file in the store as a sweep sees it (library/files/store-sweep.ts). */
export interface StoreEntry {
  /** Relative to the data folder, with forward slashes. */
  path: string;
  modifiedAt: Date;
  /** A write's temporary file (`<name>.<12 hex>.tmp`), never a picture any row may point at. */
  temporary: boolean;
}

/** A write's temporary name: the final name, a random tag, `.tmp`. */
const TEMPORARY_NAME = /^(.+)\.[0-9a-f]{12}\.tmp$/;

export interface StoredFile {
  sha256: string;
  /** Relative to the data folder, with forward slashes: what the database records. */
  path: string;
}

/**
 * Image files, content-addressed under <dataDir>/images/<first two hex digits>/<sha256>.png. A file is
 * written under a temporary name in the same folder, flushed, then renamed: a crash leaves either the whole
 * file or a stray temporary, never a truncated image under a real name. Identical images share one file.
 */
export class FileImageStore {
  /** Per path: a put and a removal of the same file never interleave (see removeUnreferenced). */
  private readonly locks = new KeyedMutex();

  constructor(readonly dataDir: string) {}

  async put(bytes: Uint8Array, extension = 'png'): Promise<StoredFile> {
    const sha256 = sha256Hex(bytes);
    const relative = `images/${sha256.slice(0, 2)}/${sha256}.${extension}`;
    await this.locks.run(relative, () => this.write(relative, bytes));
    return { sha256, path: relative };
  }

  /**
   * Deletes the files no database row points at any more. A file put again since `since` (a new picture with
   * the same bytes, whose row may not be written yet) is kept: put marks an existing file by touching it, and
   * the check and the removal run under the same per-path lock as put, so neither can slip between the other's
   * steps. (Two servers sharing one data folder could still race in that instant; a later sweep would find
   * such a row's file missing.)
   */
  async removeUnreferenced(paths: Iterable<string>, since: Date, isReferenced: (path: string) => Promise<boolean>): Promise<string[]> {
    const removed: string[] = [];
    for (const relative of new Set(paths)) {
      await this.locks.run(relative, async () => {
        if (await isReferenced(relative)) return;
        const target = this.resolve(relative);
        const stats = await fs.stat(target).catch(() => null);
        if (!stats || stats.mtime >= since) return;
        await fs.rm(target, { force: true });
        removed.push(relative);
      });
    }
    return removed;
  }

  /** The store's files, one `images/<2 hex>` folder at a time (so a sweep holds one folder's names at once). */
  async *folders(): AsyncGenerator<StoreEntry[]> {
    const root = path.join(this.dataDir, 'images');
    const shards = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
    for (const shard of shards) {
      if (!shard.isDirectory() || !/^[0-9a-f]{2}$/.test(shard.name)) continue;
      const names = await fs.readdir(path.join(root, shard.name)).catch(() => []);
      const entries: StoreEntry[] = [];
      for (const name of names) {
        const stats = await fs.stat(path.join(root, shard.name, name)).catch(() => null);
        if (!stats?.isFile()) continue;
        entries.push({ path: `images/${shard.name}/${name}`, modifiedAt: stats.mtime, temporary: TEMPORARY_NAME.test(name) });
      }
      yield entries;
    }
  }

  /**
   * Deletes a write's temporary file last modified before `since`, under the lock of the file it was
   * written for, so a put of that file in this process is never cut short. False when it is kept or gone.
   */
  async removeStaleTemporary(relative: string, since: Date): Promise<boolean> {
    const target = TEMPORARY_NAME.exec(relative)?.[1];
    if (!target) throw new Error(`not a temporary file: ${relative}`);
    return this.locks.run(target, async () => {
      const absolute = this.resolve(relative);
      const stats = await fs.stat(absolute).catch(() => null);
      if (!stats || stats.mtime >= since) return false;
      await fs.rm(absolute, { force: true });
      return true;
    });
  }

  private async write(relative: string, bytes: Uint8Array): Promise<void> {
    const target = this.resolve(relative);
    if (await this.stat(relative)) {
      // Already stored (identical bytes): mark it as wanted again, for a removal running concurrently.
      const now = new Date();
      await fs.utimes(target, now, now);
      return;
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const handle = await fs.open(temporary, 'wx');
      try {
        await handle.writeFile(bytes);
        await handle.sync(); // the bytes are on disk before the name points at them
      } finally {
        await handle.close();
      }
      // Concurrent puts of the same bytes both rename identical content over the same name: harmless.
      await fs.rename(temporary, target);
    } catch (error) {
      // The write's own error is what matters; a removal that fails too must not hide it.
      await fs.rm(temporary, { force: true }).catch(() => undefined);
      throw error;
    }
    await syncDirectory(path.dirname(target));
  }

  async exists(relativePath: string): Promise<boolean> {
    return (await this.stat(relativePath)) !== null;
  }

  async read(relativePath: string): Promise<Uint8Array> {
    return new Uint8Array(await fs.readFile(this.resolve(relativePath)));
  }

  open(relativePath: string): Readable {
    return createReadStream(this.resolve(relativePath));
  }

  async stat(relativePath: string): Promise<{ size: number } | null> {
    try {
      const stats = await fs.stat(this.resolve(relativePath));
      return stats.isFile() ? { size: stats.size } : null;
    } catch {
      return null;
    }
  }

  private resolve(relativePath: string): string {
    const absolute = path.resolve(this.dataDir, relativePath);
    if (!absolute.startsWith(path.resolve(this.dataDir) + path.sep)) throw new Error(`path escapes the data folder: ${relativePath}`);
    return absolute;
  }
}

/** A file's content address. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Makes the rename itself durable. Best effort: some platforms (Windows) cannot open a directory. */
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(directory, 'r');
    await handle.sync();
  } catch {
    // The file is complete either way; only the rename's durability across a power cut is at stake.
  } finally {
    await handle?.close();
  }
}
