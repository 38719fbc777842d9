/** The Redis connections of one process (commands, and one in subscriber mode), checked at start-up. */
import { Redis } from 'ioredis';
import { ConfigError } from '../config.js';
import type { Logger } from '../logger.js';

/** What a cluster node holds of Redis: one connection for commands, one for SUBSCRIBE (a subscribed connection takes no other commands). */
export interface RedisConnections {
  commands: Redis;
  subscriber: Redis;
  /** Resolves when Redis answers PING within `timeoutMs` (for a readiness check); rejects otherwise. */
  ping(timeoutMs?: number): Promise<void>;
  /** Quits both connections (replies still owed are waited for). */
  close(): Promise<void>;
}

/** A ConfigError, so the command line prints it as one line naming the setting, without a stack. */
export class RedisUnreachableError extends ConfigError {
  constructor(url: string, cause: unknown) {
    super('ATELIER_REDIS_URL', `${redactedUrl(url)} cannot be reached (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = 'RedisUnreachableError';
  }
}

/**
 * Connects both connections, or throws RedisUnreachableError: a node that cannot reach its Redis refuses to
 * start (its subscribers would wait for events other nodes publish, and its rate limit would be its own), and
 * whatever restarts it (systemd, an orchestrator) retries. Once started, a lost connection is reconnected for
 * ever; commands issued meanwhile wait in ioredis's offline queue (in order) and fail after
 * `maxRetriesPerRequest` reconnection attempts, a few seconds: the users of the connections decide what then.
 */
export async function connectRedis(url: string, logger: Logger): Promise<RedisConnections> {
  const options = {
    lazyConnect: true,
    maxRetriesPerRequest: 20,
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 2000),
  };
  const commands = new Redis(url, { ...options, connectionName: 'atelier' });
  const subscriber = new Redis(url, { ...options, connectionName: 'atelier-events' });
  let lastError: unknown;
  for (const [name, connection] of [['commands', commands], ['subscriber', subscriber]] as const) {
    let failing = false;
    connection.on('error', (error: unknown) => {
      lastError = error;
      if (failing) return; // one line per outage, not one per reconnection attempt
      failing = true;
      logger.warn({ err: error, connection: name }, 'Redis connection lost; reconnecting');
    });
    connection.on('ready', () => {
      if (failing) logger.info({ connection: name }, 'Redis connection back');
      failing = false;
    });
  }
  try {
    await Promise.all([commands.connect(), subscriber.connect()]);
  } catch (error) {
    commands.disconnect();
    subscriber.disconnect();
    throw new RedisUnreachableError(url, lastError ?? error);
  }
  logger.info({ redis: redactedUrl(url) }, 'Redis ready');
  return {
    commands,
    subscriber,
    ping: (timeoutMs = 1000) => withTimeout(commands.ping().then(() => undefined), timeoutMs, 'Redis did not answer PING'),
    close: async () => {
      await Promise.allSettled([commands.quit(), subscriber.quit()]);
    },
  };
}

/** `promise`, or a rejection with `message` after `ms` (the promise itself carries on; its outcome is ignored). */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  promise.catch(() => undefined); // a late rejection after the timeout must not be unhandled
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The URL without its password, for messages and logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://(unparsable)';
  }
}
