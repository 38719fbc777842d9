// importImage: pictures made elsewhere, added to the library with the parameters their PNG metadata states.
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { ImportRejectedError, METADATA_FORMATS } from '../../library/index.js';
import type { AppContext } from '../context.js';
import { decodeImageDataUrl } from '../data-url.js';
import { badInput } from '../errors.js';
import { toImage } from '../mappers.js';
import { ImageImport } from '../types/image-import.js';

/** Largest PNG accepted, in bytes (a 4096 x 4096 picture with room to spare). */
const MAX_PNG_BYTES = 64 * 1024 * 1024;

@Resolver()
export class ImportResolver {
  @Mutation(() => ImageImport, {
    description:
      'Reads the generation parameters of a PNG sent as a base64 data URL (AUTOMATIC1111, ComfyUI or InvokeAI metadata, like PNG Info) and adds the picture to the library; the same picture sent again is not added twice.',
  })
  async importImage(@Arg('dataUrl', () => String) dataUrl: string, @Ctx() ctx: AppContext): Promise<ImageImport> {
    // Only PNG: the metadata lives in PNG text chunks, and the picture is kept byte for byte.
    const { bytes } = decodeImageDataUrl(dataUrl, ['png']);
    if (bytes.length > MAX_PNG_BYTES) throw badInput('dataUrl', `the PNG is ${bytes.length} bytes; at most ${MAX_PNG_BYTES}`, { max: MAX_PNG_BYTES });
    let imported;
    try {
      imported = await ctx.importer.forOwner(ctx.viewer.accountId).importPng(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (error) {
      if (error instanceof ImportRejectedError && error.max !== undefined) {
        throw badInput('dataUrl', `the PNG cannot be imported: ${error.message}`, { max: error.max, reason: error.reason });
      }
      if (error instanceof ImportRejectedError) {
        throw badInput('dataUrl', `${error.message}; accepted: PNGs with ${METADATA_FORMATS.join(', ')} metadata`, {
          allowedValues: METADATA_FORMATS,
          reason: error.reason,
        });
      }
      throw error;
    }
    const { parameters, outcome } = imported;
    const stored = outcome.images[0]!;
    const image = await ctx.reader.getImage(stored.id);
    if (!image) throw new Error(`image ${stored.id} vanished right after it was imported`);
    return {
      format: parameters.format,
      prompt: parameters.prompt,
      negativePrompt: parameters.negativePrompt,
      seed: parameters.seed,
      steps: parameters.steps,
      guidanceScale: parameters.guidanceScale,
      sampler: parameters.sampler,
      width: parameters.width,
      height: parameters.height,
      model: parameters.model,
      raw: parameters.raw,
      alreadyInLibrary: outcome.status === 'existing',
      generationId: stored.generationId,
      image: toImage(image, ctx.urls),
    };
  }
}
