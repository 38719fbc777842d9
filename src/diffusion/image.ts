/** Pictures in and out of files: RGB -> PNG (with AUTOMATIC1111's parameters) and WebP previews, uploads -> RGB or grey masks, via sharp. */
import zlib from 'node:zlib';
import sharp from 'sharp';
import type { RgbImage } from './rgb-image.js';

/** The generation parameters written into every PNG, in the fields AUTOMATIC1111's format knows. */
export interface ImageParameters {
  prompt: string;
  negativePrompt: string;
  steps: number;
  /** Sampler label as AUTOMATIC1111 writes it, e.g. "Euler", "DDIM". */
  sampler: string;
  guidanceScale: number;
  seed: bigint;
  /** Variation seed and strength, written only when the strength is above 0. */
  variationSeed?: bigint;
  variationStrength?: number;
  /** img2img: AUTOMATIC1111's "Denoising strength", written only for a generation from an init image. */
  denoisingStrength?: number;
  width: number;
  height: number;
  model: string;
  /** AUTOMATIC1111's `Lora hashes` value ("name: hash, ..."); the prompt carries the `<lora:...>` tags themselves. */
  loraHashes?: string;
  /** The hires fix: "Hires upscale" (or "Hires resize" when a size was asked for), steps, upscaler, strength. */
  hires?: { scale: number | null; width: number; height: number; steps: number; denoisingStrength: number; upscalerLabel: string };
  /** AUTOMATIC1111's `TI hashes` value ("name: hash, ..."): the textual-inversion embeddings the prompts name. */
  tiHashes?: string;
}

/**
 * AUTOMATIC1111's "parameters" text: the prompt, an optional "Negative prompt:" line, then one line of
 * "Key: value" pairs. Existing tools (A1111's PNG Info, InvokeAI and ComfyUI importers, Civitai) parse this.
 */
export function formatParameters(p: ImageParameters): string {
  const lines = [p.prompt];
  if (p.negativePrompt) lines.push(`Negative prompt: ${p.negativePrompt}`);
  const settings = [
    `Steps: ${p.steps}`,
    `Sampler: ${p.sampler}`,
    `CFG scale: ${formatNumber(p.guidanceScale)}`,
    `Seed: ${p.seed}`,
    `Size: ${p.width}x${p.height}`,
    `Model: ${p.model}`,
  ];
  if (p.variationSeed !== undefined && p.variationStrength) {
    settings.push(`Variation seed: ${p.variationSeed}`, `Variation seed strength: ${formatNumber(p.variationStrength)}`);
  }
  if (p.denoisingStrength !== undefined) settings.push(`Denoising strength: ${formatNumber(p.denoisingStrength)}`);
  if (p.hires) {
    const { scale, width, height, steps, denoisingStrength, upscalerLabel } = p.hires;
    settings.push(
      `Denoising strength: ${formatNumber(denoisingStrength)}`,
      scale === null ? `Hires resize: ${width}x${height}` : `Hires upscale: ${formatNumber(scale)}`,
      `Hires steps: ${steps}`,
      `Hires upscaler: ${upscalerLabel}`,
    );
  }
  if (p.loraHashes) settings.push(`Lora hashes: ${JSON.stringify(p.loraHashes)}`);
  if (p.tiHashes) settings.push(`TI hashes: ${JSON.stringify(p.tiHashes)}`);
  lines.push(settings.join(', '));
  return lines.join('\n');
}

