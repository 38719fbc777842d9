// `main.js serve` as a real child process, for tests of what a deployment sees (exit codes, several nodes).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The built command line entry (dist/src/main.js). */
export const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

/**
 * Starts `main.js serve` as a real process and resolves with its URL once it logs that it is serving.
 * `env` is laid over this process's environment; an undefined value removes the variable.
 */
export async function serve(env: Record<string, string | undefined>, cwd = process.cwd()): Promise<{ child: ChildProcessByStdio<null, Readable, Readable>; url: string }> {
  const merged = Object.fromEntries(Object.entries({ ...process.env, PORT: '0', ...env }).filter(([, v]) => v !== undefined));
  const child = spawn(process.execPath, [MAIN, 'serve'], { cwd, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) {
        if (line.includes('"Atelier is serving"')) resolve((JSON.parse(line) as { url: string }).url.replace(/\/graphql$/, ''));
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  return { child, url };
}
