// What can be asked for: the installed models, LoRAs and samplers, and rescanning their folders.
import path from 'node:path';
import { Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { isAdmin } from '../../accounts/viewer.js';
import { clientError } from '../errors.js';
import { samplerDisplayName, samplerNames } from '../../generation/samplers.js';
import type { LoraFileInfo } from '../../diffusion/index.js';
import type { AppContext } from '../context.js';
import { DistillationEnum, LoadedPipeline, Model, ModelFamilyEnum, PredictionTypeEnum, Sampler } from '../types/catalog.js';
import { Embedding, InstalledFiles, Lora, UnusableFile } from '../types/lora.js';
import { Upscaler } from '../types/upscale.js';

@Resolver()
export class CatalogResolver {
  @Query(() => [Model], { description: 'Installed models, with those that failed to load marked (usable: false).' })
  async models(@Ctx() ctx: AppContext): Promise<Model[]> {
    const [models, loaded] = await Promise.all([ctx.catalog.list(), ctx.loadedPipelines.placed()]);
    return models.map(({ model: m, problem }) => ({
      name: m.name,
      pipelineClass: m.pipelineClass,
      family: m.traits.family as ModelFamilyEnum,
      distillation: m.traits.distillation as DistillationEnum,
      predictionType: m.traits.predictionType as PredictionTypeEnum,
      inpainting: m.traits.inpainting,
      defaults: m.traits.defaults,
      defaultSize: m.defaultSize,
      isDefault: m.name === ctx.catalog.defaultModel,
      usable: problem === null,
      problem,
      loadedOn: loaded.filter((pipeline) => pipeline.model === m.name),
    }));
  }

  @Query(() => [Lora], { description: 'Installed LoRAs (ATELIER_LORAS_DIR), by name: what GenerateInput.loras and `<lora:name:weight>` take.' })
  async loras(@Ctx() ctx: AppContext): Promise<Lora[]> {
    const [scan, loaded] = await Promise.all([ctx.loras.scan(), ctx.loadedPipelines.placed()]);
    return scan.files.map((lora) => toLora(lora, loaded));
  }

  @Query(() => [UnusableFile], { description: 'Files in ATELIER_LORAS_DIR that cannot be used (a pickle, a broken file, a name two files share), and why.' })
  async unusableLoras(@Ctx() ctx: AppContext): Promise<UnusableFile[]> {
    return unusableFiles(ctx.loras);
  }

  @Query(() => [Embedding], { description: 'Installed textual-inversion embeddings (ATELIER_EMBEDDINGS_DIR), by name: the words a prompt may use.' })
  async embeddings(@Ctx() ctx: AppContext): Promise<Embedding[]> {
    return (await ctx.embeddings.scan()).files.map(({ name, family, vectors, sizeBytes, hash }) => ({ name, family: family as ModelFamilyEnum | null, vectors, sizeBytes, hash }));
  }

  @Query(() => [Upscaler], { description: 'Installed upscaler models (ATELIER_UPSCALERS_DIR), by name: what upscaleImage and hires.upscalerModel take.' })
  async upscalers(@Ctx() ctx: AppContext): Promise<Upscaler[]> {
    return (await ctx.upscalers.scan()).files.map(({ name, scale, hash }) => ({ name, scale, hash }));
  }

  @Query(() => [UnusableFile], { description: 'Files in ATELIER_UPSCALERS_DIR that cannot be used (a pickle, a file that is not an upscaler), and why.' })
  async unusableUpscalers(@Ctx() ctx: AppContext): Promise<UnusableFile[]> {
    return unusableFiles(ctx.upscalers);
  }

  @Query(() => [UnusableFile], { description: 'Files in ATELIER_EMBEDDINGS_DIR that cannot be used, and why.' })
  async unusableEmbeddings(@Ctx() ctx: AppContext): Promise<UnusableFile[]> {
    return unusableFiles(ctx.embeddings);
  }

  @Mutation(() => InstalledFiles, {
    description: 'Admins: scans the model, LoRA, embedding and upscaler folders again now, without a restart (they are also rescanned by themselves when their files change).',
  })
  async refreshModels(@Ctx() ctx: AppContext): Promise<InstalledFiles> {
    if (!isAdmin(ctx.viewer)) throw clientError('FORBIDDEN', 'only an admin may rescan the model folders', { requiredRole: 'ADMIN' });
    await ctx.catalog.refresh();
    await ctx.loras.refresh();
    await ctx.embeddings.refresh();
    await ctx.upscalers.refresh();
    return { models: await this.models(ctx), loras: await this.loras(ctx) };
  }

  @Query(() => [Sampler], { description: 'Samplers usable in GenerateInput.sampler.' })
  samplers(): Sampler[] {
    return samplerNames.map((name) => ({ name, label: samplerDisplayName(name) }));
  }
}

function toLora(lora: LoraFileInfo, loaded: LoadedPipeline[]): Lora {
  const { name, baseModel, triggerWords, preview, sizeBytes, hash } = lora;
  const loadedOn = loaded.filter((pipeline) => pipeline.loras.some((applied) => applied.name === name));
  return { name, family: lora.family as ModelFamilyEnum | null, baseModel, triggerWords, preview, sizeBytes, hash, loadedOn };
}

/** A catalogue's unusable files, with their paths inside its folder. */
async function unusableFiles(catalog: AppContext['loras'] | AppContext['embeddings'] | AppContext['upscalers']): Promise<UnusableFile[]> {
  return (await catalog.scan()).unusable.map((file) => ({ ...file, file: path.relative(catalog.dir, file.file) }));
}
