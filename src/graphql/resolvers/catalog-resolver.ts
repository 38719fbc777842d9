import { Ctx, Query, Resolver } from 'type-graphql';
import { samplerDisplayName, samplerNames } from '../../generation/samplers.js';
import type { AppContext } from '../context.js';
import { Model, Sampler } from '../types/generation.js';

@Resolver()
export class CatalogResolver {
  @Query(() => [Model], { description: 'Installed models.' })
  async models(@Ctx() ctx: AppContext): Promise<Model[]> {
    const models = await ctx.catalog.list();
    return models.map((m) => ({
      name: m.name,
      pipelineClass: m.pipelineClass,
      defaultSize: m.defaultSize,
      isDefault: m.name === ctx.catalog.defaultModel,
    }));
  }

  @Query(() => [Sampler], { description: 'Samplers usable in GenerateInput.sampler.' })
  samplers(): Sampler[] {
    return samplerNames.map((name) => ({ name, label: samplerDisplayName(name) }));
  }
}
