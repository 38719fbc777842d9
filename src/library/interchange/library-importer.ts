/** Storing imported generations and prompts the way generated ones are stored, deduplicated by SHA-256. */
import type { Prisma, PrismaClient } from '../db/generated/client.js';
import { sha256Hex, type FileImageStore } from '../files/image-store.js';
import { isFileReferenced } from '../files/pictures.js';
import { normalizePrompt, notePromptInLibrary, promptKey, recordPromptUse } from '../generations/prompts.js';
import { parameterColumns, presetToText, seedToDecimalString, type StoredParameters } from '../stored-parameters.js';
import { storePictureFiles, type PictureFiles } from '../files/thumbnails.js';
import type { PromptRow } from './csv-prompts.js';
import type { ImportedParameters } from './parameters.js';
import { readPngSize } from './png-text.js';
import { KeyedMutex } from '../support/keyed-mutex.js';
import { LOCAL_ACCOUNT_ID } from '../../accounts/viewer.js';

/** What a file did not say is recorded as these (the columns are required); the original text stays in the PNG. */
export const UNKNOWN_MODEL = 'unknown';
export const UNKNOWN_SAMPLER = 'unknown';

export const ALREADY_IN_LIBRARY = 'already in the library';

/** A finished generation to add to the library, with its pictures (PNG bytes, stored unchanged). */
export interface GenerationToImport extends Omit<StoredParameters, 'denoisingStrength'> {
  /** Null where the file does not say: the column's default is stored. */
  denoisingStrength: number | null;
  warnings: string[];
  /** When it was made, where known (an export keeps it); otherwise now. */
  createdAt?: Date;
  images: Array<{ png: Uint8Array; index: number; seed: bigint }>;
}

export interface ImportedImage {
  id: string;
  generationId: string;
  sha256: string;
  width: number;
  height: number;
}

/** `existing`: the same picture (by SHA-256) was already in the library, and nothing was written. */
export type GenerationImport = { status: 'imported'; images: ImportedImage[] } | { status: 'existing'; images: ImportedImage[] };

export type PromptImport = { status: 'imported' | 'existing'; promptId: string };

/**
 * Adds pictures and prompts made elsewhere to the library, the way generated ones are stored: files (PNG and
 * thumbnail) first, then the rows in one transaction; should the rows fail, files no row points at are removed
 * again. Pictures are deduplicated by SHA-256, so importing a folder twice adds nothing the second time.
 */
