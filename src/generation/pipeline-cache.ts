/**
 * A worker's loaded pipelines: one per model and LoRA set (each set's merged weights are sessions of their own),
 * kept up to a memory budget (ATELIER_WORKER_MEMORY) and dropped least recently used first, so that going back
 * to a recent model + LoRA set costs nothing. The one in use is never dropped, even when it alone is over the
 * budget. Runs inside the worker thread; loads of the same key share one promise.
 */
import type { WorkerEmbedding, WorkerLora } from './worker-protocol.js';

/** What the cache needs of a pipeline. */
export interface Releasable {
  release(): Promise<void>;
}

/** A loaded pipeline as reported to the pool: what it is and the memory it is reckoned to hold. */
export interface LoadedPipeline {
  model: string;
  loras: Array<{ name: string; weight: number }>;
  bytes: number;
}

interface Entry<P> {
  key: string;
  description: LoadedPipeline;
  pipeline: Promise<P>;
  lastUsed: number;
}

export class PipelineCache<P extends Releasable> {
  private readonly entries = new Map<string, Entry<P>>();
  private clock = 0;

  constructor(
    /** Bytes all kept pipelines may hold together; the one in use stays whatever its size. */
    private readonly budgetBytes: number,
    /** Loads a model with these LoRAs (those at weight 0 are left out: they change nothing). */
    private readonly load: (modelDir: string, loras: readonly WorkerLora[], embeddings: readonly WorkerEmbedding[]) => Promise<{ pipeline: P; bytes: number }>,
  ) {}

  /** The pipeline for a model with these LoRAs: kept, or loaded now (then older ones go until the rest fits). */
  async get(model: { dir: string; name: string }, loras: readonly WorkerLora[], embeddings: readonly WorkerEmbedding[] = []): Promise<P> {
    const key = cacheKey(model.dir, loras, embeddings);
    const kept = this.entries.get(key);
    if (kept) {
      kept.lastUsed = ++this.clock;
      return kept.pipeline;
    }
    const loading = this.load(model.dir, activeLoras(loras), embeddings);
    const entry: Entry<P> = {
      key,
      description: { model: model.name, loras: activeLoras(loras).map(({ name, weight }) => ({ name, weight })), bytes: 0 },
      pipeline: loading.then((loaded) => loaded.pipeline),
      lastUsed: ++this.clock,
    };
    this.entries.set(key, entry);
    entry.pipeline.catch(() => undefined); // a failed load is reported through `loading` below
    try {
      const loaded = await loading;
      entry.description.bytes = loaded.bytes;
    } catch (error) {
      this.entries.delete(key);
      throw error;
    }
    await this.evictBeyondBudget(key);
    return entry.pipeline;
  }

  /** What is loaded now, most recently used first. */
  loaded(): LoadedPipeline[] {
    return [...this.entries.values()].sort((a, b) => b.lastUsed - a.lastUsed).map((entry) => entry.description);
  }

  /** Releases one pipeline (a large job grew its sessions: giveBackMemory). */
  async drop(model: { dir: string }, loras: readonly WorkerLora[], embeddings: readonly WorkerEmbedding[] = []): Promise<void> {
    const key = cacheKey(model.dir, loras, embeddings);
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    await (await entry.pipeline).release().catch(() => undefined);
  }

  /** Releases every pipeline (shutdown). */
  async clear(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.allSettled(entries.map(async (entry) => (await entry.pipeline).release()));
  }

  private async evictBeyondBudget(inUse: string): Promise<void> {
    const byAge = [...this.entries.values()].sort((a, b) => a.lastUsed - b.lastUsed);
    let total = byAge.reduce((sum, entry) => sum + entry.description.bytes, 0);
    for (const entry of byAge) {
      if (total <= this.budgetBytes) return;
      if (entry.key === inUse) continue;
      this.entries.delete(entry.key);
      total -= entry.description.bytes;
      await (await entry.pipeline).release().catch(() => undefined);
    }
  }
}

/** LoRAs at weight 0 change no weight: the set without them is the same pipeline. */
function activeLoras(loras: readonly WorkerLora[]): WorkerLora[] {
  return loras.filter((lora) => lora.weight !== 0);
}

/** One key per model, set of applied LoRAs (order does not matter: the merge is a sum) and set of embeddings. */
function cacheKey(modelDir: string, loras: readonly WorkerLora[], embeddings: readonly WorkerEmbedding[]): string {
  const set = activeLoras(loras)
    .map((lora) => `${lora.file}\u0000${lora.hash}\u0000${lora.weight}`)
    .sort();
  const words = embeddings.map((e) => `${e.name}\u0000${e.hash}`).sort();
  return [modelDir, ...set, '\u0002', ...words].join('\u0001');
}
