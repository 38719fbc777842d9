/**
 * The port for what every node's workers keep loaded, so that any node (an API node too) can answer the
 * `models` and `loras` queries' `loadedOn` for the whole cluster (the library's NodeLoadedPipelines table
 * implements it). A node with workers publishes its own state when it changes and on every heartbeat; a node
 * that stopped beating drops out of the list once it is stale, as its jobs do.
 */
import { withTimeout } from '../timeout.js';
import type { LoadedPipeline } from './pipeline-cache.js';

/** What stopping waits at most for the last publish and the goodbye: a database that does not answer must not hold up a shutdown. */
const STOP_WAIT_MS = 5000;

/** One worker thread's loaded pipelines. */
export interface WorkerLoaded {
  worker: number;
  pipelines: LoadedPipeline[];
}

/** A node's workers as it last published them. */
export interface NodeLoaded {
  nodeId: string;
  workers: WorkerLoaded[];
  at: Date;
}

export interface LoadedPipelineStore {
  /** Records (or replaces) a node's workers' state, stamped with the store's clock (nodes' clocks may differ). */
  publish(nodeId: string, workers: readonly WorkerLoaded[]): Promise<void>;
  /** Removes a node (it stopped cleanly). */
  forget(nodeId: string): Promise<void>;
  /** Every node that published within the last `withinMs`, by the store's clock. */
  list(withinMs: number): Promise<NodeLoaded[]>;
}

/** A loaded pipeline as the queries show it: on which node's which worker. */
export interface PlacedPipeline extends LoadedPipeline {
  node: string;
  worker: number;
}

/**
 * Publishes this node's workers' state (when it changed, and every beat so that it stays fresh) and reads the
 * cluster's: this node's own from its pool, the others' from the store, those silent for `staleAfterMs` left out.
 * Without a store (a database no other node can share) it is this node's pool alone, and nothing is written.
 */
export class LoadedPipelineDirectory {
  private timer: NodeJS.Timeout | undefined;
  private publishing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly store: LoadedPipelineStore | undefined,
    private readonly nodeId: string,
    private readonly local: (() => WorkerLoaded[]) | undefined,
    private readonly staleAfterMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Starts the beat (a node with workers); `changed()` publishes between beats. */
  start(beatMs: number): void {
    if (!this.local || !this.store) return;
    this.changed();
    this.timer = setInterval(() => this.changed(), beatMs);
    this.timer.unref();
  }

  /** This node's workers' state changed (or the beat came): publish it, one write at a time. */
  changed(): void {
    const { local, store } = this;
    if (!local || !store || this.stopped) return;
    this.publishing = this.publishing.then(() => store.publish(this.nodeId, local())).catch(this.onError);
  }

  /** Stops publishing and removes this node's entry (other nodes would otherwise show it until it is stale). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const { local, store } = this;
    this.stopped = true;
    if (!local || !store) return;
    const goodbye = this.publishing.then(() => store.forget(this.nodeId));
    await withTimeout(goodbye, STOP_WAIT_MS, 'removing this node from the loaded pipelines').catch(this.onError);
  }

  /** Every fresh node's loaded pipelines, this node's as its pool knows them now. */
  async placed(): Promise<PlacedPipeline[]> {
    const published = this.store ? await this.store.list(this.staleAfterMs) : [];
    const others = published.filter((node) => node.nodeId !== this.nodeId || !this.local);
    const nodes = this.local ? [{ nodeId: this.nodeId, workers: this.local() }, ...others] : others;
    return nodes.flatMap(({ nodeId, workers }) => workers.flatMap(({ worker, pipelines }) => pipelines.map((pipeline) => ({ node: nodeId, worker, ...pipeline }))));
  }
}
