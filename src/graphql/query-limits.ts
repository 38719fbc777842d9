/** Refuses an operation too long, too deep, too wide, too costly or queueing too much, before any of it runs. */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, Lexer, Source, TokenKind, getOperationAST, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { QueryLimits } from '../config.js';
import { clientError } from './errors.js';
import { MAX_MEASURED_FIELDS, QUEUEING_MUTATIONS, measureCost } from './query-cost.js';

/** What an accepted operation was measured at. */
export interface OperationCost {
  cost: number;
}

/** How each refusal reads: the measure, what was found and what is allowed. */
const REFUSALS = {
  tokens: { setting: 'ATELIER_MAX_QUERY_TOKENS', says: (_found: number, limit: number) => `the query text has more than ${limit} tokens; at most ${limit} are allowed` },
  depth: { setting: 'ATELIER_MAX_QUERY_DEPTH', says: (found: number, limit: number) => `the operation nests fields ${found} deep; at most ${limit} levels are allowed` },
  aliases: { setting: 'ATELIER_MAX_ALIASES', says: (found: number, limit: number) => `the operation has ${found} aliases; at most ${limit} are allowed` },
  directives: { setting: 'ATELIER_MAX_QUERY_DIRECTIVES', says: (found: number, limit: number) => `the operation has ${found} directives; at most ${limit} are allowed` },
  queueingMutations: {
    setting: 'ATELIER_MAX_QUEUEING_MUTATIONS',
    says: (found: number, limit: number) => `the request holds ${found} mutations that queue work or store a picture (${[...QUEUEING_MUTATIONS].join(', ')}); at most ${limit} are allowed in one request, and none of them ran`,
  },
  cost: { setting: 'ATELIER_MAX_QUERY_COST', says: (found: number, limit: number) => `the operation would cost ${found}; at most ${limit} is allowed (lower \`first\` or nest fewer lists)` },
  fields: { setting: 'ATELIER_MAX_QUERY_COST', says: (found: number) => `the operation expands into ${found} or more fields through its fragments` },
} as const;

/** QUERY_TOO_COMPLEX with the limit, what the operation measured and the setting, e.g. `{ limit: 12, depth: 19 }`. */
function tooComplex(measure: keyof typeof REFUSALS, limit: number, found: number): GraphQLError {
  const { setting, says } = REFUSALS[measure];
  return clientError('QUERY_TOO_COMPLEX', `${says(found, limit)} (${setting})`, { limit, [measure]: found, setting });
}

/**
 * Counts the query text's tokens with graphql-js's lexer, before it is parsed, and stops one past the limit: a
 * document over it is refused without reading the rest (lexing a 16 MB body whole takes a second; parsing and
 * validating it, far longer). A text the lexer cannot read is left to the parser, which says where it is wrong.
 */
export function checkQueryTokens(query: string, limits: QueryLimits): GraphQLError | undefined {
  const lexer = new Lexer(new Source(query));
  let tokens = 0;
  try {
    while (tokens <= limits.maxTokens && lexer.advance().kind !== TokenKind.EOF) tokens++;
  } catch {
    // a syntax error: the count so far still says whether the text is too long
  }
  return tokens > limits.maxTokens ? tooComplex('tokens', limits.maxTokens, tokens) : undefined;
}

/**
 * Checks a parsed, valid document against every limit and gives its cost; throws the GraphQLError a client
 * gets: QUERY_TOO_COMPLEX, or BAD_USER_INPUT for a page size out of range or variables that do not fit.
 * Depth counts fields (fragments are flattened; introspection's `__schema` is left to the cost, which sizes
 * its lists), aliases leave out `__typename`.
 */
export function checkOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits: QueryLimits,
): OperationCost {
  // Without the operation asked for nothing runs, and execution says which one is missing.
  const operation = getOperationAST(document, operationName);
  if (!operation) return { cost: 0 };
  const shape = measureShape(schema, document);
  if (shape.depth > limits.maxDepth) throw tooComplex('depth', limits.maxDepth, shape.depth);
  if (shape.aliases > limits.maxAliases) throw tooComplex('aliases', limits.maxAliases, shape.aliases);
  if (shape.directives > limits.maxDirectives) throw tooComplex('directives', limits.maxDirectives, shape.directives);

  let measured;
  try {
    measured = measureCost(schema, document, operation.name?.value, variables ?? undefined);
  } catch (error) {
    throw asClientError(error);
  }
  const queueing = measured.queueingMutations.length;
  if (queueing > limits.maxQueueingMutations) throw tooComplex('queueingMutations', limits.maxQueueingMutations, queueing);
  if (measured.cost > limits.maxCost) throw tooComplex('cost', limits.maxCost, measured.cost);
  return { cost: measured.cost };
}

type Shape = { depth: number; aliases: number; directives: number };

/**
 * Shapes measured, by document: Apollo hands the same DocumentNode for the same query text (its document cache),
 * so an operation a client sends again and again is measured once. The shape depends on the text alone.
 */
const measuredShapes = new WeakMap<DocumentNode, Shape>();

/** Depth, aliases and directives of the document's deepest, widest operation, counted by graphql-armor's rules. */
function measureShape(schema: GraphQLSchema, document: DocumentNode): Shape {
  const known = measuredShapes.get(document);
  if (known) return known;
  const shape = { depth: 0, aliases: 0, directives: 0 };
  // The rules run with no limit of their own: each reports what it counted, and the limits are compared above,
  // so that the error can say by how much.
  const counted = (measure: keyof typeof shape) => ({
    n: Number.MAX_SAFE_INTEGER,
    propagateOnRejection: false,
    onAccept: [(_context: unknown, details: { n: number }) => void (shape[measure] = Math.max(shape[measure], details.n))],
  });
  // graphql-armor hands out its rules through ApolloArmor; they are plain graphql-js validation rules.
  const { validationRules } = new ApolloArmor({
    // Introspection's `__schema` is 15 fields deep (GraphiQL's query); its lists are sized by the cost instead.
    maxDepth: { ...counted('depth'), flattenFragments: true, ignoreIntrospection: true },
    maxAliases: counted('aliases'),
    maxDirectives: counted('directives'),
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect();
  validate(schema, document, validationRules);
  measuredShapes.set(document, shape);
  return shape;
}

/** graphql-query-complexity's own errors as client errors; ours (a page size out of range) pass as they are. */
function asClientError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError && typeof error.extensions.code === 'string') return error;
  const message = error instanceof Error ? error.message : String(error);
  // Fragments spread within fragments can make a short document expand into more fields than it is long;
  // graphql-query-complexity then stops at MAX_MEASURED_FIELDS with this message.
  if (message.includes('maximum allowed number of nodes')) return tooComplex('fields', MAX_MEASURED_FIELDS, MAX_MEASURED_FIELDS);
  // Variables that do not fit their types: execution would refuse them the same way.
  return clientError('BAD_USER_INPUT', message);
}
