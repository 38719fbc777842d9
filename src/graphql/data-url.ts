// Pictures sent inline as base64 data URLs (uploadImage, importImage): the one place their form is checked.
import { badInput } from './errors.js';

/**
 * The media type and bytes of `data:image/<subtype>;base64,<data>` where the subtype is one of `subtypes`;
 * otherwise a BAD_USER_INPUT on `dataUrl` listing the accepted types.
 */
export function decodeImageDataUrl(dataUrl: string, subtypes: readonly string[]): { mediaType: string; bytes: Buffer } {
  const allowed = subtypes.map((subtype) => `image/${subtype}`);
  const match = /^data:([^;,]+);base64,([A-Za-z0-9+/]+=*)$/.exec(dataUrl);
  if (!match || !allowed.includes(match[1]!)) {
    const form = subtypes.length === 1 ? allowed[0] : `image/<${subtypes.join('|')}>`;
    throw badInput('dataUrl', `dataUrl must be "data:${form};base64,<data>"`, { allowedValues: allowed });
  }
  return { mediaType: match[1]!, bytes: Buffer.from(match[2]!, 'base64') };
}
