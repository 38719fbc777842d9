// What can be asked for: the installed models and the samplers.
import { Ctx, Query, Resolver } from 'type-graphql';
import { samplerDisplayName, samplerNames } from '../../generation/samplers.js';
import type { AppContext } from '../context.js';
import { DistillationEnum, Model, ModelFamilyEnum, PredictionTypeEnum, Sampler } from '../types/catalog.js';

@Resolver()
export class CatalogResolver {
  @Query(() => [Model], { description: 'Installed models, with those that failed to load marked (usable: false).' })
  async models(@Ctx() ctx: AppContext): Promise<Model[]> {
    const models = await ctx.catalog.list();
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
    }));
  }

  @Query(() => [Sampler], { description: 'Samplers usable in GenerateInput.sampler.' })
  samplers(): Sampler[] {
    return samplerNames.map((name) => ({ name, label: samplerDisplayName(name) }));
  }
}
