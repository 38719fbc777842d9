/**
 * The port for model load failures: where a node records that it could not load a model, for every node of a
 * cluster to see (the library's ModelProblem table implements it; generation/model-health.ts applies it).
 */

/** A model a node could not load, as recorded for every node to see (generation/model-health.ts applies it). */
export interface ModelProblemRecord {
  model: string;
  nodeId: string;
  /** What the load said, e.g. onnxruntime's "Protobuf parsing failed". */
  problem: string;
  /** The model folder as the failing node saw it (model-fingerprint.ts); another value means it changed since. */
  fingerprint: string;
  at: Date;
}

/** Where model load failures are kept, shared by the nodes of a cluster (the library's ModelProblem table). */
export interface ModelProblemStore {
  /** Records (or replaces) this node's problem with the model. */
  record(problem: Omit<ModelProblemRecord, 'at'>): Promise<void>;
  /** Forgets a node's problem with the model; with `fingerprint`, only a record made with that fingerprint. */
  clear(model: string, nodeId: string, fingerprint?: string): Promise<void>;
  /** Every recorded problem (a handful of rows at most: one per broken model and node). */
  list(): Promise<ModelProblemRecord[]>;
}
