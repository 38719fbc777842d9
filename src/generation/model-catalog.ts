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
  /** The last check of the folder, shared by the requests that ask while it runs and for `recheckMs` after. */
  private checked: { at: number; scan: Promise<Scan> } | undefined;

  constructor(
    readonly modelsDir: string,
    readonly defaultModel: string,
    /** How long one check of the folder answers every request (0: each call checks; a server passes 1 s). */
    private readonly recheckMs = 0,
  ) {}

  async list(): Promise<ModelFolder[]> {
    return (await this.scan()).models;
  }

  /**
   * The usable models and the folders that are not, each with what is wrong with it. The folder is checked at
   * most once per `recheckMs`: under load, requests share one check instead of each walking the folder.
   */
  scan(): Promise<Scan> {
    const now = performance.now();
    if (this.checked && now - this.checked.at < this.recheckMs) return this.checked.scan;
    const scan = this.checkedScan();
    if (this.recheckMs > 0) {
      const checked = { at: now, scan };
      this.checked = checked;
      scan.catch(() => {
        if (this.checked === checked) this.checked = undefined;
      });
    }
    return scan;
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
