/**
 * The LoRAs this server can apply: the .safetensors files in the LoRA folder (ATELIER_LORAS_DIR, subfolders
 * included), each read once for its metadata and hash and again only when its size or time changes. A LoRA's
 * name is its file name without the extension, as AUTOMATIC1111 names them. Files that cannot be used are
 * listed with the reason (a pickle, a broken header, a name two files share), never silently skipped.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readLoraFileInfo, type LoraFileInfo } from '../diffusion/index.js';
import { FolderScanCache } from './folder-scan-cache.js';
import { folderFingerprint } from './model-catalog.js';

export interface LoraScan {
  loras: LoraFileInfo[];
  unusable: Array<{ name: string; file: string; problem: string }>;
}

/** How deep subfolders are looked into (people sort LoRAs by family or style). */
const MAX_DEPTH = 3;
/** Formats that are pickles: loading one runs code from the file, so they are refused. */
const PICKLE_EXTENSIONS = new Set(['.pt', '.ckpt', '.bin', '.pth']);

export class LoraCatalog {
  private readonly scans: FolderScanCache<LoraScan>;
  /** Files read before, by path, with the size and time they had: unchanged files are not hashed again. */
  private readonly known = new Map<string, { stamp: string; info: LoraFileInfo }>();

  constructor(readonly lorasDir: string) {
    this.scans = new FolderScanCache(
      () => folderFingerprint(lorasDir, MAX_DEPTH),
      () => this.scanFolder(),
    );
  }

  scan(): Promise<LoraScan> {
    return this.scans.get();
  }

  /** Forgets the kept scan (not the per-file cache, which checks size and time): refreshModels. */
  refresh(): Promise<LoraScan> {
    this.scans.forget();
    return this.scans.get();
  }

  async find(name: string): Promise<LoraFileInfo | undefined> {
    return (await this.scan()).loras.find((lora) => lora.name === name);
  }

  private async scanFolder(): Promise<LoraScan> {
    const files = await listFiles(this.lorasDir, MAX_DEPTH);
    const found: LoraFileInfo[] = [];
    const unusable: LoraScan['unusable'] = [];
    for (const file of files) {
      const extension = path.extname(file).toLowerCase();
      const name = path.basename(file, path.extname(file));
      if (PICKLE_EXTENSIONS.has(extension)) {
        unusable.push({ name, file, problem: `${extension} files are pickles, which can run code when loaded; convert it to .safetensors` });
        continue;
      }
      if (extension !== '.safetensors') continue;
      try {
        found.push(await this.read(file));
      } catch (error) {
        unusable.push({ name, file, problem: error instanceof Error ? error.message : String(error) });
      }
    }
    const loras: LoraFileInfo[] = [];
    for (const lora of found.sort((a, b) => (a.file < b.file ? -1 : 1))) {
      const first = loras.find((other) => other.name === lora.name);
      if (first) unusable.push({ name: lora.name, file: lora.file, problem: `its name is taken by ${path.relative(this.lorasDir, first.file)}` });
      else loras.push(lora);
    }
    for (const file of this.known.keys()) if (!files.includes(file)) this.known.delete(file);
    return { loras: loras.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), unusable };
  }

  private async read(file: string): Promise<LoraFileInfo> {
    const stats = await fs.stat(file);
    const stamp = `${stats.size}:${stats.mtimeMs}`;
    const known = this.known.get(file);
    if (known?.stamp === stamp) return known.info;
    const info = await readLoraFileInfo(file);
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
