/** generation/'s JobSignals port on PostgreSQL LISTEN/NOTIFY: one dedicated connection per node, reconnected when it drops. */
import type pg from 'pg';
import type { JobSignals } from '../../generation/job.js';
import { CANCEL_CHANNEL, JOBS_CHANNEL } from './job-leases.js';

export interface SignalLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

const FIRST_RETRY_MS = 250;
const LAST_RETRY_MS = 5_000;

/**
 * Listens on the queue's channels (job-leases.ts sends on them) from the first subscription on. A dropped
 * connection is opened again with a growing pause; each time it listens every jobs listener is called, since
 * whatever was notified before was missed (the service's slow poll covers the time in between).
 */
export class PostgresJobSignals implements JobSignals {
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private retryMs = FIRST_RETRY_MS;
  private droppedOnce = false;
  private closed = false;
  private readonly jobListeners = new Set<() => void>();
  private readonly cancelListeners = new Set<(id: string) => void>();

  constructor(
    /** A new, unconnected client of the queue's database. */
    private readonly newClient: () => pg.Client,
    private readonly logger?: SignalLogger,
  ) {}

  onJobsAvailable(listener: () => void): () => void {
    this.jobListeners.add(listener);
    this.listen();
    return () => this.jobListeners.delete(listener);
  }

  onCancelRequested(listener: (id: string) => void): () => void {
    this.cancelListeners.add(listener);
    this.listen();
    return () => this.cancelListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private listen(): void {
    if (this.closed || this.client || this.connecting || this.retry) return;
    this.connecting = this.connect().finally(() => (this.connecting = undefined));
  }

  private async connect(): Promise<void> {
    const client = this.newClient();
    let gone = false;
    const drop = (error?: unknown): void => {
      if (gone) return;
      gone = true;
      this.dropped(client, error);
    };
    client.on('notification', (message) => this.deliver(message));
    client.on('error', drop);
    client.on('end', () => drop());
    try {
      await client.connect();
      // Without parameters pg uses the simple protocol, which takes both statements at once.
      await client.query(`LISTEN ${JOBS_CHANNEL}; LISTEN ${CANCEL_CHANNEL}`);
    } catch (error) {
      drop(error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = FIRST_RETRY_MS;
    this.logger?.info({ reconnected: this.droppedOnce }, 'listening for queue notifications');
    // Whatever was notified before this connection listened (at start, while it was down) was missed: look once.
    for (const listener of this.jobListeners) listener();
  }

  private dropped(client: pg.Client, error: unknown): void {
    if (this.client === client) this.client = undefined;
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.droppedOnce = true;
    this.logger?.warn({ err: error, retryInMs: this.retryMs }, 'the queue notification connection dropped; reconnecting');
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.listen();
    }, this.retryMs);
    this.retry.unref();
    this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
  }

  private deliver(message: pg.Notification): void {
    if (message.channel === JOBS_CHANNEL) for (const listener of this.jobListeners) listener();
    else if (message.channel === CANCEL_CHANNEL && message.payload) for (const listener of this.cancelListeners) listener(message.payload);
  }
}
