import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

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
  constructor(readonly dataDir: string) {}

  async put(bytes: Uint8Array, extension = 'png'): Promise<StoredFile> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const relative = `images/${sha256.slice(0, 2)}/${sha256}.${extension}`;
    const target = this.resolve(relative);
    if (await this.stat(relative)) return { sha256, path: relative };
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
      await fs.rm(temporary, { force: true });
      throw error;
    }
    await syncDirectory(path.dirname(target));
    return { sha256, path: relative };
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
