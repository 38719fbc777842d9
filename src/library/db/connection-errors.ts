/**
 * Which errors mean the database did not answer (a dropped connection, a restart, a failover), as opposed to
 * refusing a statement: the one place that knows how Prisma, its pg adapter, pg and Node spell either.
 */

/** Prisma's codes for a database it cannot reach, that timed out, closed the connection, or whose pool had no connection free. */
const PRISMA_CODES: ReadonlySet<string> = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** The pg adapter's kinds of the same. */
const ADAPTER_KINDS: ReadonlySet<string> = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/**
 * SQLSTATEs: class 08 (connection exception), 57P01-57P03 (the server is shutting down, crashed, or not yet
 * accepting connections; pg_terminate_backend is 57P01), 53300 (too many connections).
 */
const SQL_STATES = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

/** Node's socket errors, told from file-system errors of the same code by the call that failed. */
const SOCKET_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const SOCKET_CALLS: ReadonlySet<string> = new Set(['connect', 'read', 'write', 'getaddrinfo']);

/** What pg throws, without a code, for a query on a connection that has died or a pool that could not connect in time. */
const PG_MESSAGES = /^(Connection terminated|Client has encountered a connection error and is not queryable|timeout exceeded when trying to connect)/;

interface ErrorFields {
  name?: unknown;
  code?: unknown;
  errorCode?: unknown;
  syscall?: unknown;
  kind?: unknown;
  originalCode?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: unknown };
  cause?: unknown;
}

/**
 * True when `error`, thrown by a Prisma call (or by pg underneath), says only that the database did not answer.
 * Such a write may or may not have happened and may be tried again; any other error is a real refusal.
 */
export function isDatabaseUnreachable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const fields = error as ErrorFields;
  const code = typeof fields.code === 'string' ? fields.code : typeof fields.errorCode === 'string' ? fields.errorCode : undefined;
  if (code !== undefined && PRISMA_CODES.has(code)) return true;
  if (code !== undefined && SOCKET_CODES.has(code) && typeof fields.syscall === 'string' && SOCKET_CALLS.has(fields.syscall)) return true;
  // pg's DatabaseError and the adapter's error kinds carry the SQLSTATE as `code` or `originalCode`.
  for (const state of [fields.code, fields.originalCode]) if (typeof state === 'string' && SQL_STATES.test(state)) return true;
  if (typeof fields.kind === 'string' && ADAPTER_KINDS.has(fields.kind)) return true;
  if (typeof fields.message === 'string' && PG_MESSAGES.test(fields.message)) return true;
  // Prisma keeps the adapter's error in meta; the adapter's DriverAdapterError keeps its kind in cause.
  if (isDatabaseUnreachable(fields.meta?.driverAdapterError, depth + 1)) return true;
  return fields.name === 'DriverAdapterError' && isDatabaseUnreachable(fields.cause, depth + 1);
}

/**
 * The opposite case, proven: the database answered the statement with an error of the query's own (Prisma's
 * P2xxx: a constraint, a type, a value out of range), so nothing it would have written is written and running
 * it again, or its parts alone, cannot write anything twice.
 */
export function refusedByDatabase(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as ErrorFields).code : undefined;
  return typeof code === 'string' && code.startsWith('P2') && !isDatabaseUnreachable(error);
}
