// Real Atelier processes for tests of what a deployment sees (exit codes, several nodes): `main.js serve|worker`
// as children, their JSON log lines kept.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The built command line entry (dist/src/main.js). */
export const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

export interface NodeProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Base URL of its HTTP server (GraphQL for serve, /health and /ready for a worker). */
  url: string;
  /** Every log line so far, parsed. */
  readonly lines: Record<string, unknown>[];
  /** Resolves with the first log line (so far or to come) whose `msg` includes `text` and that `where` accepts. */
  waitForLog(text: string, where?: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** The whole output, for assertion messages. */
  output(): string;
  /** Resolves with the exit code and signal. */
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

/**
 * Starts `main.js <command>` with `env` over this process's environment (an undefined value removes the
 * variable; PORT 0 unless given) and resolves once it logs that it serves ('Atelier is serving', 'Atelier
 * worker is serving'); rejects with its output if it exits first.
 */
export async function startNode(command: 'serve' | 'worker', env: Record<string, string | undefined>, cwd = process.cwd()): Promise<NodeProcess> {
  const merged = Object.fromEntries(Object.entries({ ...process.env, PORT: '0', ...env }).filter(([, value]) => value !== undefined));
  const child = spawn(process.execPath, [MAIN, command], { cwd, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const lines: Record<string, unknown>[] = [];
  const waiters: { accepts(line: Record<string, unknown>): boolean; resolve(line: Record<string, unknown>): void }[] = [];
  let raw = '';
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    raw += chunk.toString();
    partial += chunk.toString();
    const complete = partial.split('\n');
    partial = complete.pop()!;
    for (const text of complete) {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue;
      }
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.accepts(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  const waitForLog = (text: string, where: (line: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> => {
    const accepts = (line: Record<string, unknown>) => String(line.msg).includes(text) && where(line);
    const seen = lines.find(accepts);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      waiters.push({ accepts, resolve });
      void exited.then(([code, signal]) => reject(new Error(`${command} exited with ${code ?? signal} before logging "${text}": ${raw}`)));
    });
  };
  const serving = await waitForLog(command === 'worker' ? 'Atelier worker is serving' : 'Atelier is serving');
  const url = String(serving.url).replace(/\/graphql$/, '');
  return { child, url, lines, waitForLog, output: () => raw, exited };
}

/** `main.js serve` as a real process: its child and base URL once it serves. */
export async function serve(env: Record<string, string | undefined>, cwd?: string): Promise<NodeProcess> {
  return startNode('serve', env, cwd);
}

/** Polls `probe` until it returns a value other than undefined; fails after `timeoutMs` (a hang, not a timing claim). */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
