/** Writing the whole library out: library.jsonl and the image files beside it. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import type { Prisma, PrismaClient } from '../db/generated/client.js';
import type { FileImageStore } from '../files/image-store.js';
import { GENERATION_INCLUDE, toGenerationRecord } from '../records.js';
import { parametersToText, presetFromStored, presetToText } from '../stored-parameters.js';
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

  /** `ownerId`: only that account's work (its generations, and the prompts they and its presets use); absent: everyone's. */
  async export(folder: string, onProgress?: (done: number, total: number) => void, ownerId?: string): Promise<ExportResult> {
    const generationsWhere: Prisma.GenerationWhereInput = { status: 'COMPLETED', ...(ownerId !== undefined ? { ownerId } : {}) };
    const promptsWhere: Prisma.PromptWhereInput =
      ownerId === undefined ? {} : { OR: [{ generations: { some: { ownerId } } }, { presets: { some: { ownerId } } }] };
    const target = path.join(folder, EXPORT_FILE);
    if (await exists(target)) throw new Error(`${target} already exists; export into an empty folder`);
    await fs.mkdir(path.join(folder, 'images'), { recursive: true });
    const temporary = `${target}.tmp`;
    const out = await fs.open(temporary, 'w');
    const result: ExportResult = { prompts: 0, generations: 0, files: 0, missingFiles: [] };
    const copied = new Set<string>();
    try {
      const total = (await this.prisma.prompt.count({ where: promptsWhere })) + (await this.prisma.generation.count({ where: generationsWhere }));
      let done = 0;
      for await (const line of this.prompts(promptsWhere, ownerId)) {
        await out.write(`${JSON.stringify(line)}\n`);
        result.prompts++;
        onProgress?.(++done, total);
      }
      for await (const line of this.generations(generationsWhere)) {
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

  private async *prompts(where: Prisma.PromptWhereInput, ownerId: string | undefined): AsyncGenerator<ExportedPrompt> {
    const rows = inBatches((page) =>
      this.prisma.prompt.findMany({
        ...page,
        where,
        orderBy: { id: 'asc' },
        select: {
          id: true,
          text: true,
          useCount: true,
          createdAt: true,
          presets: { where: ownerId === undefined ? {} : { ownerId }, orderBy: { createdAt: 'asc' } },
          // One account's export carries its own use count and first use, never everyone's (see PromptUse); a
          // whole-library export (no owner, so no rows here) writes the totals.
          uses: { where: { ownerId: ownerId ?? '' }, select: { useCount: true, createdAt: true } },
        },
      }),
    );
    for await (const row of rows) {
      const counted = ownerId === undefined ? row : (row.uses[0] ?? { useCount: 0, createdAt: row.createdAt });
      yield {
        type: 'prompt',
        version: EXPORT_VERSION,
        text: row.text,
        useCount: counted.useCount,
        createdAt: counted.createdAt.toISOString(),
        // An empty preset only records whose library a prompt is in (see LibraryImporter.importPrompt).
        presets: row.presets.map((preset) => presetToText(presetFromStored(preset))).filter((preset) => Object.values(preset).some((v) => v !== null && v !== '')),
      };
    }
  }

  /** Completed generations, oldest first (so an import recreates them in the same order). */
  private async *generations(where: Prisma.GenerationWhereInput): AsyncGenerator<ExportedGeneration> {
    const rows = inBatches((page) =>
      this.prisma.generation.findMany({ ...page, where, orderBy: [{ queueOrder: 'asc' }], include: GENERATION_INCLUDE }),
    );
    for await (const row of rows) {
      const record = toGenerationRecord(row);
      yield {
        type: 'generation',
        version: EXPORT_VERSION,
        id: record.id,
        createdAt: record.createdAt.toISOString(),
        ...parametersToText(record),
        warnings: record.warnings,
        images: record.images.map((image) => ({
          index: image.index,
          seed: image.seed.toString(),
          width: image.width,
          height: image.height,
          sha256: image.sha256,
          file: exportedImageFile(image.sha256),
        })),
      };
    }
  }

  private async storedPath(sha256: string): Promise<string | null> {
    const rows = await this.prisma.image.findMany({ where: { sha256 }, select: { path: true } });
    for (const { path: relative } of rows) if (await this.store.exists(relative)) return relative;
    return null;
  }
}

/** Prisma's page arguments: BATCH rows, after the row with the id given. */
type Page = { take: number } | { take: number; skip: 1; cursor: { id: string } };

/** Every row `read` yields, a batch at a time, each batch starting after the last row of the one before. */
async function* inBatches<Row extends { id: string }>(read: (page: Page) => Promise<Row[]>): AsyncGenerator<Row> {
  let after: string | undefined;
  for (;;) {
    const rows = await read(after === undefined ? { take: BATCH } : { take: BATCH, skip: 1, cursor: { id: after } });
    yield* rows;
    if (rows.length < BATCH) return;
    after = rows.at(-1)!.id;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}
