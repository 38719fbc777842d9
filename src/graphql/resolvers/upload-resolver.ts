import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { prepareUpload, UploadRejectedError } from '../../generation/uploads.js';
import type { AppContext } from '../context.js';
import { badInput } from '../errors.js';
import { UploadedImage } from '../types/uploaded-image.js';

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
      decoded = await prepareUpload(Buffer.from(match[2]!, 'base64'), match[1]!);
    } catch (error) {
      if (error instanceof UploadRejectedError) throw badInput('dataUrl', error.message, error.max === undefined ? {} : { max: error.max });
      throw error;
    }
    const upload = await ctx.uploads.save(decoded.png, decoded.width, decoded.height);
    return { id: upload.id, url: `${ctx.publicUrl}/images/${upload.id}`, width: upload.width, height: upload.height, sha256: upload.sha256 };
  }
}
