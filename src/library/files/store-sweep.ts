/** The start-up sweep: removes the image store's stray temporary files and the files no database row references. */
import type { PrismaClient } from '../db/generated/client.js';
import type { FileImageStore } from './image-store.js';
import { isFileReferenced } from './pictures.js';

/** How old a file must be before a sweep may remove it, unless ATELIER_SWEEP_GRACE_MS says otherwise. */
export const DEFAULT_SWEEP_GRACE_MS = 10 * 60_000;

/** Paths per reference query: keeps each query's parameter list short. */
const QUERY_CHUNK = 500;

export interface SweepOptions {
  /** Files modified more recently than this are kept whatever the database says. */
  graceMs: number;
  /** Stops the sweep between folders (the server closing). */
  signal?: AbortSignal;
}

export interface SweepResult {
  /** Relative paths of the temporary files removed. */
  temporaryFiles: string[];
  /** Relative paths of the PNG and WebP files removed because no Image or Upload row names them. */
  unreferencedFiles: string[];
}

/**
 * Why the grace period makes this safe while other nodes write: every write, on any node, gives its file a
 * fresh mtime (a new file is written then renamed; a file stored again is touched) and then commits the row
 * that names it within seconds. So a file whose row may still come, or a temporary file still being written,
 * is minutes younger than the grace period; what is older and unnamed was left by a process that died (kill -9
 * between the rename and the row, or during the write). In this process the store's per-path lock also keeps
 * a put and a removal of the same file from interleaving.
 */
export async function sweepImageStore(prisma: PrismaClient, store: FileImageStore, options: SweepOptions): Promise<SweepResult> {
  const since = new Date(Date.now() - options.graceMs);
  const result: SweepResult = { temporaryFiles: [], unreferencedFiles: [] };
  for await (const folder of store.folders()) {
    if (options.signal?.aborted) break;
    const old = folder.filter((entry) => entry.modifiedAt < since);
    for (const entry of old.filter((e) => e.temporary)) {
      if (await store.removeStaleTemporary(entry.path, since)) result.temporaryFiles.push(entry.path);
    }
    const pictures = old.filter((e) => !e.temporary).map((e) => e.path);
    const named = await referencedAmong(prisma, pictures);
    // Each candidate is checked again under its lock by removeUnreferenced: a row may have come since.
    const candidates = pictures.filter((p) => !named.has(p));
    result.unreferencedFiles.push(...(await store.removeUnreferenced(candidates, since, (p) => isFileReferenced(prisma, p))));
  }
  return result;
}

/** Which of `paths` an Image or Upload row names, as its file or its thumbnail: one query per table per chunk. */
async function referencedAmong(prisma: PrismaClient, paths: string[]): Promise<Set<string>> {
  const named = new Set<string>();
  for (let start = 0; start < paths.length; start += QUERY_CHUNK) {
    const chunk = paths.slice(start, start + QUERY_CHUNK);
    const where = { OR: [{ path: { in: chunk } }, { thumbnailPath: { in: chunk } }] };
    const select = { path: true, thumbnailPath: true } as const;
    const [images, uploads] = await Promise.all([prisma.image.findMany({ where, select }), prisma.upload.findMany({ where, select })]);
    for (const row of [...images, ...uploads]) {
      named.add(row.path);
      if (row.thumbnailPath) named.add(row.thumbnailPath);
    }
  }
  return named;
}
