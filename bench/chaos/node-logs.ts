/**
 * What the nodes' own log lines say about a trial: how often each job ran to completion, which jobs a kill
 * interrupted, and how long until the killed node served again and those jobs ran again.
 */
import fs from 'node:fs';
import type { Incarnation } from './node-process.js';

interface LogLine {
  time: number;
  msg: string;
  jobId?: string;
}

/**
 * The lines that end one run of a job on a node (generation/job-runner.ts, active-runs.ts): an outcome, a
 * storage fault's retry, or a lost lease (the job was requeued elsewhere: this run stops and records nothing).
 */
const RUN_ENDS = ['job completed', 'running job cancelled', 'job failed'];
const isRunEnd = (msg: string): boolean =>
  RUN_ENDS.includes(msg) ||
  msg.startsWith('the image store cannot be written') ||
  msg.endsWith('the run is stopped and its results discarded') ||
  msg.startsWith('the job was requeued elsewhere before its outcome was recorded');

/**
 * An interrupted job was taken up again when a node started it, or settled it without running it: cancelled
 * while queued again, or (cancel asked while it ran on the killed node) cancelled at its next claim.
 */
const TAKEN_UP = ['job started', 'queued job cancelled', 'running job cancelled', 'job failed'];

function readLines(file: string): LogLine[] {
  if (!fs.existsSync(file)) return [];
  const lines: LogLine[] = [];
  for (const text of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!text.startsWith('{')) continue;
    try {
      const line = JSON.parse(text) as LogLine;
      if (typeof line.time === 'number' && typeof line.msg === 'string') lines.push(line);
    } catch {
      // a line cut off by SIGKILL
    }
  }
  return lines;
}

export interface KillRecord {
  node: string;
  killedAt: number;
  /** Jobs the killed process had started and not finished. */
  interrupted: string[];
  /** From the kill until the node served again (/health) and every interrupted job had started again; undefined: never. */
  recoverMs: number | undefined;
  /** When the node served again; undefined: never. */
  servedAgainAt: number | undefined;
  /** Interrupted jobs no later line takes up (their run may have ended just before the kill cut its last line off). */
  notTakenUp: string[];
}

export interface LogFindings {
  /** Job id -> 'job completed' lines over every node and incarnation. */
  completions: Map<string, number>;
  /** Job id -> 'job started' lines (more than one: it ran again after an interruption). */
  starts: Map<string, number>;
  kills: KillRecord[];
  /** Runs still going on a node after every job was terminal (node: job ids): work the database no longer wants. */
  openRuns: string[];
}

export interface NodeHistory {
  name: string;
  incarnations: readonly Incarnation[];
}

export function readNodeLogs(nodes: readonly NodeHistory[]): LogFindings {
  const completions = new Map<string, number>();
  const starts = new Map<string, number>();
  const count = (map: Map<string, number>, id: string): void => void map.set(id, (map.get(id) ?? 0) + 1);
  const byFile = new Map<string, LogLine[]>();
  for (const node of nodes) for (const run of node.incarnations) byFile.set(run.logFile, readLines(run.logFile));
  const all = [...byFile.values()].flat();
  for (const line of all) {
    if (!line.jobId) continue;
    if (line.msg === 'job completed') count(completions, line.jobId);
    if (line.msg === 'job started') count(starts, line.jobId);
  }
  const kills: KillRecord[] = [];
  const openRuns: string[] = [];
  for (const node of nodes) {
    node.incarnations.forEach((run, index) => {
      const open = openJobs(byFile.get(run.logFile)!);
      if (run.killedAt === undefined) {
        if (index === node.incarnations.length - 1) openRuns.push(...open.map((id) => `${node.name}:${id}`));
        return;
      }
      const killedAt = run.killedAt;
      const servedAgain = node.incarnations.slice(index + 1).find((later) => later.servingAt !== undefined)?.servingAt;
      const resumed = open.map((id) => all.find((line) => line.jobId === id && line.time > killedAt && TAKEN_UP.includes(line.msg))?.time);
      const moments = [servedAgain, ...resumed];
      const recoverMs = moments.every((t) => t !== undefined) ? Math.max(...(moments as number[])) - killedAt : undefined;
      const notTakenUp = open.filter((_id, i) => resumed[i] === undefined);
      kills.push({ node: node.name, killedAt, interrupted: open, recoverMs, servedAgainAt: servedAgain, notTakenUp });
    });
  }
  kills.sort((a, b) => a.killedAt - b.killedAt);
  return { completions, starts, kills, openRuns };
}

/** Jobs a log shows started and not ended. */
function openJobs(lines: readonly LogLine[]): string[] {
  const open = new Set<string>();
  for (const line of lines) {
    if (!line.jobId) continue;
    if (line.msg === 'job started') open.add(line.jobId);
    else if (isRunEnd(line.msg)) open.delete(line.jobId);
  }
  return [...open];
}
