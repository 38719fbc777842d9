/**
 * One chaos trial: fresh state, the topology's nodes as real processes, random work over HTTP while random
 * nodes are SIGKILLed and started again, then every job must end, and the database and files must agree.
 */
import { int, pick, seededRandom, type Random } from '../../test/support/seeded-random.js';
import { freePort, type StateFactory, type TrialState } from './fresh-state.js';
import { readNodeLogs, type KillRecord, type LogFindings } from './node-logs.js';
import { NodeProcess } from './node-process.js';
import type { ChaosOptions } from './options.js';
import { waitAllTerminal } from './settle.js';
import { listStore } from './store-files.js';
import { checkSweep, type SweepCheck } from './sweep-check.js';
import { checkTrial, type TrialCounts } from './trial-checks.js';
import { runWorkload, sleep, type JobRequest } from './workload.js';

export interface TrialResult {
  trial: number;
  counts: TrialCounts;
  kills: KillRecord[];
  refused: Map<string, number>;
  /** Undefined when nothing was left to sweep. */
  sweep: SweepCheck | undefined;
  elapsedMs: number;
  /** Where the trial's logs and data are, when they were kept. */
  keptAt: string | undefined;
}

const START_TIMEOUT_MS = 180_000;
/** Mean pause between submissions (workload.ts): the window for kills at any moment. */
const MEAN_GAP_MS = 125;

/** Settings every node of a trial shares; the node's own (PORT, ATELIER_ROLE, ATELIER_NODE_ID) come on top. */
function nodeEnv(options: ChaosOptions, modelsDir: string, state: TrialState): Record<string, string> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key, value]) => value !== undefined && !/^(ATELIER_|DATABASE_URL$|PORT$|HOST$|LOG_LEVEL$)/.test(key)),
  ) as Record<string, string>;
  return {
    ...inherited,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ATELIER_DATA_DIR: state.dataDir,
    ATELIER_MODELS_DIR: modelsDir,
    ATELIER_DEFAULT_MODEL: 'tiny',
    ATELIER_EMBEDDING_MODEL: 'off',
    ATELIER_WORKERS: '1',
    // One thread: results must not depend on how a reduction was split, or re-runs could not be compared.
    ATELIER_CPU_THREADS: '1',
    ATELIER_HEARTBEAT_MS: String(options.heartbeatMs),
    ...(state.databaseUrl ? { DATABASE_URL: state.databaseUrl } : {}),
    ...(options.redisUrl ? { ATELIER_REDIS_URL: options.redisUrl, ATELIER_REDIS_PREFIX: state.redisPrefix } : {}),
  };
}

/**
 * Kills random running nodes, each at a random moment, and starts each again after a short pause. Most kills
 * come a random 0..400 ms after the victim started its m-th job, so that they land in the middle of work (a
 * step, an image being written, an outcome being recorded); the others at any moment of the submission window
 * (a start-up, a submission, an idle node). Resolves to the nodes restarted.
 */
async function killAtRandom(random: Random, nodes: readonly NodeProcess[], kills: number, windowMs: number): Promise<NodeProcess[]> {
  const restarted: NodeProcess[] = [];
  for (let k = 0; k < kills; k++) {
    const alive = nodes.filter((n) => n.running);
    if (alive.length === 0) continue;
    const victim = pick(random, alive);
    if (victim.role !== 'api' && random() < 0.8) {
      const m = int(random, 1, 4);
      const giveUp = Date.now() + 20_000;
      while (victim.countLogged('job started') < m && victim.running && Date.now() < giveUp) await sleep(20);
      await sleep(int(random, 0, 400));
    } else {
      await sleep(int(random, 0, windowMs));
    }
    await victim.kill();
    await sleep(int(random, 0, 300));
    victim.start();
    restarted.push(victim);
  }
  return restarted;
}

/** After the jobs are terminal, runs still going on some node (a job run twice would show here) get time to end. */
async function drainOpenRuns(nodes: readonly NodeProcess[], deadline: number): Promise<LogFindings> {
  for (;;) {
    const logs = readNodeLogs(nodes);
    if (logs.openRuns.length === 0 || Date.now() >= deadline) return logs;
    await sleep(250);
  }
}

