/** The structured logger (pino) every layer logs through. */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs, one JSON line per event, each naming the node (ATELIER_NODE_ID) that wrote it. Child
 * loggers carry context such as the job id. Lines go to stdout unless `destination` says otherwise (tests).
 */
export function createLogger(level: string, node?: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'atelier', ...(node !== undefined ? { node } : {}) } };
  return destination ? pino(options, destination) : pino(options);
}
