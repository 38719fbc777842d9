/** generation/'s LoadedPipelineStore port on the NodeLoadedPipelines table: what each node's workers keep loaded. */
import type { LoadedPipelineStore, NodeLoaded, WorkerLoaded } from '../../generation/loaded-pipeline-store.js';
import type { PrismaClient } from '../db/generated/client.js';

/**
 * Stamped and compared with the database's clock, as job heartbeats are (job-leases.ts): nodes on other
 * machines may disagree about the time.
 */
export class DatabaseLoadedPipelines implements LoadedPipelineStore {
  constructor(private readonly prisma: PrismaClient) {}

  async publish(nodeId: string, workers: readonly WorkerLoaded[]): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO "NodeLoadedPipelines" ("nodeId", "workers", "at") VALUES (${nodeId}, ${JSON.stringify(workers)}::jsonb, (now() AT TIME ZONE 'UTC'))
      ON CONFLICT ("nodeId") DO UPDATE SET "workers" = EXCLUDED."workers", "at" = EXCLUDED."at"`;
  }

  async forget(nodeId: string): Promise<void> {
    await this.prisma.nodeLoadedPipelines.deleteMany({ where: { nodeId } });
  }

  async list(withinMs: number): Promise<NodeLoaded[]> {
    const rows = await this.prisma.$queryRaw<{ nodeId: string; workers: WorkerLoaded[]; at: Date }[]>`
      SELECT "nodeId", "workers", "at" FROM "NodeLoadedPipelines"
      WHERE "at" >= (now() AT TIME ZONE 'UTC') - make_interval(secs => ${withinMs / 1000}::float8)
      ORDER BY "nodeId"`;
    return rows.map((row) => ({ nodeId: row.nodeId, workers: row.workers, at: row.at }));
  }
}
