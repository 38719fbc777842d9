/** generation/'s LoadedPipelineStore port on the NodeLoadedPipelines table: what each node's workers keep loaded. */
import type { LoadedPipelineStore, NodeLoaded, WorkerLoaded } from '../../generation/loaded-pipeline-store.js';
import type { PrismaClient } from '../db/generated/client.js';

export class DatabaseLoadedPipelines implements LoadedPipelineStore {
  constructor(private readonly prisma: PrismaClient) {}

  async publish(nodeId: string, workers: readonly WorkerLoaded[]): Promise<void> {
    const state = JSON.parse(JSON.stringify(workers)) as object;
    await this.prisma.nodeLoadedPipelines.upsert({
      where: { nodeId },
      create: { nodeId, workers: state },
      update: { workers: state, at: new Date() },
    });
  }

  async forget(nodeId: string): Promise<void> {
    await this.prisma.nodeLoadedPipelines.deleteMany({ where: { nodeId } });
  }

  async list(since: Date): Promise<NodeLoaded[]> {
    const rows = await this.prisma.nodeLoadedPipelines.findMany({ where: { at: { gte: since } }, orderBy: { nodeId: 'asc' } });
    return rows.map((row) => ({ nodeId: row.nodeId, workers: row.workers as unknown as WorkerLoaded[], at: row.at }));
  }
}
