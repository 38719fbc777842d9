/** generation/'s ModelProblemStore port on the ModelProblem table: models a node could not load. */
import type { ModelProblemRecord, ModelProblemStore } from '../../generation/model-problem-store.js';
import type { PrismaClient } from '../db/generated/client.js';

export class DatabaseModelProblems implements ModelProblemStore {
  constructor(private readonly prisma: PrismaClient) {}

  async record({ model, nodeId, problem, fingerprint }: Omit<ModelProblemRecord, 'at'>): Promise<void> {
    await this.prisma.modelProblem.upsert({
      where: { model_nodeId: { model, nodeId } },
      create: { model, nodeId, problem, fingerprint },
      update: { problem, fingerprint, at: new Date() },
    });
  }

  async clear(model: string, nodeId: string, fingerprint?: string): Promise<void> {
    // deleteMany: clearing a problem that another call cleared already is not an error.
    await this.prisma.modelProblem.deleteMany({ where: { model, nodeId, ...(fingerprint !== undefined ? { fingerprint } : {}) } });
  }

  list(): Promise<ModelProblemRecord[]> {
    return this.prisma.modelProblem.findMany({ orderBy: [{ model: 'asc' }, { nodeId: 'asc' }] });
  }
}
