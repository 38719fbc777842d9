/** How many generations are in each status: one GROUP BY, read when /metrics is scraped. */
import { GENERATION_STATUSES, type GenerationStatus } from '../../generation/job.js';
import type { PrismaClient } from '../db/generated/client.js';

/** Every status, with 0 for those no row has (so that a gauge falls back to 0 instead of keeping its last value). */
export async function countJobsByStatus(prisma: PrismaClient): Promise<Record<GenerationStatus, number>> {
  const groups = await prisma.generation.groupBy({ by: ['status'], _count: { _all: true } });
  const counts = Object.fromEntries(GENERATION_STATUSES.map((status) => [status, 0])) as Record<GenerationStatus, number>;
  for (const group of groups) counts[group.status] = group._count._all;
  return counts;
}
