// Error masking for Apollo's formatError: errors a client can act on pass through as they are; the database not
// answering is SERVICE_UNAVAILABLE (logged as a warning); anything else is logged with its stack and reaches the
// client only as INTERNAL_SERVER_ERROR, without internals.
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type ExecutionResult, type FormattedExecutionResult, type GraphQLFormattedError } from 'graphql';
import { CLIENT_ERROR_CODES, unavailableError } from '../graphql/errors.js';
import type { Logger } from '../logger.js';

/** Ours, plus the request errors Apollo and our HTTP glue raise before any resolver runs. */
const PASS_THROUGH_CODES: ReadonlySet<string> = new Set([...CLIENT_ERROR_CODES, 'PERSISTED_QUERY_NOT_FOUND', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE']);

export function maskInternalErrors(logger: Logger): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const code = formatted.extensions?.code;
    // GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, ...: the client's query is at fault.
    if (typeof code === 'string' && (PASS_THROUGH_CODES.has(code) || code.startsWith('GRAPHQL_'))) return formatted;
    const cause = unwrapResolverError(error);
    const unavailable = unavailableError(cause);
    if (unavailable) {
      logger.warn({ err: cause }, 'the database did not answer a GraphQL operation');
      return { ...unavailable.toJSON(), path: formatted.path };
    }
    logger.error({ err: cause }, 'internal error in a GraphQL operation');
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/**
 * The same masking for results sent over graphql-ws, where Apollo's formatError never runs. Only errors that
 * an exception inside a resolver caused are masked; graphql-js's own errors (a variable of the wrong type, ...)
 * carry no code over WebSocket and are the client's to read.
 */
export function maskWsResult(
  mask: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
): (result: ExecutionResult) => FormattedExecutionResult {
  return (result) => {
    if (!result.errors) return result as FormattedExecutionResult;
    const errors = result.errors.map((error) => {
      const internal = error.originalError !== undefined && !(error.originalError instanceof GraphQLError);
      return internal ? mask(error.toJSON(), error) : error.toJSON();
    });
    return { ...result, errors } as FormattedExecutionResult;
  };
}
