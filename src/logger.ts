/** The structured logger (pino) every layer logs through. */
import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs, one JSON line per event, each naming the node (ATELIER_NODE_ID) that wrote it. Child
 * loggers carry context such as the job id.
 */
export function createLogger(level: string, node?: string): Logger {
  return pino({ level, base: { service: 'atelier', ...(node !== undefined ? { node } : {}) } });
}
