import { scanModelFolders, type ModelFolder, type UnusableModelFolder } from '../diffusion/index.js';

/**
 * The models this server can run: the model folders inside the models directory. Re-read on demand
 * (cheap: a few small JSON files), so a model copied in while the server runs becomes available.
 */
export class ModelCatalog {
  constructor(
    readonly modelsDir: string,
    readonly defaultModel: string,
  ) {}

  async list(): Promise<ModelFolder[]> {
    return (await this.scan()).models;
  }

  /** The usable models and the folders that are not, each with what is wrong with it. */
  scan(): Promise<{ models: ModelFolder[]; unusable: UnusableModelFolder[] }> {
    return scanModelFolders(this.modelsDir);
  }

  async find(name: string): Promise<ModelFolder | undefined> {
    return (await this.list()).find((model) => model.name === name);
  }
}
