/**
 * Group commit for statements that many requests send at once: calls that arrive while a batch is running
 * wait and go together as the next batch, one statement for all of them. An idle caller waits for nothing
 * (its batch, of one, starts at once); under load each statement's fixed cost is shared.
 */

export interface BatchOptions {
  /** The most inputs one batch takes (its statement's size: PostgreSQL allows 65,535 parameters). */
  maxSize: number;
  /** How many batches may run at once (1 on the embedded database, which runs one statement at a time). */
  maxRunning: number;
  /**
   * When a batch of several fails, whether to run each of its inputs alone so that one bad input fails only
   * its own call. Only safe when the failure proves that nothing was written (the database refused the
   * statement), not when the connection went before its answer came.
   */
  retryAlone?: (error: unknown) => boolean;
}

interface Waiting<I, O> {
  input: I;
  resolve(output: O): void;
  reject(error: unknown): void;
}

export class Batches<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private running = 0;

  /** `run` answers one output per input, in the inputs' order. */
  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly options: BatchOptions,
  ) {}

  add(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.start();
    });
  }

  private start(): void {
    while (this.running < this.options.maxRunning && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxSize);
      this.running++;
      void this.settle(batch).finally(() => {
        this.running--;
        this.start();
      });
    }
  }

  private async settle(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const outputs = await this.run(batch.map((call) => call.input));
      batch.forEach((call, i) => call.resolve(outputs[i]!));
    } catch (error) {
      if (batch.length > 1 && this.options.retryAlone?.(error)) {
        await Promise.all(batch.map((call) => this.settle([call])));
        return;
      }
      batch.forEach((call) => call.reject(error));
    }
  }
}
