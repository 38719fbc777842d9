// The query limits on both transports: an Apollo plugin for HTTP (refusals, extensions.cost) and graphql-ws's
// onSubscribe, which parses, validates and checks an operation the same way before it runs.
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, parse, validate, type DocumentNode, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import type { QueryLimits } from '../config.js';
import { checkOperation, checkQueryTokens } from '../graphql/query-limits.js';

/**
 * Checks every HTTP operation once Apollo has parsed and validated it, before it runs, and reports its cost in
 * the response's `extensions.cost` (the query text's length is checked earlier: see `queryTextRefusal`).
 */
export function queryLimitsPlugin<TContext extends BaseContext>(limits: QueryLimits): ApolloServerPlugin<TContext> {
  return {
    requestDidStart: async () => {
      let cost: number | undefined;
      return {
        didResolveOperation: async ({ schema, document, request }) => {
          try {
            cost = checkOperation(schema, document, request.operationName, request.variables, limits).cost;
          } catch (error) {
            throw asRequestError(error);
          }
        },
        willSendResponse: async ({ response }) => {
          if (cost === undefined || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, cost: { requestedQueryCost: cost, maximumAvailable: limits.maxCost } };
        },
      };
    },
  };
}

/**
 * QUERY_TOO_COMPLEX for a GraphQL-over-HTTP body (or GET search) whose query text has too many tokens, checked
 * before Apollo parses it; undefined when the query is short enough or absent (Apollo then says what is wrong).
 */
export function queryTextRefusal(body: unknown, url: URL, limits: QueryLimits): GraphQLError | undefined {
  const query = isRecord(body) ? body.query : url.searchParams.get('query');
  return typeof query === 'string' ? checkQueryTokens(query, limits) : undefined;
}

/**
 * graphql-ws's onSubscribe: parses and validates the operation as the server would, then applies the limits;
 * a refusal (or a syntax or validation error) is sent as the subscription's error and nothing runs. `valid`
 * is told the document once it is valid, before the limits are applied (where Apollo resolves the operation).
 */
export function limitedOnSubscribe(
  schema: GraphQLSchema,
  limits: QueryLimits,
): (ctx: unknown, id: string, payload: SubscribePayload, valid?: (document: DocumentNode) => void) => ExecutionArgs | readonly GraphQLError[] {
  return (_ctx, _id, payload, valid) => {
    const tooLong = checkQueryTokens(payload.query, limits);
    if (tooLong) return [tooLong];
    let document;
    try {
      document = parse(payload.query);
    } catch (error) {
      // Coded as Apollo codes them over HTTP (graphql-ws would otherwise close the socket with 4500).
      return [withCode(error instanceof GraphQLError ? error : new GraphQLError(String(error)), 'GRAPHQL_PARSE_FAILED')];
    }
    const invalid = validate(schema, document);
    if (invalid.length > 0) return invalid.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
    valid?.(document);
    const variableValues = payload.variables ?? undefined;
    try {
      checkOperation(schema, document, payload.operationName, variableValues, limits);
    } catch (error) {
      return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
    }
    return { schema, document, operationName: payload.operationName, variableValues };
  };
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
}

/** Apollo answers an error thrown before execution with HTTP 500 unless the error names a status. */
function asRequestError(error: unknown): unknown {
  if (!(error instanceof GraphQLError)) return error;
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 400 } } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
