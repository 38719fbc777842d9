/**
 * Whether what a trial left in the image store is garbage the start-up sweep really removes: every file made
 * to look old, one node started with the shortest grace period, then nothing unnamed may be left and nothing
 * named may be gone.
 */
import fs from 'node:fs';
import type { NodeProcess } from './node-process.js';
import { backdateStore, listStore, type StoreFile } from './store-files.js';
import { sleep } from './workload.js';

const GRACE_MS = 60_000;

export interface SweepCheck {
  /** Orphans and temporaries still there after the sweep. */
  leftAfter: number;
  /** Named files the sweep removed. */
  removedNamed: number;
  problem?: string;
}

async function sweptLine(logFile: string, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    if (fs.existsSync(logFile) && fs.readFileSync(logFile, 'utf8').includes('"msg":"image store swept')) return true;
    await sleep(200);
  }
  return false;
}

export async function checkSweep(node: NodeProcess, dataDir: string, before: readonly StoreFile[], namedFiles: ReadonlySet<string>): Promise<SweepCheck> {
  await backdateStore(dataDir, 3 * GRACE_MS);
  const run = node.start({ ATELIER_SWEEP_GRACE_MS: String(GRACE_MS) });
  let problem: string | undefined;
  try {
    await node.waitServing(120_000);
    if (!(await sweptLine(run.logFile, Date.now() + 60_000))) problem = `${node.name} logged no sweep within 60 s`;
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  await node.stop();
  const after = await listStore(dataDir);
  const present = new Set(after.map((f) => f.path));
  return {
    leftAfter: after.filter((f) => f.temporary || !namedFiles.has(f.path)).length,
    removedNamed: before.filter((f) => namedFiles.has(f.path) && !present.has(f.path)).length,
    ...(problem ? { problem } : {}),
  };
}
