/** One Atelier node as a real child process: started, SIGKILLed and started again, each run logging to its own file. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Role } from './options.js';

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

/** One run of a node's process, from spawn to exit. */
export interface Incarnation {
  /** 1 for the first start, 2 after the first restart... */
  number: number;
  logFile: string;
  spawnedAt: number;
  /** When the harness SIGKILLed it; undefined when it was stopped politely or still runs. */
  killedAt?: number;
  /** When /health first answered; undefined until then, or when it exited first. */
  servingAt?: number;
}

export class NodeProcess {
  readonly incarnations: Incarnation[] = [];
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  private serving: Promise<number | undefined> = Promise.resolve(undefined);

  constructor(
    /** e.g. `worker-2`: the log files' and ATELIER_NODE_ID's name. */
    readonly name: string,
    readonly role: Role,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly logDir: string,
  ) {}

  /** Whether clients may send GraphQL here (today every node serves it; with roles only all and api do). */
  get servesApi(): boolean {
    return this.role !== 'worker';
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the next incarnation; its stdout and stderr go straight to a file, so a kill loses no written line. */
  start(extraEnv: Record<string, string> = {}): Incarnation {
    if (this.running) throw new Error(`${this.name} is already running`);
    const incarnation: Incarnation = { number: this.incarnations.length + 1, logFile: '', spawnedAt: Date.now() };
    incarnation.logFile = path.join(this.logDir, `${this.name}.${incarnation.number}.log`);
    const out = fs.openSync(incarnation.logFile, 'a');
    const child = spawn(process.execPath, [MAIN, 'serve'], {
      env: { ...this.env, ...extraEnv, PORT: String(this.port), ATELIER_ROLE: this.role, ATELIER_NODE_ID: `chaos-${this.name}` },
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    this.incarnations.push(incarnation);
    this.serving = this.watchHealth(child, incarnation);
    return incarnation;
  }

  /** Polls /health from the spawn on, so every run's start-up time is known, whenever the harness looks. */
  private async watchHealth(child: ChildProcess, incarnation: Incarnation): Promise<number | undefined> {
    while (child.exitCode === null && child.signalCode === null) {
      const ok = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2000) }).then(
        (response) => response.ok,
        () => false,
      );
      // A kill may have come while the request was out: the answer would be the next run's, or nobody's.
      if (ok && child.exitCode === null && child.signalCode === null) return (incarnation.servingAt = Date.now());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return undefined;
  }

  /** kill -9: no shutdown code runs. Resolves once the process is gone. */
  async kill(): Promise<void> {
    const current = this.incarnations.at(-1);
    if (!this.child || !this.running || !current) return;
    current.killedAt = Date.now();
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, the way a supervisor stops it; SIGKILL if it has not exited within `graceMs`. Resolves to false then. */
  async stop(graceMs = 30_000): Promise<boolean> {
    if (!this.child || !this.running) return true;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
    const result = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (result !== 'timeout') return true;
    await this.kill();
    return false;
  }

  /** Waits until /health answers; throws when the process exits first or `timeoutMs` passes (last log lines attached). */
  async waitServing(timeoutMs: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const result = await Promise.race([this.serving, timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') throw new Error(`${this.name} did not serve within ${timeoutMs} ms:\n${this.logTail()}`);
    if (result === undefined) throw new Error(`${this.name} exited while starting:\n${this.logTail()}`);
    return result;
  }

  /** Lines with this `msg` the current run has logged so far. */
  countLogged(msg: string): number {
    const current = this.incarnations.at(-1);
    if (!current || !fs.existsSync(current.logFile)) return 0;
    return fs.readFileSync(current.logFile, 'utf8').split(`"msg":${JSON.stringify(msg)}`).length - 1;
  }

  logTail(lines = 15): string {
    const current = this.incarnations.at(-1);
    if (!current || !fs.existsSync(current.logFile)) return '(no log)';
    return fs.readFileSync(current.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }
}
