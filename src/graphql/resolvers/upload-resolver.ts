import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { normalizeToPng } from '../../diffusion/index.js';
import type { AppContext } from '../context.js';
import { badInput } from '../errors.js';
import { UploadedImage } from '../types/uploaded-image.js';

/** Largest side of an uploaded image, in pixels: the largest generation size is 2048. */
export const MAX_UPLOAD_SIDE = 4096;
const DATA_URL = /^data:(image\/(?:png|jpeg|webp|gif|avif|tiff));base64,([A-Za-z0-9+/]+=*)$/;

@Resolver()
export class UploadResolver {
  @Mutation(() => UploadedImage, {
    description:
      'Stores an image sent as a base64 data URL (PNG, JPEG, WebP, GIF, AVIF or TIFF; transparency is flattened on white), to start img2img generations from.',
  })
  async uploadImage(@Arg('dataUrl', () => String) dataUrl: string, @Ctx() ctx: AppContext): Promise<UploadedImage> {
    const match = DATA_URL.exec(dataUrl);
    if (!match) {
      throw badInput('dataUrl', 'dataUrl must be "data:image/<png|jpeg|webp|gif|avif|tiff>;base64,<data>"', {
        allowedValues: ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/avif', 'image/tiff'],
      });
    }
    let decoded;
    try {
      decoded = await normalizeToPng(Buffer.from(match[2]!, 'base64'));
    } catch (error) {
      throw badInput('dataUrl', `the data is not a readable ${match[1]} image (${error instanceof Error ? error.message : String(error)})`);
    }
    if (decoded.width > MAX_UPLOAD_SIDE || decoded.height > MAX_UPLOAD_SIDE) {
      throw badInput('dataUrl', `the image is ${decoded.width}x${decoded.height}; at most ${MAX_UPLOAD_SIDE} pixels a side`, { max: MAX_UPLOAD_SIDE });
    }
    const upload = await ctx.uploads.save(decoded.png, decoded.width, decoded.height);
    return { id: upload.id, url: `${ctx.publicUrl}/images/${upload.id}`, width: upload.width, height: upload.height, sha256: upload.sha256 };
  }
}