/** A picture resized to exactly width x height with a Lanczos filter (the hires fix's pixel upscaler). */
export async function resizeLanczos(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** An image file's size as its header states it, without decoding a pixel (so a huge picture can be refused first). */
export async function readImageSize(file: Uint8Array): Promise<{ width: number; height: number }> {
  // No pixel limit here: only the header is read, and the caller compares the size with its own limit.
  const { width, height } = await sharp(file, { limitInputPixels: false }).metadata();
  if (!width || !height) throw new Error('the image states no size');
  return { width, height };
}

/** Any image file sharp reads (PNG, JPEG, WebP...) -> a plain RGB PNG (transparency on white) and its size; rejects what is not an image. */
export async function normalizeToPng(file: Uint8Array): Promise<{ png: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(file).flatten({ background: '#ffffff' }).png({ compressionLevel: 6 }).toBuffer({ resolveWithObject: true });
  return { png: data, width: info.width, height: info.height };
}

/** An image file -> one grey byte per pixel at exactly width x height (an inpainting mask). */
export async function decodeToGray(file: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const data = await sharp(file).flatten({ background: '#000000' }).resize(width, height, { fit: 'fill' }).grayscale().raw().toBuffer();
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Any image file sharp reads -> RGB bytes at exactly width x height (stretched, as AUTOMATIC1111's "Just resize"). */
export async function decodeToRgb(file: Uint8Array, width: number, height: number): Promise<RgbImage> {
  const data = await sharp(file).removeAlpha().resize(width, height, { fit: 'fill' }).raw().toBuffer();
  return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/**
 * Lossless PNG with the parameters embedded as a `parameters` text chunk, and `more` chunks after it (an
 * upscale's `postprocessing`, as AUTOMATIC1111's Extras tab writes it).
 */
export async function encodePng(image: RgbImage, parameters: string, more: Readonly<Record<string, string>> = {}): Promise<Buffer> {
  let png: Buffer = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
  // Each goes right after IHDR: inserted last to first, they end up in order.
  for (const [keyword, text] of Object.entries(more).reverse()) png = insertTextChunk(png, keyword, text);
  return parameters === '' && Object.keys(more).length > 0 ? png : insertTextChunk(png, 'parameters', parameters);
}

/** A small WebP for step previews; `maxSize` bounds the longer side (small latents are scaled up). */
export async function encodePreviewWebp(image: RgbImage, maxSize: number): Promise<Buffer> {
  const scale = maxSize / Math.max(image.width, image.height);
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { kernel: scale > 1 ? 'nearest' : 'lanczos3' })
    .webp({ quality: 70 })
    .toBuffer();
}

export function toDataUrl(bytes: Uint8Array, mimeType: string): string {
  return `data:${mimeType};base64,${Buffer.from(bytes).toString('base64')}`;
}

const PNG_SIGNATURE_LENGTH = 8;

/**
 * Adds a text chunk right after IHDR. Latin-1 text goes in tEXt (what A1111 writes); anything else in an
 * uncompressed UTF-8 iTXt chunk, which the same readers accept.
 */
export function insertTextChunk(png: Buffer, keyword: string, text: string): Buffer {
  const ihdrLength = png.readUInt32BE(PNG_SIGNATURE_LENGTH);
  const afterIhdr = PNG_SIGNATURE_LENGTH + 4 + 4 + ihdrLength + 4;
  const isLatin1 = [...text].every((ch) => ch.codePointAt(0)! <= 0xff);
  const chunk = isLatin1
    ? pngChunk('tEXt', Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]))
    : pngChunk(
        'iTXt',
        Buffer.concat([
          Buffer.from(keyword, 'latin1'),
          Buffer.from([0, 0, 0, 0, 0]), // null, not compressed, method 0, empty language tag, empty translated keyword
          Buffer.from(text, 'utf8'),
        ]),
      );
  return Buffer.concat([png.subarray(0, afterIhdr), chunk, png.subarray(afterIhdr)]);
}

/** Reads every tEXt/iTXt chunk of a PNG into a keyword -> text map. */
export function readTextChunks(png: Buffer): Map<string, string> {
  const texts = new Map<string, string>();
  let offset = PNG_SIGNATURE_LENGTH;
  while (offset + 8 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'tEXt') {
      const split = data.indexOf(0);
      texts.set(data.toString('latin1', 0, split), data.toString('latin1', split + 1));
    } else if (type === 'iTXt') {
      const split = data.indexOf(0);
      const compressed = data[split + 1] === 1;
      let rest = data.subarray(split + 3);
      rest = rest.subarray(rest.indexOf(0) + 1); // language tag
      rest = rest.subarray(rest.indexOf(0) + 1); // translated keyword
      texts.set(data.toString('latin1', 0, split), (compressed ? zlib.inflateSync(rest) : rest).toString('utf8'));
    }
    if (type === 'IEND') break;
    offset += 12 + length;
  }
  return texts;
}

/** One PNG chunk as the file holds it: length, type, data and the CRC of type and data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(data.length, 0);
  header.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([header.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([header, data, crc]);
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)));
}
