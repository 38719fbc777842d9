/** Importing whatever a path holds (PNGs, a CSV, an export), reporting each item imported or skipped. */
import { LOCAL_ACCOUNT_ID } from '../../accounts/viewer.js';
import fs from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from '../files/image-store.js';
import { CsvHeaderError, readPromptCsv, type CsvRow } from './csv-prompts.js';
import { EXPORT_FILE, parseExportLine, type ExportedGeneration, type ExportedPreset, type ExportedPrompt } from './export-format.js';
import { ALREADY_IN_LIBRARY, type GenerationImport, type LibraryImporter } from './library-importer.js';
import { importedTextProblem, type ImportedParameters } from './parameters.js';
import { readPngParameters, RECOGNISED_METADATA } from './png-metadata.js';
import { isPng, readPngSize } from './png-text.js';
import type { SamplerNames } from './sampler-names.js';
import { parametersFromText, presetFromStored } from '../stored-parameters.js';

export interface ImportedItem {
  /** File (relative to what was imported), or file and line. */
  item: string;
  kind: 'image' | 'generation' | 'prompt';
}

export interface SkippedItem {
  item: string;
  /** What kind of problem, the same text for the same kind (a summary groups by it). */
  reason: string;
  /** The particulars, where there are any. */
  detail?: string;
}

export interface ImportReport {
  imported: ImportedItem[];
  skipped: SkippedItem[];
}

export type ImportProgress = (done: number, total: number) => void;

/** Why a picture was not added, for a caller that handles one picture (the GraphQL mutation). */
export class ImportRejectedError extends Error {
  constructor(
    readonly reason: string,
    readonly detail?: string,
    /** The limit broken (characters), where the reason is one. */
    readonly max?: number,
  ) {
    super(detail ? `${reason}: ${detail}` : reason);
    this.name = 'ImportRejectedError';
  }
}

/**
 * Imports what a path holds: a folder of PNGs (searched recursively), a single PNG, a CSV of prompts, or an
 * export (a folder with library.jsonl, or the file itself). Every file or row is imported or skipped with a
 * reason; none stops the rest. Only a path that cannot be read at all throws.
 */
function pngHeaderSize(bytes: Uint8Array): { width: number; height: number } {
  try {
    return readPngSize(bytes);
  } catch {
    throw new ImportRejectedError('not a PNG file', 'no IHDR header');
  }
}

/** Largest side of an imported picture: a 4x upscale of a 2048 generation, decoded once for its thumbnail. */
export const MAX_IMPORT_SIDE = 8192;

export class FileImporter {
  constructor(
    private readonly importer: LibraryImporter,
    private readonly samplers: SamplerNames,
    /** The account what is imported belongs to (the CLI's --owner; the built-in `local` by default). */
    readonly ownerId: string = LOCAL_ACCOUNT_ID,
  ) {}

  /** The same importer, adding everything as `ownerId`'s. */
  forOwner(ownerId: string): FileImporter {
    return new FileImporter(this.importer, this.samplers, ownerId);
  }

  /** One PNG's bytes: its parameters and what became of it. Throws ImportRejectedError when it cannot be added. */
  async importPng(bytes: Uint8Array): Promise<{ parameters: ImportedParameters; outcome: GenerationImport }> {
    if (!isPng(bytes)) throw new ImportRejectedError('not a PNG file');
    // From the header, before any pixel is decoded (thumbnails decode it): a small file can declare a huge picture.
    const { width, height } = pngHeaderSize(bytes);
    if (width > MAX_IMPORT_SIDE || height > MAX_IMPORT_SIDE) {
      throw new ImportRejectedError('picture too large', `${width}x${height}; at most ${MAX_IMPORT_SIDE} pixels a side`, MAX_IMPORT_SIDE);
    }
    const parameters = readPngParameters(bytes, this.samplers);
    if (!parameters) throw new ImportRejectedError('no recognised metadata', `looked for ${RECOGNISED_METADATA}`);
    if (parameters.prompt.trim() === '') throw new ImportRejectedError('no prompt in the metadata', `${parameters.format} metadata without a prompt`);
    const problem = importedTextProblem(parameters);
    if (problem) throw new ImportRejectedError(problem.reason, problem.detail, problem.max);
    return { parameters, outcome: await this.importer.importPicture(bytes, parameters, this.ownerId) };
  }

  async importPath(target: string, onProgress?: ImportProgress): Promise<ImportReport> {
    const stats = await fs.stat(target);
    if (stats.isDirectory()) {
      const exportFile = path.join(target, EXPORT_FILE);
      if (await isFile(exportFile)) return this.importExport(exportFile, onProgress);
      return this.importPngs(target, await findPngs(target), onProgress);
    }
    const extension = path.extname(target).toLowerCase();
    if (path.basename(target) === EXPORT_FILE || extension === '.jsonl') return this.importExport(target, onProgress);
    if (extension === '.csv') return this.importCsv(target, onProgress);
    return this.importPngs(path.dirname(target), [target], onProgress);
  }

