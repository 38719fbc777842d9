/**
 * A model folder's fingerprint: the relative paths, sizes and modification times of its files, hashed. It is
 * meant to agree between nodes that see the same files (a shared folder, or copies that keep their times),
 * so it leaves out what differs per machine (inode numbers, folders' own times).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Deep enough for every file a diffusers ONNX folder holds (unet/model.onnx, unet/model.onnx_data, ...). */
const MAX_DEPTH = 3;

export async function modelFingerprint(dir: string): Promise<string> {
  const lines: string[] = [];
  await collect(dir, '', MAX_DEPTH, lines);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

async function collect(dir: string, relative: string, depth: number, lines: string[]): Promise<void> {
  const entries = await fs.readdir(path.join(dir, relative), { withFileTypes: true }).catch(() => []);
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const child = path.join(relative, entry.name);
    if (entry.isDirectory()) {
      if (depth > 1) await collect(dir, child, depth - 1, lines);
      continue;
    }
    const stats = await fs.stat(path.join(dir, child)).catch(() => null);
    lines.push(stats ? `${child}:${stats.size}:${Math.trunc(stats.mtimeMs)}` : `${child}:gone`);
  }
}
