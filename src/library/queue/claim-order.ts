/** The order claimNext hands out QUEUED jobs in, worked out ahead: what queue positions are counted in. */
import type { QueuedJobRef } from '../../generation/job.js';

/** A QUEUED job as the order needs it. */
export interface QueuedEntry {
  id: string;
  ownerId: string;
  priority: number;
  queueOrder: bigint;
}

/** A QUEUED job's row as the claim order is read: with its account's last turn and its back-off, if any. */
export interface QueuedRow extends QueuedEntry {
  /** The job's attempts counter (the lease of its next run is one more): events of its place carry it. */
  attempts: number;
  /** The account's lastServedAt in microseconds since the epoch; null when never served. */
  served: bigint | null;
  /** When the job waits out a back-off (notBefore still ahead); null when it can be claimed now. */
  waitUntil: Date | null;
}

/**
 * Every QUEUED job in the order claimNext will hand them out, then the jobs waiting out a back-off, soonest
 * first: they are claimed only once their time has come. Rows of one account carry the same `served`; where
 * they differ (a row added after the others were read), the first row's is the account's.
 */
export function orderOfQueuedRows(rows: readonly QueuedRow[]): QueuedJobRef[] {
  const ready = rows.filter((row) => row.waitUntil === null);
  const waiting = rows.filter((row) => row.waitUntil !== null).sort((a, b) => a.waitUntil!.getTime() - b.waitUntil!.getTime());
  const served = new Map<string, bigint | null>();
  for (const row of rows) if (!served.has(row.ownerId)) served.set(row.ownerId, row.served);
  const attempts = new Map(rows.map((row) => [row.id, Number(row.attempts)]));
  return [...claimOrder(ready, served), ...waiting.map((row) => row.id)].map((id) => ({ id, attempts: attempts.get(id)! }));
}

/**
 * The claims claimNext would make, one after another, if nothing more were queued. It mirrors the claim's
 * ORDER BY exactly: highest priority first; among equal priorities the account whose `lastServed` is oldest
 * (never served first; ties go to the account with the older job), its oldest job; every claim makes that
 * account the latest served. Within one priority that is round robin: the account just served goes to the
 * back of the line. `lastServed` is each account's last claim in microseconds since the epoch, or null.
 * Queue affinity (claim-statement.ts) may take a young job's place for one that needs nothing new loaded: that
 * depends on the workers, not the queue, so positions count the plain order.
 */
export function claimOrder(jobs: readonly QueuedEntry[], lastServed: ReadonlyMap<string, bigint | null>): string[] {
  const order: string[] = [];
  // Claims from here on are later than every stored time; a counter above them keeps their order.
  let future = 0n;
  const served = new Map<string, { stored: bigint | null; future: bigint | null }>();
  for (const [owner, stored] of lastServed) served.set(owner, { stored, future: null });
  const priorities = [...new Set(jobs.map((job) => job.priority))].sort((a, b) => b - a);
  for (const priority of priorities) {
    const byOwner = new Map<string, QueuedEntry[]>();
    for (const job of jobs) {
      if (job.priority !== priority) continue;
      const list = byOwner.get(job.ownerId);
      if (list) list.push(job);
      else byOwner.set(job.ownerId, [job]);
    }
    // Newest first, so that each account's oldest job is at the end, where pop() takes it.
    for (const list of byOwner.values()) list.sort((a, b) => compareBig(b.queueOrder, a.queueOrder));
    const oldest = (owner: string) => byOwner.get(owner)!.at(-1)!.queueOrder;
    const line = [...byOwner.keys()].sort((a, b) => compareTurns(served.get(a), served.get(b)) || compareBig(oldest(a), oldest(b)));
    for (let turn = 0; turn < line.length; turn++) {
      const owner = line[turn]!;
      const job = byOwner.get(owner)!.pop()!;
      order.push(job.id);
      served.set(owner, { stored: null, future: ++future });
      if (byOwner.get(owner)!.length > 0) line.push(owner);
    }
  }
  return order;
}

type Turn = { stored: bigint | null; future: bigint | null } | undefined;

/** Never served < served at a stored time (older first) < served by a claim still to come (earlier first). */
function compareTurns(a: Turn, b: Turn): number {
  const rank = (t: Turn) => (t?.future != null ? 2 : t?.stored != null ? 1 : 0);
  const difference = rank(a) - rank(b);
  if (difference !== 0) return difference;
  if (rank(a) === 2) return compareBig(a!.future!, b!.future!);
  if (rank(a) === 1) return compareBig(a!.stored!, b!.stored!);
  return 0;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
