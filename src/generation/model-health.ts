/**
 * Models that failed to load: a worker that cannot create a model's ONNX sessions (a corrupt or truncated
 * file) makes the model unusable, for `models`, `generate` and /ready on every node, until the node that
 * failed loads it again or the model folder changes. The records are shared through a port (the database on
 * a cluster), because the node answering `models` is not the one whose worker failed.
 */
import type { ModelFolder } from '../diffusion/index.js';
import type { Logger } from '../logger.js';
import type { InstalledModels } from './generation-requests.js';
import type { ModelProblemRecord, ModelProblemStore } from './model-problem-store.js';
import type { ModelCatalog } from './model-catalog.js';
import { modelFingerprint } from './model-fingerprint.js';

/** A load that failed for want of memory says nothing about the model's files: it is not recorded. */
const OUT_OF_MEMORY = /out of memory|failed to allocate|bad_alloc|ENOMEM|cudaErrorMemoryAllocation/i;

/** An installed model as `models` lists it: usable unless a node could not load its current files. */
export interface ModelStatus {
  model: ModelFolder;
  /** Why it cannot be used now; null when it can. */
  problem: string | null;
}

type Scan = Awaited<ReturnType<InstalledModels['scan']>> & { models: ModelFolder[] };

export class ModelHealth implements InstalledModels {
  /** This node's recorded problems, so that a job for a model it cannot load fails without loading again. */
  private readonly mine = new Map<string, { fingerprint: string; problem: string }>();
  /** Models loaded here since start: a record this node left before a restart is cleared once, on the first load. */
  private readonly loadedOnce = new Set<string>();
  /** The records as last read, kept while no other node can change them (the embedded database). */
  private kept: Promise<ModelProblemRecord[]> | undefined;

  constructor(
    private readonly catalog: ModelCatalog,
    private readonly store: ModelProblemStore,
    private readonly nodeId: string,
    private readonly logger: Logger,
    /** Whether other nodes write records too (a shared PostgreSQL); false on the embedded database. */
    private readonly sharedRecords = true,
  ) {}

  get defaultModel(): string {
    return this.catalog.defaultModel;
  }

  /** Scans the models folder again now, whatever its fingerprint says (refreshModels). */
  async refresh(): Promise<void> {
    await this.catalog.refresh();
  }

  /** Every installed model with what keeps it from being used (the `models` query). */
  async list(): Promise<ModelStatus[]> {
    const [models, problems] = await Promise.all([this.catalog.list(), this.currentProblems()]);
    return models.map((model) => ({ model, problem: problems.get(model.name) ?? null }));
  }

  /** The catalog's scan with the models that failed to load moved to `unusable` (request checks, /ready). */
  async scan(): Promise<Scan> {
    const [scan, problems] = await Promise.all([this.catalog.scan(), this.currentProblems()]);
    return {
      models: scan.models.filter((model) => !problems.has(model.name)),
      unusable: [...scan.unusable, ...[...problems].map(([name, problem]) => ({ name, problem }))],
    };
  }

  /** Why the default model cannot be used now (not a usable folder, or it failed to load); null when it can. */
  async defaultModelProblem(): Promise<string | null> {
    const { models, unusable } = await this.scan();
    if (models.some((model) => model.name === this.defaultModel)) return null;
    const problem = unusable.find((folder) => folder.name === this.defaultModel)?.problem ?? 'it is not in the models folder';
    return `the default model "${this.defaultModel}" cannot be used: ${problem}`;
  }

  /** This node's own problem with the model, when its files are still the ones that failed to load. */
  async knownProblem(model: ModelFolder): Promise<string | undefined> {
    const known = this.mine.get(model.name);
    if (!known) return undefined;
    if ((await modelFingerprint(model.dir)) === known.fingerprint) return known.problem;
    this.mine.delete(model.name);
    return undefined;
  }

  /**
   * A worker of this node could not create the model's sessions: recorded for every node, with the folder's
   * fingerprint. Returns the message the job fails with; never rejects (the job must still be recorded).
   */
  async loadFailed(model: ModelFolder, error: string): Promise<string> {
    const problem = `could not be loaded on node ${this.nodeId}: ${error}`;
    if (OUT_OF_MEMORY.test(error)) return `model "${model.name}" could not be loaded (out of memory): ${error}`;
    const fingerprint = await modelFingerprint(model.dir);
    this.mine.set(model.name, { fingerprint, problem });
    this.loadedOnce.delete(model.name);
    try {
      await this.store.record({ model: model.name, nodeId: this.nodeId, problem, fingerprint });
    } catch (recordError) {
      this.logger.warn({ err: recordError, model: model.name }, 'could not record a model problem for the other nodes');
    }
    this.recordsChanged();
    this.logger.error({ model: model.name, problem: error }, `model "${model.name}" is marked unusable until it loads again or its folder changes`);
    return `model "${model.name}" ${problem}`;
  }

  /** A worker of this node loaded the model: whatever this node recorded against it no longer holds. */
  async loaded(model: ModelFolder): Promise<void> {
    const hadProblem = this.mine.delete(model.name);
    if (!hadProblem && this.loadedOnce.has(model.name)) return;
    this.loadedOnce.add(model.name);
    await this.store.clear(model.name, this.nodeId);
    this.recordsChanged();
    if (hadProblem) this.logger.info({ model: model.name }, `model "${model.name}" loads again`);
  }

  /**
   * The recorded problems that still hold, by model: those whose fingerprint is the folder's as this node sees
   * it now. A record of a folder changed since (repaired, replaced) is stale: ignored here and removed.
   */
  private async currentProblems(): Promise<Map<string, string>> {
    const records = await this.records();
    if (records.length === 0) return new Map();
    const models = new Map((await this.catalog.list()).map((model) => [model.name, model]));
    const fingerprints = new Map<string, Promise<string>>();
    const current = new Map<string, string>();
    for (const record of records) {
      const model = models.get(record.model);
      if (!model) continue; // not installed here: nothing to report
      if (!fingerprints.has(model.name)) fingerprints.set(model.name, modelFingerprint(model.dir));
      if ((await fingerprints.get(model.name)) !== record.fingerprint) {
        this.forgetStale(record);
        continue;
      }
      if (!current.has(record.model)) current.set(record.model, record.problem);
    }
    return current;
  }

  private forgetStale(record: ModelProblemRecord): void {
    this.store
      .clear(record.model, record.nodeId, record.fingerprint)
      .then(() => this.recordsChanged())
      .catch((error: unknown) => this.logger.warn({ err: error, model: record.model }, 'could not remove a stale model problem'));
  }

  /**
   * The stored records. Every generate asks: alone on its database, this node is the only one that changes
   * them, so they are read once and kept until it does; shared with other nodes, they are read each time.
   */
  private records(): Promise<ModelProblemRecord[]> {
    if (this.kept) return this.kept;
    const read = this.store.list();
    if (!this.sharedRecords) {
      this.kept = read;
      read.catch(() => this.kept === read && this.recordsChanged());
    }
    return read;
  }

  /** This node wrote or removed a record: the next question reads them again. */
  private recordsChanged(): void {
    this.kept = undefined;
  }
}
