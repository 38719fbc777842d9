/**
 * The models this server can run: the model folders inside the models directory. The scan is kept and
 * redone only when a cheap check (the modification times of the folders and files a scan reads) says
 * something changed, so a model copied in while the server runs becomes available and a removed one goes.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { scanModelFolders, type ModelFolder, type UnusableModelFolder } from '../diffusion/index.js';

type Scan = { models: ModelFolder[]; unusable: UnusableModelFolder[] };

export class ModelCatalog {
  private cached: { fingerprint: string; scan: Promise<Scan> } | undefined;
  /** The check of the folder in progress: requests that ask while it runs share it instead of each walking the folder. */
  private checking: Promise<Scan> | undefined;

  constructor(
    readonly modelsDir: string,
    readonly defaultModel: string,
  ) {}

  async list(): Promise<ModelFolder[]> {
    return (await this.scan()).models;
  }

  /**
   * The usable models and the folders that are not, each with what is wrong with it. A request that starts
   * after a change to the folder sees it; requests arriving during one check share it.
   */
  scan(): Promise<Scan> {
    if (this.checking) return this.checking;
    const checking = this.checkedScan();
    this.checking = checking;
    const done = () => {
      if (this.checking === checking) this.checking = undefined;
    };
    checking.then(done, done);
    return checking;
  }

  private async checkedScan(): Promise<Scan> {
    // Taken before scanning: a change during the scan makes the next check differ, and scan again.
    const fingerprint = await folderFingerprint(this.modelsDir);
    if (this.cached?.fingerprint === fingerprint) return this.cached.scan;
    const scan = scanModelFolders(this.modelsDir);
    this.cached = { fingerprint, scan };
    // A failed scan is not kept: the next call tries again.
    scan.catch(() => {
      if (this.cached?.scan === scan) this.cached = undefined;
    });
    return scan;
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