export class LibraryImporter {
  /** Imports of the same picture run one after another, so two concurrent ones cannot both add it. */
  private readonly inFlight = new KeyedMutex();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly store: FileImageStore,
    /** Told after prompts may have been added (semantic search embeds new prompts then). */
    private readonly onPromptsAdded?: (promptIds: string[]) => void,
  ) {}

  /** One picture with the parameters read from its metadata; unknown values are stored as UNKNOWN_* / 0. */
  importPicture(png: Uint8Array, parameters: ImportedParameters, ownerId: string): Promise<GenerationImport> {
    const size = readPngSize(png);
    const seed = parameters.seed ?? 0n;
    return this.importGeneration({
      prompt: parameters.prompt,
      negativePrompt: parameters.negativePrompt,
      model: parameters.model ?? UNKNOWN_MODEL,
      sampler: parameters.sampler ?? UNKNOWN_SAMPLER,
      steps: parameters.steps ?? 0,
      guidanceScale: parameters.guidanceScale ?? 0,
      width: parameters.width ?? size.width,
      height: parameters.height ?? size.height,
      seed,
      variationSeed: parameters.variationSeed ?? null,
      variationStrength: parameters.variationSeed != null ? (parameters.variationStrength ?? 0) : 0,
      denoisingStrength: parameters.denoisingStrength ?? null,
      loras: parameters.loras ?? [],
      hires: parameters.hires ?? null,
      upscale: null,
      warnings: [],
      images: [{ png, index: 0, seed }],
    }, ownerId);
  }

  /** A whole generation (an exported one keeps its batch): skipped as `existing` when every picture is already stored. */
  /** Deduplicated within the owner's library only: another account's copy of a picture is none of theirs. */
  async importGeneration(generation: GenerationToImport, ownerId: string): Promise<GenerationImport> {
    const hashes = generation.images.map((image) => sha256Hex(image.png));
    const key = [...hashes].sort().join(',');
    return this.inFlight.run(`${ownerId}:${key}`, async () => {
      const existing = await this.findImages(hashes, ownerId);
      if (existing.length > 0 && hashes.every((hash) => existing.some((image) => image.sha256 === hash))) {
        return { status: 'existing' as const, images: existing };
      }
      const stored: Array<{ files: PictureFiles; index: number; seed: bigint; width: number; height: number }> = [];
      for (const image of generation.images) {
        const size = readPngSize(image.png);
        stored.push({ files: await storePictureFiles(this.store, image.png), index: image.index, seed: image.seed, ...size });
      }
      try {
        const created = await this.prisma.$transaction(async (tx) => {
          const prompt = await recordPromptUse(tx, generation.prompt, ownerId);
          const createdAt = generation.createdAt ?? new Date();
          return tx.generation.create({
            data: {
              promptId: prompt.id,
              ownerId,
              // Undefined leaves the column's default.
              ...parameterColumns({ ...generation, denoisingStrength: generation.denoisingStrength ?? undefined, hires: undefined, upscale: undefined }),
              loras: generation.loras as unknown as Prisma.InputJsonValue,
              ...(generation.hires ? { hires: generation.hires as unknown as Prisma.InputJsonValue } : {}),
              ...(generation.upscale ? { upscale: generation.upscale as unknown as Prisma.InputJsonValue } : {}),
              batchSize: generation.images.length,
              status: 'COMPLETED',
              warnings: generation.warnings,
              createdAt,
              finishedAt: createdAt,
              images: {
                create: stored.map(({ files, index, seed, width, height }) => ({ index, seed: seedToDecimalString(seed), width, height, ...files })),
              },
            },
            select: { id: true, promptId: true, images: { select: IMAGE_FIELDS, orderBy: { index: 'asc' } } },
          });
        });
        this.onPromptsAdded?.([created.promptId]);
        return { status: 'imported' as const, images: created.images.map((image) => ({ ...image, generationId: created.id })) };
      } catch (error) {
        // Files only this import wrote would otherwise stay with nothing pointing at them. `since` is just
        // after now: files this import wrote are older; a concurrent put of the same bytes after it keeps them.
        const since = new Date(Date.now() + 1);
        const paths = stored.flatMap(({ files }) => [files.path, files.thumbnailPath]);
        await this.store.removeUnreferenced(paths, since, (path) => isFileReferenced(this.prisma, path)).catch(() => undefined);
        throw error;
      }
    });
  }

  /**
   * A prompt from a CSV row: added to the library without counting a use (nothing was generated), and its
   * settings, when the row has any, kept as a preset. `existing` when the prompt and such a preset were there.
   */
  async importPrompt(row: Omit<PromptRow, 'line'>, ownerId: string): Promise<PromptImport> {
    const preset = presetToText(row);
    const hasSettings = Object.values(preset).some((value) => value !== null && value !== '');
    // After the commit, so the embedding catch-up sees the new prompt.
    const added = (result: PromptImport) => {
      if (result.status === 'imported') this.onPromptsAdded?.([result.promptId]);
      return result;
    };
    return this.inFlight.run(`prompt:${ownerId}:${normalizePrompt(row.prompt)}`, () =>
      this.prisma.$transaction(async (tx) => {
        const normalized = normalizePrompt(row.prompt);
        const normalizedKey = promptKey(normalized);
        const found = await tx.prompt.findUnique({ where: { normalizedKey }, select: { id: true } });
        const prompt = found ?? (await tx.prompt.create({ data: { text: row.prompt.trim(), normalized, normalizedKey, useCount: 0 }, select: { id: true } }));
        await notePromptInLibrary(tx, prompt.id, ownerId);
        // A prompt without settings still gets an (empty) preset of its owner's: that is what puts a shared
        // prompt row into this account's library. The built-in admin `local` sees every prompt anyway and needs
        // none (so its imports store exactly what they stored before accounts).
        if (!hasSettings && ownerId === LOCAL_ACCOUNT_ID) return { status: found ? 'existing' : 'imported', promptId: prompt.id } as const;
        const same = await tx.promptPreset.findFirst({ where: { promptId: prompt.id, ownerId, ...preset }, select: { id: true } });
        if (same) return { status: 'existing', promptId: prompt.id } as const;
        if (!hasSettings && found && (await this.ownsPrompt(tx, prompt.id, ownerId))) return { status: 'existing', promptId: prompt.id } as const;
        await tx.promptPreset.create({ data: { promptId: prompt.id, ownerId, ...preset } });
        return { status: 'imported', promptId: prompt.id } as const;
      }),
    ).then(added);
  }

  /** Whether the prompt is in the owner's library already (a generation or preset of theirs uses it). */
  private async ownsPrompt(tx: Prisma.TransactionClient, promptId: string, ownerId: string): Promise<boolean> {
    const [generations, presets] = await Promise.all([
      tx.generation.count({ where: { promptId, ownerId } }),
      tx.promptPreset.count({ where: { promptId, ownerId } }),
    ]);
    return generations + presets > 0;
  }

  private async findImages(hashes: string[], ownerId: string): Promise<ImportedImage[]> {
    const rows = await this.prisma.image.findMany({
      where: { sha256: { in: hashes }, generation: { ownerId } },
      select: { ...IMAGE_FIELDS, generationId: true },
      orderBy: { createdAt: 'asc' },
    });
    // One row per picture: the first stored (identical pictures may appear in several generations).
    const seen = new Set<string>();
    return rows.filter((row) => !seen.has(row.sha256) && seen.add(row.sha256));
  }
}

const IMAGE_FIELDS = { id: true, sha256: true, width: true, height: true } as const;
