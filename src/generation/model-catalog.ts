import { listModelFolders, type ModelFolder } from '../diffusion/index.js';

/**
 * The models this server can run: the model folders inside the models directory. Re-read on demand
 * (cheap: a few small JSON files), so a model copied in while the server runs becomes available.
 */
export class ModelCatalog {
  constructor(
    readonly modelsDir: string,
    readonly defaultModel: string,
  ) {}

  list(): Promise<ModelFolder[]> {
    return listModelFolders(this.modelsDir);
  }

  async find(name: string): Promise<ModelFolder | undefined> {
    return (await this.list()).find((model) => model.name === name);
  }
}
