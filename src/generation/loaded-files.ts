/**
 * Things a worker loads from one file and keeps (upscaler models, safety checkers): loaded on first use, kept
 * while the file's size and modification time stay the same, loaded again (and the old one released) once
 * the file is replaced. A load that fails is not kept, so the next job tries again.
 */
import { promises as fs } from 'node:fs';

export class LoadedFiles<T extends { release(): Promise<void> }> {
  private readonly kept = new Map<string, { stamp: string; value: Promise<T> }>();

  constructor(private readonly load: (file: string) => Promise<T>) {}

  async get(file: string): Promise<T> {
    const stats = await fs.stat(file);
    const stamp = `${stats.size}:${stats.mtimeMs}`;
    const kept = this.kept.get(file);
    if (kept?.stamp === stamp) return kept.value;
    if (kept) void kept.value.then((old) => old.release()).catch(() => undefined);
    const value = this.load(file);
    this.kept.set(file, { stamp, value });
    value.catch(() => {
      if (this.kept.get(file)?.value === value) this.kept.delete(file);
    });
    return value;
  }

  /** Releases everything kept (the worker is shutting down). */
  async releaseAll(): Promise<void> {
    const values = [...this.kept.values()];
    this.kept.clear();
    await Promise.allSettled(values.map(async ({ value }) => (await value).release()));
  }
}
