/** The chaos command's options and the node topology they describe (`--nodes all`, `--nodes api:1,worker:2`). */
import { parseArgs } from 'node:util';

export type Role = 'all' | 'api' | 'worker';
export type DatabaseMode = 'embedded' | 'postgres';

/** One kind of node in the topology and how many of it run. */
export interface NodeGroup {
  role: Role;
  count: number;
}

export interface ChaosOptions {
  trials: number;
  database: DatabaseMode;
  nodes: NodeGroup[];
  /** Seeds every random choice: the same seed and options make the same trials (as far as timing allows). */
  seed: number;
  /** Jobs the workload gets accepted in each trial. */
  jobs: number;
  /** SIGKILLs per trial, each of a random node at a random moment. */
  kills: number;
  /** How long after the last submission every accepted job must be terminal. */
  deadlineMs: number;
  /** ATELIER_HEARTBEAT_MS for the nodes: how soon a dead worker's lease runs out (once the server reads it). */
  heartbeatMs: number;
  /** Keep every trial's data folder and database, not only those of failed trials. */
  keep: boolean;
  /** ATELIER_REDIS_URL for the nodes (each trial gets its own key prefix); undefined: no Redis. */
  redisUrl: string | undefined;
  /** PostgreSQL server the trial databases are created on (user postgres, trust). */
  postgresUrl: string;
}

const ROLES: readonly Role[] = ['all', 'api', 'worker'];

/** `all`, `all:2`, `api:1,worker:2`: groups of role[:count], each role at most once. */
export function parseTopology(text: string): NodeGroup[] {
  const groups: NodeGroup[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [role, count = '1', extra] = part.split(':');
    if (extra !== undefined || !ROLES.includes(role as Role)) throw new UsageError(`--nodes: "${part}" is not role[:count] with role one of ${ROLES.join(', ')}`);
    if (!/^[1-9]\d?$/.test(count)) throw new UsageError(`--nodes: the count in "${part}" must be 1..99`);
    if (groups.some((g) => g.role === role)) throw new UsageError(`--nodes: ${role} is given twice`);
    groups.push({ role: role as Role, count: Number(count) });
  }
  if (groups.length === 0) throw new UsageError('--nodes: name at least one node');
  if (!groups.some((g) => g.role !== 'worker')) throw new UsageError('--nodes: work needs a node that serves the API (all or api)');
  if (!groups.some((g) => g.role !== 'api')) throw new UsageError('--nodes: work needs a node that runs jobs (all or worker)');
  return groups;
}

export class UsageError extends Error {}

function readInt(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new UsageError(`--${name} must be an integer in ${min}..${max}, got "${raw}"`);
  return Number(raw);
}

export function parseOptions(args: string[], env: Record<string, string | undefined> = process.env): ChaosOptions {
  const { values } = parseArgs({
    args,
    options: {
      trials: { type: 'string' },
      database: { type: 'string', default: 'embedded' },
      nodes: { type: 'string', default: 'all' },
      seed: { type: 'string' },
      jobs: { type: 'string' },
      kills: { type: 'string' },
      'deadline-s': { type: 'string' },
      'heartbeat-ms': { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const database = values.database;
  if (database !== 'embedded' && database !== 'postgres') throw new UsageError(`--database must be embedded or postgres, got "${database}"`);
  const nodes = parseTopology(values.nodes!);
  // PGlite is a database inside one process: nobody else can open its folder.
  if (database === 'embedded' && (nodes.length !== 1 || nodes[0]!.role !== 'all' || nodes[0]!.count !== 1)) {
    throw new UsageError('--database embedded runs one node: --nodes all (a topology needs --database postgres)');
  }
  return {
    trials: readInt('trials', values.trials, 10, 1, 100_000),
    database,
    nodes,
    seed: readInt('seed', values.seed, Math.floor(Math.random() * 1_000_000), 0, 2 ** 31),
    jobs: readInt('jobs', values.jobs, 12, 1, 1000),
    kills: readInt('kills', values.kills, 1, 0, 100),
    deadlineMs: readInt('deadline-s', values['deadline-s'], 180, 5, 3600) * 1000,
    heartbeatMs: readInt('heartbeat-ms', values['heartbeat-ms'], 1000, 100, 600_000),
    keep: values.keep!,
    redisUrl: env.ATELIER_REDIS_URL?.trim() || undefined,
    postgresUrl: env.ATELIER_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
  };
}

/** The topology as given, for reports: `all`, `api:1,worker:2`. */
export const describeTopology = (nodes: readonly NodeGroup[]): string => nodes.map((g) => (g.count === 1 && nodes.length === 1 ? g.role : `${g.role}:${g.count}`)).join(',');
