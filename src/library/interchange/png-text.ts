/** Reading a PNG's header and text chunks, without decoding its pixels. */
import zlib from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Larger inflated texts are refused: a metadata chunk is a few kilobytes, a zip bomb is not. */
const MAX_INFLATED_TEXT = 16 * 1024 * 1024;

export class NotPngError extends Error {
  constructor(message = 'not a PNG file') {
    super(message);
    this.name = 'NotPngError';
  }
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= SIGNATURE.length && Buffer.from(bytes.buffer, bytes.byteOffset, SIGNATURE.length).equals(SIGNATURE);
}

/** A PNG's size as its header (IHDR) states it. */
export function readPngSize(bytes: Uint8Array): { width: number; height: number } {
  const png = asBuffer(bytes);
  if (!isPng(png) || png.length < 24 || png.toString('latin1', 12, 16) !== 'IHDR') throw new NotPngError();
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * Every text chunk of a PNG as keyword -> text: tEXt (Latin-1), zTXt (deflated Latin-1) and iTXt (UTF-8,
 * optionally deflated). Tools differ in which they write: AUTOMATIC1111 uses tEXt, ComfyUI tEXt, InvokeAI tEXt
 * or iTXt, and re-saving through an editor may compress them. A chunk that cannot be decoded is left out rather
 * than failing the whole file; a truncated file keeps the chunks read before the damage. The first chunk
 * with a keyword wins, as in readers such as Pillow.
 */
export function readPngText(bytes: Uint8Array): Map<string, string> {
  const png = asBuffer(bytes);
  if (!isPng(png)) throw new NotPngError();
  const texts = new Map<string, string>();
  let offset = SIGNATURE.length;
  while (offset + 8 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const end = offset + 8 + length;
    if (end > png.length) break;
    if (type === 'IEND') break;
    const entry = decodeTextChunk(type, png.subarray(offset + 8, end));
    if (entry && !texts.has(entry[0])) texts.set(entry[0], entry[1]);
    offset = end + 4; // skip the CRC: a bad one does not make the text less readable
  }
  return texts;
}

function decodeTextChunk(type: string, data: Buffer): [string, string] | null {
  if (type !== 'tEXt' && type !== 'zTXt' && type !== 'iTXt') return null;
  const keywordEnd = data.indexOf(0);
  if (keywordEnd <= 0) return null;
  const keyword = data.toString('latin1', 0, keywordEnd);
  try {
    if (type === 'tEXt') return [keyword, data.toString('latin1', keywordEnd + 1)];
    if (type === 'zTXt') {
      // keyword \0 method(0 = deflate) compressed-text
      return [keyword, inflate(data.subarray(keywordEnd + 2)).toString('latin1')];
    }
    // iTXt: keyword \0 compressed-flag method language \0 translated-keyword \0 text
    const compressed = data[keywordEnd + 1] === 1;
    const languageEnd = data.indexOf(0, keywordEnd + 3);
    if (languageEnd < 0) return null;
    const translatedEnd = data.indexOf(0, languageEnd + 1);
    if (translatedEnd < 0) return null;
    const text = data.subarray(translatedEnd + 1);
    return [keyword, (compressed ? inflate(text) : text).toString('utf8')];
  } catch {
    return null;
  }
}

function inflate(data: Buffer): Buffer {
  return zlib.inflateSync(data, { maxOutputLength: MAX_INFLATED_TEXT });
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
