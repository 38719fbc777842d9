// uploadImage: pictures of one's own, stored to start img2img generations from.
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { prepareUpload, UploadRejectedError } from '../../generation/uploads.js';
import type { AppContext } from '../context.js';
import { decodeImageDataUrl } from '../data-url.js';
import { badInput } from '../errors.js';
import { toUploadedImage } from '../mappers.js';
import { UploadedImage } from '../types/image.js';

/** What sharp reads; the picture is stored as a PNG whatever it came as. */
const ACCEPTED_SUBTYPES = ['png', 'jpeg', 'webp', 'gif', 'avif', 'tiff'];

@Resolver()
export class UploadResolver {
  @Mutation(() => UploadedImage, {
    description:
      'Stores an image sent as a base64 data URL (PNG, JPEG, WebP, GIF, AVIF or TIFF; transparency is flattened on white), to start img2img generations from.',
  })
  async uploadImage(@Arg('dataUrl', () => String) dataUrl: string, @Ctx() ctx: AppContext): Promise<UploadedImage> {
    const { mediaType, bytes } = decodeImageDataUrl(dataUrl, ACCEPTED_SUBTYPES);
    let decoded;
    try {
      decoded = await prepareUpload(bytes, mediaType);
    } catch (error) {
      if (error instanceof UploadRejectedError) throw badInput('dataUrl', error.message, error.max === undefined ? {} : { max: error.max });
      throw error;
    }
    const upload = await ctx.uploads.save(decoded.png, decoded.width, decoded.height, ctx.viewer.accountId);
    return toUploadedImage(upload, ctx.urls);
  }
}
