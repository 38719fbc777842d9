/** What an operation costs before it runs: the cost model (Shopify-like, sized by page sizes) and the mutations that queue work. */
import { getNamedType, getNullableType, isLeafType, isListType, type DocumentNode, type GraphQLSchema } from 'graphql';
import { getComplexity, type ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { LIMITS } from '../generation/request-limits.js';
import { MAX_BATCH, checkPageSize } from './validate-library-input.js';

/**
 * Mutations that queue a job or decode and store a picture: the expensive ones, of which one request may hold
 * only a few (ATELIER_MAX_QUEUEING_MUTATIONS).
 */
export const QUEUEING_MUTATIONS: ReadonlySet<string> = new Set(['generate', 'remix', 'uploadImage', 'importImage']);

/** What a root mutation field costs on top of what it returns (Shopify's figure). */
export const MUTATION_COST = 10;
/** Items assumed in a list that has neither a page size nor a bound below (models, samplers, introspection). */
export const DEFAULT_LIST_SIZE = 10;

/** The most fields the cost walk visits (fragments expanded each time they are spread) before it gives up. */
export const MAX_MEASURED_FIELDS = 10_000;

/** Lists without a `first` argument whose length is known: "Type.field" -> its most items. */
const LIST_SIZES: Readonly<Record<string, (args: Record<string, unknown>) => number>> = {
  'Generation.images': () => LIMITS.batchSize.max,
  // Longer lists of ids are refused by the resolver (checkBatch), so they never cost more than MAX_BATCH.
  'Mutation.tagImages': (args) => Math.min(lengthOf(args.imageIds), MAX_BATCH),
  'Mutation.untagImages': (args) => Math.min(lengthOf(args.imageIds), MAX_BATCH),
};

export interface MeasuredCost {
  /** Objects the operation may resolve: see `fieldCost`. */
  cost: number;
  /** The QUEUEING_MUTATIONS the operation selects, each time it selects one. */
  queueingMutations: string[];
}

/**
 * The cost of the operation `operationName` (or the document's only one) with these variables, walked by
 * graphql-query-complexity (fragments, @skip/@include and variables as execution sees them). A `first` outside
 * the page-size range is BAD_USER_INPUT here, before anything runs. Throws graphql-query-complexity's errors
 * (variables that do not fit, a document too large to walk) as they are.
 */
export function measureCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
): MeasuredCost {
  const mutationType = schema.getMutationType();
  const queueingMutations: string[] = [];
  const estimator = (field: ComplexityEstimatorArgs): number => {
    const isRootMutation = mutationType !== null && mutationType !== undefined && field.type === mutationType;
    if (isRootMutation && QUEUEING_MUTATIONS.has(field.field.name)) queueingMutations.push(field.field.name);
    return fieldCost(field) + (isRootMutation ? MUTATION_COST : 0);
  };
  const cost = getComplexity({ schema, query: document, operationName, variables: variables ?? {}, estimators: [estimator], maxQueryNodes: MAX_MEASURED_FIELDS });
  return { cost, queueingMutations };
}

/**
 * One field's cost with its selection: scalars and enums cost nothing, an object 1 plus its selection, and a
 * list (or connection) as many times that as it can hold: its `first`, a bound from LIST_SIZES, or
 * DEFAULT_LIST_SIZE. So nested lists multiply. A connection's `edges` are already counted by its `first`.
 */
function fieldCost({ type, field, args, childComplexity }: ComplexityEstimatorArgs): number {
  if (isLeafType(getNamedType(field.type))) return 0;
  const perItem = 1 + childComplexity;
  if (typeof args.first === 'number') {
    checkPageSize(args.first);
    return perItem * args.first;
  }
  if (!isListType(getNullableType(field.type))) return perItem;
  if (field.name === 'edges' && type.name.endsWith('Connection')) return perItem;
  const size = LIST_SIZES[`${type.name}.${field.name}`];
  return perItem * (size ? size(args) : DEFAULT_LIST_SIZE);
}

function lengthOf(value: unknown): number {
  return Array.isArray(value) ? value.length : 1;
}
