/**
 * GraphQL errors a client can act on: the one list of their codes, the constructors resolvers throw, generation/'s
 * errors mapped onto them, and the database not answering.
 */
import { GraphQLError } from 'graphql';
import { isDatabaseUnreachable } from '../library/index.js';
import { GenerationRequestError, JobRateLimitedError, PictureNotFoundError, QueueFullError, RemixSourceNotFoundError, type AllowedValues } from '../generation/request-errors.js';

/**
 * Error codes a client can act on (extensions.code), as listed in DESIGN.md, plus SERVICE_UNAVAILABLE (the
 * database did not answer: ask again); the HTTP layer masks every other code.
 */
export const CLIENT_ERROR_CODES = ['BAD_USER_INPUT', 'NOT_FOUND', 'MODEL_NOT_FOUND', 'QUEUE_FULL', 'UNAUTHENTICATED', 'FORBIDDEN', 'QUERY_TOO_COMPLEX', 'RATE_LIMITED', 'SERVICE_UNAVAILABLE'] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

export function clientError(code: ClientErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/** A bad input field: names the field and, where there is one, the allowed range or values. */
export function badInput(field: string, message: string, allowed: AllowedValues = {}): GraphQLError {
  return clientError('BAD_USER_INPUT', message, { field, ...allowed });
}

export function notFound(what: string, id: string): GraphQLError {
  return clientError('NOT_FOUND', `${what} "${id}" does not exist`, { id });
}

/**
 * SERVICE_UNAVAILABLE (`retryable: true`) when `error` says the database did not answer (a dropped connection, a
 * restart): nothing the client did, and the same operation may succeed when sent again. A mutation so answered
 * may or may not have taken effect. Undefined for any other error.
 */
export function unavailableError(error: unknown): GraphQLError | undefined {
  if (!isDatabaseUnreachable(error)) return undefined;
  return clientError('SERVICE_UNAVAILABLE', 'the database did not answer; try again', { retryable: true });
}

/** generation/'s request errors as the client errors they stand for; any other error is returned as it is. */
export function toClientError(error: unknown): unknown {
  if (error instanceof GenerationRequestError) return badInput(error.field, error.message, error.allowed);
  if (error instanceof QueueFullError) {
    return clientError('QUEUE_FULL', error.message, error.scope === 'server' ? { max: error.max } : { max: error.max, reason: 'ACCOUNT_QUEUE_FULL', setting: 'ATELIER_MAX_QUEUE_PER_ACCOUNT' });
  }
  if (error instanceof JobRateLimitedError) {
    return clientError('RATE_LIMITED', error.message, { retryAfter: error.retryAfter, limit: error.limit, reason: 'JOBS_PER_MINUTE', setting: 'ATELIER_MAX_JOBS_PER_MINUTE' });
  }
  if (error instanceof PictureNotFoundError) return clientError('NOT_FOUND', error.message, { id: error.imageId, field: 'imageId' });
  if (error instanceof RemixSourceNotFoundError) {
    return clientError('NOT_FOUND', error.message, { id: error.imageId, field: 'imageId', ...(error.isUpload ? { reason: 'NOT_GENERATED' } : {}) });
  }
  return error;
}
