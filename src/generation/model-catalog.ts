/**
 * The models this server can run: the model folders inside the models directory. The scan is kept and
 * redone only when a cheap check (the modification times of the folders and files a scan reads) says
 * something changed, so a model copied in while the server runs becomes available and a removed one goes.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { scanModelFolders, type ModelFolder, type UnusableModelFolder } from '../diffusion/index.js';
import { FolderScanCache } from './folder-scan-cache.js';

type Scan = { models: ModelFolder[]; unusable: UnusableModelFolder[] };

/** The names of those of `dirs` that are folders right inside `modelsDir` (the LoRA folder in models/, say). */
export function folderNamesInside(modelsDir: string, dirs: readonly string[]): Set<string> {
  return new Set(dirs.filter((dir) => path.dirname(path.resolve(dir)) === path.resolve(modelsDir)).map((dir) => path.basename(dir)));
}

export class ModelCatalog {
  private readonly scans: FolderScanCache<Scan>;

  constructor(
    readonly modelsDir: string,
    readonly defaultModel: string,
    /** Folders inside modelsDir that hold other things (the LoRA and embedding folders), not models. */
    ignored: readonly string[] = [],
  ) {
    const ignoredNames = folderNamesInside(modelsDir, ignored);
    this.scans = new FolderScanCache(
      () => folderFingerprint(modelsDir),
      async () => {
        const scan = await scanModelFolders(modelsDir);
        return { models: scan.models, unusable: scan.unusable.filter((folder) => !ignoredNames.has(folder.name)) };
      },
    );
  }

  async list(): Promise<ModelFolder[]> {
    return (await this.scan()).models;
  }

  /**
   * The usable models and the folders that are not, each with what is wrong with it. A request that starts
   * after a change to the folder sees it; requests arriving during one check share it.
   */
  scan(): Promise<Scan> {
    return this.scans.get();
  }

  /** Forgets the kept scan: the next request scans the folder again (refreshModels). */
  refresh(): Promise<Scan> {
    this.scans.forget();
    return this.scans.get();
  }

  async find(name: string): Promise<ModelFolder | undefined> {
    return (await this.list()).find((model) => model.name === name);
  }
}

/**
 * Identity, size and modification time of the models directory and of everything in it down to a model's
 * subfolders' files (model_index.json, unet/config.json, unet/model.onnx, ...): every file a scan reads.
 * Adding or removing an entry changes its folder's time; rewriting a file changes the file's.
 */
export async function folderFingerprint(dir: string, depth = 3): Promise<string> {
  const stats = await fs.stat(dir).catch(() => null);
  if (!stats) return `${dir}:missing`;
  const self = `${dir}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
  if (!stats.isDirectory() || depth === 0) return self;
  const entries = await fs.readdir(dir).catch(() => [] as string[]);
  const children = await Promise.all(entries.sort().map((entry) => folderFingerprint(path.join(dir, entry), depth - 1)));
  return [self, ...children].join('\n');
}
