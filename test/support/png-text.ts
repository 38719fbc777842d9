// PNGs carrying text chunks of each kind, for the tests of the library's PNG metadata reader.
import zlib from 'node:zlib';
import sharp from 'sharp';
import { pngChunk } from '../../src/diffusion/image.js';

/** How a test writes a text chunk: the three kinds PNG has (tools use each). */
export type ChunkKind = 'tEXt' | 'zTXt' | 'iTXt' | 'iTXt-compressed';

/**
 * A real PNG (sharp) with text chunks inserted after IHDR, their contents encoded here from the PNG spec (the
 * engine's pngChunk frames them), so the library's reader under test is checked against an independent writer
 * rather than against itself.
 */
export async function pngWithText(chunks: Array<{ keyword: string; text: string; kind?: ChunkKind }>, colour = '#336699', size = 16): Promise<Buffer> {
  const png = await sharp({ create: { width: size, height: size, channels: 3, background: colour } }).png().toBuffer();
  const ihdrEnd = 8 + 8 + png.readUInt32BE(8) + 4;
  const encoded = chunks.map(({ keyword, text, kind = 'tEXt' }) => encodeChunk(keyword, text, kind));
  return Buffer.concat([png.subarray(0, ihdrEnd), ...encoded, png.subarray(ihdrEnd)]);
}

function encodeChunk(keyword: string, text: string, kind: ChunkKind): Buffer {
  const key = Buffer.from(keyword, 'latin1');
  switch (kind) {
    case 'tEXt':
      return pngChunk('tEXt', Buffer.concat([key, Buffer.from([0]), Buffer.from(text, 'latin1')]));
    case 'zTXt':
      return pngChunk('zTXt', Buffer.concat([key, Buffer.from([0, 0]), zlib.deflateSync(Buffer.from(text, 'latin1'))]));
    case 'iTXt':
      return pngChunk('iTXt', Buffer.concat([key, Buffer.from([0, 0, 0, 0, 0]), Buffer.from(text, 'utf8')]));
    case 'iTXt-compressed':
      return pngChunk('iTXt', Buffer.concat([key, Buffer.from([0, 1, 0]), Buffer.from('en', 'latin1'), Buffer.from([0, 0]), zlib.deflateSync(Buffer.from(text, 'utf8'))]));
  }
}

/** The same PNG with its header (IHDR) declaring another size: what a decompression bomb's first bytes look like. */
export function withDeclaredSize(png: Buffer, width: number, height: number): Buffer {
  const ihdr = Buffer.from(png.subarray(16, 29));
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  return Buffer.concat([png.subarray(0, 8), pngChunk('IHDR', ihdr), png.subarray(33)]);
}
