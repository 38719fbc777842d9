/** Deleting generations with their images, and the files nothing points at any more. */
import type { Viewer } from '../../accounts/viewer.js';
import { ownedGenerations } from '../access.js';
import type { PrismaClient } from '../db/generated/client.js';
import type { FileImageStore } from '../files/image-store.js';
import { isFileReferenced } from '../files/pictures.js';
import { forgetPromptUse } from './prompts.js';

export type DeleteGenerationResult = { status: 'deleted'; removedFiles: number } | { status: 'not-found' } | { status: 'active' };

/**
 * Removing things from the library without leaving anything dangling: rows go first (in one transaction), then
 * the files that no row points at any more. A crash in between leaves unreferenced files, never a row without
 * its file (the reverse of storing, where files go first).
 */
export class LibraryDeleter {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly store: FileImageStore,
  ) {}

  /** A finished generation with its images and their files; a queued or running one must be cancelled first. */
  /** `not-found` also for a generation the viewer may not change. */
  async deleteGeneration(id: string, viewer: Viewer): Promise<DeleteGenerationResult> {
    const since = new Date();
    const outcome = await this.prisma.$transaction(async (tx) => {
      const generation = await tx.generation.findFirst({
        where: { id, ...ownedGenerations(viewer) },
        select: { status: true, promptId: true, ownerId: true, images: { select: { path: true, thumbnailPath: true } } },
      });
      if (!generation) return { status: 'not-found' as const };
      if (generation.status === 'QUEUED' || generation.status === 'RUNNING') return { status: 'active' as const };
      await tx.generation.delete({ where: { id } }); // images cascade
      // The prompt stays in the library (it may be reused or searched); it was used once less.
      await forgetPromptUse(tx, generation.promptId, generation.ownerId);
      const paths = generation.images.flatMap((image) => [image.path, image.thumbnailPath]).filter((p): p is string => p !== null);
      return { status: 'deleted' as const, paths };
    });
    if (outcome.status !== 'deleted') return outcome;
    const removed = await this.store.removeUnreferenced(outcome.paths, since, (path) => isFileReferenced(this.prisma, path));
    return { status: 'deleted', removedFiles: removed.length };
  }
}
