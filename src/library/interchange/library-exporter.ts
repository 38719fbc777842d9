import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import type { PrismaClient } from '../db/generated/client.js';
import type { FileImageStore } from '../files/image-store.js';
import { EXPORT_FILE, EXPORT_VERSION, exportedImageFile, type ExportedGeneration, type ExportedPrompt } from './export-format.js';

export interface ExportResult {
  prompts: number;
  generations: number;
  /** Image files copied (identical pictures share one file). */
  files: number;
  /** Pictures whose file was missing from the data folder; their generation is exported without them. */
  missingFiles: string[];
}

/** Rows read per query, so a library of any size is exported in constant memory. */
const BATCH = 200;

/**
 * Writes the library to a folder: library.jsonl (see export-format.ts) and the image files beside it.
 * Refuses a folder that already holds an export rather than mixing two libraries.
 */
export class LibraryExporter {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly store: FileImageStore,
  ) {}

  async export(folder: string, onProgress?: (done: number, total: number) => void): Promise<ExportResult> {
    const target = path.join(folder, EXPORT_FILE);
    if (await exists(target)) throw new Error(`${target} already exists; export into an empty folder`);
    await fs.mkdir(path.join(folder, 'images'), { recursive: true });
    const temporary = `${target}.tmp`;
    const out = await fs.open(temporary, 'w');
    const result: ExportResult = { prompts: 0, generations: 0, files: 0, missingFiles: [] };
    const copied = new Set<string>();
    try {
      const total = (await this.prisma.prompt.count()) + (await this.prisma.generation.count({ where: { status: 'COMPLETED' } }));
      let done = 0;
      for await (const line of this.prompts()) {
        await out.write(`${JSON.stringify(line)}\n`);
        result.prompts++;
        onProgress?.(++done, total);
      }
      for await (const line of this.generations()) {
        const present = [];
        for (const image of line.images) {
          const source = await this.storedPath(image.sha256);
          if (!source) {
            result.missingFiles.push(image.sha256);
            continue;
          }
          if (!copied.has(image.sha256)) {
            await pipeline(this.store.open(source), createWriteStream(path.join(folder, image.file)));
            copied.add(image.sha256);
            result.files++;
          }
          present.push(image);
        }
        if (present.length > 0) {
          await out.write(`${JSON.stringify({ ...line, images: present })}\n`);
          result.generations++;
        }
        onProgress?.(++done, total);
      }
      await out.sync();
    } finally {
      await out.close();
    }
    // The jsonl appears under its name only when complete, after the files it names.
    await fs.rename(temporary, target);
    return result;
  }

  private async *prompts(): AsyncGenerator<ExportedPrompt> {
    let cursor: string | undefined;
    for (;;) {
      const rows = await this.prisma.prompt.findMany({
        take: BATCH,
        ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
        orderBy: { id: 'asc' },
        select: { id: true, text: true, useCount: true, createdAt: true, presets: { orderBy: { createdAt: 'asc' } } },
      });
      for (const row of rows) {
        yield {
          type: 'prompt',
          version: EXPORT_VERSION,
          text: row.text,
          useCount: row.useCount,
          createdAt: row.createdAt.toISOString(),
          presets: row.presets.map((p) => ({
            negativePrompt: p.negativePrompt,
            seed: p.seed === null ? null : p.seed.toFixed(),
            width: p.width,
            height: p.height,
            steps: p.steps,
            guidanceScale: p.guidanceScale,
          })),
        };
      }
      if (rows.length < BATCH) return;
      cursor = rows.at(-1)!.id;
    }
  }

  /** Completed generations, oldest first (so an import recreates them in the same order). */
  private async *generations(): AsyncGenerator<ExportedGeneration> {
    let cursor: string | undefined;
    for (;;) {
      const rows = await this.prisma.generation.findMany({
        where: { status: 'COMPLETED' },
        take: BATCH,
        ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
        orderBy: [{ queueOrder: 'asc' }],
        include: { prompt: { select: { text: true } }, images: { orderBy: { index: 'asc' } } },
      });
      for (const row of rows) {
        yield {
          type: 'generation',
          version: EXPORT_VERSION,
          id: row.id,
          createdAt: row.createdAt.toISOString(),
          prompt: row.prompt.text,
          negativePrompt: row.negativePrompt,
          model: row.model,
          sampler: row.sampler,
          steps: row.steps,
          guidanceScale: row.guidanceScale,
          width: row.width,
          height: row.height,
          seed: row.seed.toFixed(),
          variationSeed: row.variationSeed === null ? null : row.variationSeed.toFixed(),
          variationStrength: row.variationStrength,
          denoisingStrength: row.denoisingStrength,
          warnings: row.warnings,
          images: row.images.map((image) => ({
            index: image.index,
            seed: image.seed.toFixed(),
            width: image.width,
            height: image.height,
            sha256: image.sha256,
            file: exportedImageFile(image.sha256),
          })),
        };
      }
      if (rows.length < BATCH) return;
      cursor = rows.at(-1)!.id;
    }
  }

  private async storedPath(sha256: string): Promise<string | null> {
    const rows = await this.prisma.image.findMany({ where: { sha256 }, select: { path: true } });
    for (const { path: relative } of rows) if (await this.store.exists(relative)) return relative;
    return null;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}
