/**
 * Folders for model files that exist only while a session is made from them (a UNet with LoRAs merged in).
 * They live in the system's temporary folder (TMPDIR), named after the process, and are removed as soon as
 * onnxruntime has read them; what a killed process left behind is removed by the next one that makes one.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const PREFIX = 'atelier-merge-';
let swept = false;

/** A new empty folder; the caller removes it. */
export async function makeScratchFolder(): Promise<string> {
  const root = os.tmpdir();
  if (!swept) {
    swept = true;
    await removeAbandoned(root).catch(() => undefined);
  }
  return fs.mkdtemp(path.join(root, `${PREFIX}${process.pid}-`));
}

/**
 * A file of `source` at `target`: a hard link when both are on one filesystem (no bytes copied; the
 * original is never written through it), else a copy (a clone where the filesystem can).
 */
export async function linkOrCopy(source: string, target: string): Promise<void> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  try {
    await fs.link(source, target);
  } catch {
    await fs.copyFile(source, target, fs.constants.COPYFILE_FICLONE);
  }
}

/**
 * Folders of processes that are gone, and of an earlier process with this one's id (a restarted
 * container): those were made before this process started.
 */
async function removeAbandoned(root: string): Promise<void> {
  const started = Date.now() - process.uptime() * 1000;
  for (const name of await fs.readdir(root)) {
    const pid = Number(/^atelier-merge-(\d+)-/.exec(name)?.[1]);
    if (!Number.isInteger(pid)) continue;
    const folder = path.join(root, name);
    const abandoned = pid === process.pid ? (await fs.stat(folder)).mtimeMs < started : !isRunning(pid);
    if (abandoned) await fs.rm(folder, { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}
