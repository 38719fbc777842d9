/**
 * A folder of model files the server offers by name: the LoRAs (ATELIER_LORAS_DIR) and the textual-inversion
 * embeddings (ATELIER_EMBEDDINGS_DIR) as .safetensors, the upscalers (ATELIER_UPSCALERS_DIR) as .onnx, subfolders included, each file read once (metadata,
 * hash) and again only when its size or time changes. The name is the file name without the extension, as
 * AUTOMATIC1111 names them. Files that cannot be used are listed with the reason (a pickle, a broken file, a
 * name two files share), never silently skipped.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { EmbeddingFileInfo, LoraFileInfo, UpscalerFileInfo } from '../diffusion/index.js';
import { FolderScanCache } from './folder-scan-cache.js';
import { folderFingerprint } from './model-catalog.js';

/** What the catalogue keeps of a file; a reader throws for a file that cannot be used. */
export interface CatalogFile {
  name: string;
  file: string;
  hash: string;
}

export interface CatalogScan<Info extends CatalogFile> {
  files: Info[];
  unusable: Array<{ name: string; file: string; problem: string }>;
}

/** How deep subfolders are looked into (people sort LoRAs by family or style). */
const MAX_DEPTH = 3;
/** Formats that are pickles: loading one runs code from the file, so they are refused. */
const PICKLE_EXTENSIONS = new Set(['.pt', '.ckpt', '.bin', '.pth']);

/** The files a catalogue offers: their extension, and what a pickle found there should be converted to. */
export interface CatalogFormat {
  extension: string;
  convertTo: string;
}

export const SAFETENSORS_FILES: CatalogFormat = { extension: '.safetensors', convertTo: '.safetensors' };
export const ONNX_FILES: CatalogFormat = { extension: '.onnx', convertTo: 'ONNX (an .onnx export)' };

export class FileCatalog<Info extends CatalogFile> {
  private readonly scans: FolderScanCache<CatalogScan<Info>>;
  /** Files read before, by path, with the size and time they had: unchanged files are not hashed again. */
  private readonly known = new Map<string, { stamp: string; info: Info }>();

  constructor(
    readonly dir: string,
    private readonly readFile: (file: string) => Promise<Info>,
    private readonly format: CatalogFormat = SAFETENSORS_FILES,
  ) {
    this.scans = new FolderScanCache(
      () => folderFingerprint(dir, MAX_DEPTH),
      () => this.scanFolder(),
    );
  }

  scan(): Promise<CatalogScan<Info>> {
    return this.scans.get();
  }

  /** Forgets the kept scan (not the per-file cache, which checks size and time): refreshModels. */
  refresh(): Promise<CatalogScan<Info>> {
    this.scans.forget();
    return this.scans.get();
  }

  async find(name: string): Promise<Info | undefined> {
    return (await this.scan()).files.find((file) => file.name === name);
  }

  private async scanFolder(): Promise<CatalogScan<Info>> {
    const files = await listFiles(this.dir, MAX_DEPTH);
    const found: Info[] = [];
    const unusable: CatalogScan<Info>['unusable'] = [];
    for (const file of files) {
      const extension = path.extname(file).toLowerCase();
      const name = path.basename(file, path.extname(file));
      if (PICKLE_EXTENSIONS.has(extension)) {
        unusable.push({ name, file, problem: `${extension} files are pickles, which can run code when loaded; convert it to ${this.format.convertTo}` });
        continue;
      }
      if (extension !== this.format.extension) continue;
      try {
        found.push(await this.read(file));
      } catch (error) {
        unusable.push({ name, file, problem: error instanceof Error ? error.message : String(error) });
      }
    }
    const kept: Info[] = [];
    for (const info of found.sort((a, b) => (a.file < b.file ? -1 : 1))) {
      const first = kept.find((other) => other.name === info.name);
      if (first) unusable.push({ name: info.name, file: info.file, problem: `its name is taken by ${path.relative(this.dir, first.file)}` });
      else kept.push(info);
    }
    for (const file of this.known.keys()) if (!files.includes(file)) this.known.delete(file);
    return { files: kept.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), unusable };
  }

  private async read(file: string): Promise<Info> {
    const stats = await fs.stat(file);
    const stamp = `${stats.size}:${stats.mtimeMs}`;
    const known = this.known.get(file);
    if (known?.stamp === stamp) return known.info;
    const info = await this.readFile(file);
    this.known.set(file, { stamp, info });
    return info;
  }
}

/** Every file below `dir`, down to `depth` levels of folders; none when the folder does not exist. */
async function listFiles(dir: string, depth: number): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isFile()) files.push(full);
    else if (entry.isDirectory() && depth > 1) files.push(...(await listFiles(full, depth - 1)));
  }
  return files.sort();
}

/** The LoRA folder. */
export type LoraCatalog = FileCatalog<LoraFileInfo>;

/** The textual-inversion embeddings folder. */
export type EmbeddingCatalog = FileCatalog<EmbeddingFileInfo>;

/** The upscaler models' folder. */
export type UpscalerCatalog = FileCatalog<UpscalerFileInfo>;
