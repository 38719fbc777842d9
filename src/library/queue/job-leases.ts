/** The writes of a claimed run, each fenced by its lease (claimedBy and attempts), plus recovery and cancel requests. */
import type { GenerationStatus, HeartbeatResult, Lease } from '../../generation/job.js';
import { Prisma, type PrismaClient } from '../db/generated/client.js';

/** LISTEN/NOTIFY channels: jobs became claimable (no payload); a running job's cancel was asked for (its id). */
export const JOBS_CHANNEL = 'atelier_jobs';
export const CANCEL_CHANNEL = 'atelier_cancel';

type Sql = Pick<PrismaClient, '$executeRaw'>;

/** Wakes the idle workers of every node listening; inside a transaction it is sent when that commits. */
export async function notifyJobsAvailable(sql: Sql): Promise<void> {
  await sql.$executeRaw`SELECT pg_notify(${JOBS_CHANNEL}, '')`;
}

/** The Prisma filter of a run whose lease still holds: the same job, RUNNING, claimed by the same node for the same attempt. */
export function heldBy(lease: Lease) {
  return { id: lease.id, status: 'RUNNING', claimedBy: lease.claimedBy, attempts: lease.attempts } satisfies Prisma.GenerationWhereInput;
}

/**
 * The lease-fenced half of the job queue. `notify` (PostgreSQL): tell other nodes through NOTIFY when jobs come
 * back to the queue and when a cancel is asked for; the embedded database has no other node to tell.
 */
export class JobLeases {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly notify: boolean,
  ) {}

  /**
   * Moves a held run's job on; false (nothing changed) when the lease no longer holds. A write tried again after
   * its answer was lost may find the row already moved to `data.status` under this very lease: that is true too.
   */
  async settle(lease: Lease, data: Prisma.GenerationUpdateManyMutationInput & { status: GenerationStatus }): Promise<boolean> {
    const { count } = await this.prisma.generation.updateMany({ where: heldBy(lease), data });
    if (count === 1) return true;
    const done = { id: lease.id, claimedBy: lease.claimedBy, attempts: lease.attempts, status: data.status };
    return data.status !== 'QUEUED' && (await this.prisma.generation.count({ where: done })) === 1;
  }

  /** RUNNING -> QUEUED for any node, now or after `notBefore`. */
  async requeue(lease: Lease, data: Pick<Prisma.GenerationUpdateManyMutationInput, 'error' | 'notBefore'> = {}): Promise<boolean> {
    const requeued = await this.settle(lease, { ...data, status: 'QUEUED', startedAt: null, heartbeatAt: null, claimedBy: null });
    if (requeued && this.notify && data.notBefore == null) await notifyJobsAvailable(this.prisma);
    return requeued;
  }

  /** One statement for all of a node's runs, on the database's clock (nodes' clocks may disagree). */
  async heartbeat(leases: readonly Lease[]): Promise<HeartbeatResult> {
    if (leases.length === 0) return { lost: [], cancelRequested: [] };
    const keys = Prisma.join(leases.map((lease) => Prisma.sql`(${lease.id}, ${lease.claimedBy}, ${lease.attempts}::int)`));
    const alive = await this.prisma.$queryRaw<{ id: string; cancelRequested: boolean }[]>`
      UPDATE "Generation" SET "heartbeatAt" = (now() AT TIME ZONE 'UTC')
      WHERE "status" = 'RUNNING' AND ("id", "claimedBy", "attempts") IN (VALUES ${keys})
      RETURNING "id", "cancelRequested"`;
    const held = new Set(alive.map((row) => row.id));
    return {
      lost: leases.filter((lease) => !held.has(lease.id)).map((lease) => lease.id),
      cancelRequested: alive.filter((row) => row.cancelRequested).map((row) => row.id),
    };
  }

  /**
   * RUNNING jobs whose heartbeat is older than `staleAfterMs` (0: all of them), or claimed by `claimedBy`,
   * go back to QUEUED. Staleness is measured on the database's clock, like the heartbeats.
   */
  async requeueInterrupted(staleAfterMs: number, claimedBy: string | undefined): Promise<number> {
    const count = await this.prisma.$executeRaw`
      UPDATE "Generation" SET "status" = 'QUEUED', "startedAt" = NULL, "heartbeatAt" = NULL, "claimedBy" = NULL
      WHERE "status" = 'RUNNING' AND (${staleAfterMs <= 0} OR "heartbeatAt" IS NULL
        OR "heartbeatAt" < (now() AT TIME ZONE 'UTC') - make_interval(secs => ${staleAfterMs / 1000}::float8)
        OR "claimedBy" = ${claimedBy ?? null}::text)`;
    if (count > 0 && this.notify) await notifyJobsAvailable(this.prisma);
    return count;
  }

  /** Flags a RUNNING job and tells the nodes; the one whose run it is stops it. */
  async requestCancel(id: string): Promise<boolean> {
    const { count } = await this.prisma.generation.updateMany({ where: { id, status: 'RUNNING' }, data: { cancelRequested: true } });
    if (count === 1 && this.notify) await this.prisma.$executeRaw`SELECT pg_notify(${CANCEL_CHANNEL}, ${id})`;
    return count === 1;
  }
}
