/** Making a generation public (in the shared gallery) or private again. */
import type { Viewer } from '../../accounts/viewer.js';
import type { Visibility } from '../../generation/job.js';
import { ownedGenerations } from '../access.js';
import type { PrismaClient } from '../db/generated/client.js';

export class GenerationSharing {
  constructor(private readonly prisma: PrismaClient) {}

  /** False when there is no generation the viewer may change with this id. */
  async setVisibility(id: string, visibility: Visibility, viewer: Viewer): Promise<boolean> {
    const { count } = await this.prisma.generation.updateMany({ where: { id, ...ownedGenerations(viewer) }, data: { visibility } });
    return count > 0;
  }
}
