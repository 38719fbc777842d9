/**
 * Pictures of the toy-shapes model through the real GraphQL API, as the tests that judge them by what they
 * show need them: queue a generation per input, wait for its image, decode it and read it with the analyser.
 */
import sharp from 'sharp';
import { GenerateDocument, GenerationDocument, type GenerateInput } from '../generated/operations.js';
import { requestData } from './graphql-client.js';
import { analyseImage, type Analysis } from './shape-analyser.js';
import type { SceneDescription } from './toy-world.js';

export interface ToyPicture {
  /** The decoded image as raw RGB, width x height x 3. */
  rgb: Buffer;
  seen: Analysis;
}

/** Queues every input (in order, so a queue runs them first come first served), then reads each picture. */
export async function toyPictures(baseUrl: string, inputs: readonly GenerateInput[]): Promise<ToyPicture[]> {
  const ids: string[] = [];
  for (const input of inputs) ids.push((await requestData(baseUrl, GenerateDocument, { input })).generate.id);
  const pictures: ToyPicture[] = [];
  for (const id of ids) {
    const url = await imageUrl(baseUrl, id);
    const { data, info } = await sharp(Buffer.from(await (await fetch(new URL(url, baseUrl))).arrayBuffer()))
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    pictures.push({ rgb: data, seen: analyseImage(data, info.width, info.height) });
  }
  return pictures;
}

async function imageUrl(baseUrl: string, id: string): Promise<string> {
  for (;;) {
    const { generation } = await requestData(baseUrl, GenerationDocument, { id });
    if (generation?.status === 'COMPLETED') return generation.images[0]!.url;
    if (generation?.status !== 'QUEUED' && generation?.status !== 'RUNNING') {
      throw new Error(`generation ${id} ended ${generation?.status}: ${generation?.error}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How many pictures got each part of their scene right. */
export interface SceneScore {
  images: number;
  colour: number;
  position: number;
  shape: number;
  size: number;
  all: number;
}

export function scoreScenes(seen: readonly SceneDescription[], expected: readonly SceneDescription[]): SceneScore {
  const score: SceneScore = { images: 0, colour: 0, position: 0, shape: 0, size: 0, all: 0 };
  seen.forEach((s, i) => {
    const e = expected[i]!;
    const colour = s.colour === e.colour && s.background === e.background;
    const right = { colour, position: s.position === e.position, shape: s.shape === e.shape, size: s.size === e.size };
    score.images++;
    score.colour += Number(right.colour);
    score.position += Number(right.position);
    score.shape += Number(right.shape);
    score.size += Number(right.size);
    score.all += Number(right.colour && right.position && right.shape && right.size);
  });
  return score;
}

export function pct(n: number, of: number): string {
  return `${((100 * n) / of).toFixed(0)}%`;
}

/** A markdown table of labelled scores, one row each, as the scoring tests print after their run. */
export function scoreTable(scores: ReadonlyArray<SceneScore & { label: string }>): string {
  const rows = scores.map((s) => [s.label, String(s.images), pct(s.colour, s.images), pct(s.position, s.images), pct(s.shape, s.images), pct(s.size, s.images), pct(s.all, s.images)]);
  const header = ['sampler, guidance', 'images', 'colours', 'position', 'shape', 'size', 'all four'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