export async function runTrial(
  trial: number,
  options: ChaosOptions,
  factory: StateFactory,
  recipes: readonly JobRequest[],
  references: Map<string, string>,
  /** The trial's randomness: one stream for the work, another for the kills, so neither draws the other's numbers. */
  seed: number,
): Promise<TrialResult> {
  const began = Date.now();
  const state = await factory.fresh(trial);
  const env = nodeEnv(options, factory.modelsDir, state);
  const nodes: NodeProcess[] = [];
  for (const group of options.nodes) {
    for (let i = 1; i <= group.count; i++) nodes.push(new NodeProcess(`${group.role}-${i}`, group.role, await freePort(), env, state.dir));
  }
  const infrastructure: string[] = [];
  try {
    nodes.forEach((node) => node.start());
    await Promise.all(nodes.map((node) => node.waitServing(START_TIMEOUT_MS)));
    const apiUrls = (): string[] => nodes.filter((n) => n.servesApi && n.running).map((n) => n.url);
    const workload = runWorkload(seededRandom(seed), recipes, options.jobs, apiUrls, Date.now() + 120_000);
    const restarted = await killAtRandom(seededRandom(seed ^ 0x5bd1e995), nodes, options.kills, options.jobs * MEAN_GAP_MS);
    for (const node of restarted) await node.waitServing(START_TIMEOUT_MS).catch((error: Error) => infrastructure.push(error.message));
    const work = await workload;
    const settled = await waitAllTerminal(work.accepted, apiUrls, Date.now() + options.deadlineMs);
    if (settled === undefined) infrastructure.push(`jobs still not terminal ${options.deadlineMs / 1000} s after the last submission`);
    const logs = await drainOpenRuns(nodes, Date.now() + 15_000);
    for (const node of nodes) if (!(await node.stop())) infrastructure.push(`${node.name} did not stop within 30 s of SIGTERM`);
    const files = await listStore(state.dataDir);
    const { counts, namedFiles, jobs } = await checkTrial(state, work.accepted, logs, files, references);
    counts.failures.push(...infrastructure, ...logs.openRuns.map((run) => `still running after its job ended: ${run}`));
    for (const kill of logs.kills) {
      if (kill.recoverMs === undefined) kill.recoverMs = finishedBeforeKill(kill, logs.starts, jobs);
      if (kill.recoverMs === undefined) counts.failures.push(`${kill.node} killed at +${kill.killedAt - began} ms never recovered`);
    }
    const sweeper = nodes.find((n) => n.servesApi)!;
    const sweep = counts.orphans + counts.temporary > 0 ? await checkSweep(sweeper, state.dataDir, files, namedFiles) : undefined;
    if (sweep?.problem) counts.failures.push(`sweep check: ${sweep.problem}`);
    if (sweep && sweep.leftAfter + sweep.removedNamed > 0) counts.failures.push(`sweep left ${sweep.leftAfter} unnamed files and removed ${sweep.removedNamed} named ones`);
    const failed = isFailure(counts, sweep);
    const keptAt = failed || options.keep ? state.dir : undefined;
    if (!keptAt) await state.dispose();
    return { trial, counts, kills: logs.kills, refused: work.refused, sweep, elapsedMs: Date.now() - began, keptAt };
  } finally {
    await Promise.all(nodes.map((node) => node.kill()));
  }
}

/** What fails a trial: a job lost, run twice or stuck, a damaged image, a re-run that differs, or leftovers the sweep does not clean. */
export function isFailure(counts: TrialCounts, sweep: SweepCheck | undefined): boolean {
  const damage = counts.lost + counts.runTwice + counts.missing + counts.corrupt + counts.divergent;
  const failedNodes = counts.failures.some((f) => !f.startsWith('failed '));
  return damage > 0 || failedNodes || (sweep !== undefined && (sweep.problem !== undefined || sweep.leftAfter + sweep.removedNamed > 0));
}

/**
 * A kill whose interrupted job no later line takes up recovered all the same when that job's run had ended: its
 * row is terminal and was claimed no more often than it was started, so the run the kill cut off was its last
 * (the outcome was written, the log line was not). Then the time to recover is until the node served again.
 */
function finishedBeforeKill(kill: KillRecord, starts: Map<string, number>, jobs: Map<string, { terminal: boolean; attempts: number }>): number | undefined {
  if (kill.servedAgainAt === undefined) return undefined;
  const ended = kill.notTakenUp.every((id) => {
    const row = jobs.get(id);
    return row !== undefined && row.terminal && row.attempts <= (starts.get(id) ?? 0);
  });
  return ended ? kill.servedAgainAt - kill.killedAt : undefined;
}