  private async importPngs(root: string, files: string[], onProgress?: ImportProgress): Promise<ImportReport> {
    const report: ImportReport = { imported: [], skipped: [] };
    for (const [i, file] of files.entries()) {
      const item = path.relative(root, file) || path.basename(file);
      await attempt(report, item, 'image', async () => (await this.importPng(new Uint8Array(await fs.readFile(file)))).outcome.status);
      onProgress?.(i + 1, files.length);
    }
    return report;
  }

  private async importCsv(file: string, onProgress?: ImportProgress): Promise<ImportReport> {
    const report: ImportReport = { imported: [], skipped: [] };
    const name = path.basename(file);
    let rows: CsvRow[];
    try {
      rows = [...readPromptCsv(await fs.readFile(file, 'utf8'))];
    } catch (error) {
      if (!(error instanceof CsvHeaderError)) throw error;
      report.skipped.push({ item: name, reason: 'unusable CSV header', detail: error.message });
      return report;
    }
    for (const [i, result] of rows.entries()) {
      if (!result.ok) {
        const { line, reason, detail } = result.rejected;
        report.skipped.push({ item: `${name} line ${line}`, reason, detail });
      } else {
        const row = result.row;
        await attempt(report, `${name} line ${row.line}`, 'prompt', async () => (await this.importer.importPrompt(row, this.ownerId)).status);
      }
      onProgress?.(i + 1, rows.length);
    }
    return report;
  }

  /** library.jsonl from `export`: prompts with their presets, generations with their image files (checked by SHA-256). */
  private async importExport(file: string, onProgress?: ImportProgress): Promise<ImportReport> {
    const report: ImportReport = { imported: [], skipped: [] };
    const folder = path.dirname(file);
    const lines = (await fs.readFile(file, 'utf8')).split('\n');
    const total = lines.filter((line) => line.trim() !== '').length;
    let done = 0;
    for (const [i, text] of lines.entries()) {
      if (text.trim() === '') continue;
      const item = `${path.basename(file)} line ${i + 1}`;
      // parseExportLine reports a bad line rather than throwing.
      const parsed = parseExportLine(text);
      if (!parsed.ok) report.skipped.push({ item, reason: 'malformed export line', detail: parsed.error });
      else {
        const line = parsed.line;
        await attempt(report, item, line.type, () => (line.type === 'prompt' ? this.importExportedPrompt(line) : this.importExportedGeneration(folder, line)));
      }
      onProgress?.(++done, total);
    }
    return report;
  }

  private async importExportedPrompt(line: ExportedPrompt): Promise<'imported' | 'existing'> {
    const none: ExportedPreset = { negativePrompt: '', seed: null, width: null, height: null, steps: null, guidanceScale: null };
    let status: 'imported' | 'existing' = 'existing';
    for (const preset of line.presets.length > 0 ? line.presets : [none]) {
      const outcome = await this.importer.importPrompt({ prompt: line.text, ...presetFromStored(preset) }, this.ownerId);
      if (outcome.status === 'imported') status = 'imported';
    }
    return status;
  }

  private async importExportedGeneration(folder: string, line: ExportedGeneration): Promise<'imported' | 'existing'> {
    const images = [];
    for (const image of line.images) {
      const file = path.join(folder, image.file);
      const png = await fs.readFile(file).catch(() => null);
      if (!png) throw new ImportRejectedError('image file missing', image.file);
      if (sha256Hex(png) !== image.sha256) throw new ImportRejectedError('image file does not match its SHA-256', image.file);
      images.push({ png: new Uint8Array(png), index: image.index, seed: BigInt(image.seed) });
    }
    const outcome = await this.importer.importGeneration({
      ...parametersFromText(line),
      warnings: line.warnings,
      createdAt: new Date(line.createdAt),
      images,
    }, this.ownerId);
    return outcome.status === 'imported' ? 'imported' : 'existing';
  }
}

/** Runs one item's import and notes what became of it: imported, already there, or skipped with the reason. */
async function attempt(report: ImportReport, item: string, kind: ImportedItem['kind'], work: () => Promise<'imported' | 'existing'>): Promise<void> {
  try {
    if ((await work()) === 'imported') report.imported.push({ item, kind });
    else report.skipped.push({ item, reason: ALREADY_IN_LIBRARY });
  } catch (error) {
    report.skipped.push(skipFor(item, error));
  }
}

function skipFor(item: string, error: unknown): SkippedItem {
  if (error instanceof ImportRejectedError) return { item, reason: error.reason, ...(error.detail ? { detail: error.detail } : {}) };
  return { item, reason: 'could not be stored', detail: error instanceof Error ? error.message : String(error) };
}

/** Every .png under a folder, recursively, in a stable order. */
async function findPngs(folder: string): Promise<string[]> {
  const entries = await fs.readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith('.png'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

async function isFile(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}
