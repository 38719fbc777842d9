/** The chaos command's output: one line per trial, the totals as a table, and one JSON line. */
import os from 'node:os';
import type { TrialCounts } from './trial-checks.js';
import type { TrialResult } from './trial.js';

const COLUMNS = ['accepted', 'unacknowledged', 'completed', 'cancelled', 'failed', 'lost', 'runTwice', 'missing', 'corrupt', 'divergent', 'rerun', 'rerunImagesCompared', 'orphans', 'temporary'] as const;
type Column = (typeof COLUMNS)[number];

const SHORT: Record<Column, string> = {
  accepted: 'acc',
  unacknowledged: 'unack',
  completed: 'done',
  cancelled: 'cxl',
  failed: 'fail',
  lost: 'LOST',
  runTwice: 'TWICE',
  missing: 'MISS',
  corrupt: 'CORRUPT',
  divergent: 'DIVERGE',
  rerun: 'rerun',
  rerunImagesCompared: 'cmp',
  orphans: 'orphan',
  temporary: 'tmp',
};

const seconds = (ms: number | undefined): string => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)}s`);

export function trialLine(result: TrialResult, of: number): string {
  const c = result.counts;
  const kills = result.kills.map((k) => `${k.node}(${k.interrupted.length} running, back ${seconds(k.recoverMs)})`).join(' ') || 'none';
  const refused = [...result.refused.values()].reduce((a, b) => a + b, 0);
  const cells = COLUMNS.map((column) => `${SHORT[column]} ${c[column]}`).join(' ');
  const sweep = result.sweep ? ` swept ${result.sweep.leftAfter + result.sweep.removedNamed === 0 && !result.sweep.problem ? 'ok' : 'BAD'}` : '';
  return `trial ${String(result.trial).padStart(String(of).length)}/${of} ${seconds(result.elapsedMs)} kill ${kills} | refused ${refused} ${cells}${sweep}`;
}

export interface Totals extends Record<Column, number> {
  trials: number;
  failedTrials: number;
  kills: number;
  /** Kills that hit a node while it ran a job. */
  killsDuringJobs: number;
  interruptedJobs: number;
  recoverMedianMs: number | undefined;
  recoverMaxMs: number | undefined;
  trialMedianMs: number | undefined;
  sweepChecks: number;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function totals(results: readonly TrialResult[], failedTrials: number): Totals {
  const sum = Object.fromEntries(COLUMNS.map((column) => [column, results.reduce((total, r) => total + r.counts[column], 0)])) as Record<Column, number>;
  const kills = results.flatMap((r) => r.kills);
  const recoveries = kills.map((k) => k.recoverMs).filter((ms): ms is number => ms !== undefined);
  return {
    trials: results.length,
    failedTrials,
    ...sum,
    kills: kills.length,
    killsDuringJobs: kills.filter((k) => k.interrupted.length > 0).length,
    interruptedJobs: kills.reduce((total, k) => total + k.interrupted.length, 0),
    recoverMedianMs: median(recoveries),
    recoverMaxMs: recoveries.length > 0 ? Math.max(...recoveries) : undefined,
    trialMedianMs: median(results.map((r) => r.elapsedMs)),
    sweepChecks: results.filter((r) => r.sweep).length,
  };
}

/** A Markdown table of the totals, ready for RELIABILITY.md. */
export function totalsTable(t: Totals, setting: string): string {
  const rows: [string, string | number][] = [
    ['setting', setting],
    ['machine', `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`],
    ['trials (failed)', `${t.trials} (${t.failedTrials})`],
    ['kills (during a job)', `${t.kills} (${t.killsDuringJobs})`],
    ['jobs interrupted by a kill', t.interruptedJobs],
    ...COLUMNS.map((column): [string, number] => [column, t[column]]),
    ['sweep checks', t.sweepChecks],
    ['time to recover, median / max', `${seconds(t.recoverMedianMs)} / ${seconds(t.recoverMaxMs)}`],
    ['trial length, median', seconds(t.trialMedianMs)],
  ];
  return ['| | |', '|---|---|', ...rows.map(([name, value]) => `| ${name} | ${value} |`)].join('\n');
}

