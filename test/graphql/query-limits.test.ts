// The query limits and the cost model on the real schema: every operation the tests and the README use passes the
// defaults, each bomb is refused by the limit it targets, and the cost is sized by page sizes.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { describe, test } from 'node:test';
import { GraphQLError, getIntrospectionQuery, parse, print, type DocumentNode, type GraphQLSchema, type TypeNode } from 'graphql';
import { loadConfig, type QueryLimits } from '../../src/config.js';
import { checkOperation } from '../../src/graphql/query-limits.js';
import { buildAppSchema } from '../../src/graphql/schema.js';
import * as operations from '../generated/operations.js';
import { aliasBomb, costBomb, depthBomb, fragmentBomb, generateAliases } from '../support/query-bombs.js';

const root = new URL('../../../', import.meta.url);
const DEFAULTS = loadConfig({}).queryLimits;
/** No limit at all, to measure one thing at a time. */
const UNLIMITED: QueryLimits = { maxTokens: 1e9, maxDepth: 1e9, maxAliases: 1e9, maxDirectives: 1e9, maxCost: 1e12, maxQueueingMutations: 1e9 };

/** Values for an operation's required variables, so that it can be measured as a client would send it. */
function requiredVariables(document: DocumentNode): Record<string, unknown> {
  const samples: Record<string, unknown> = {
    'ID!': 'some-id', 'String!': 'a fox', 'Boolean!': true, 'Int!': 20, '[ID!]!': ['a', 'b'], '[String!]!': ['fox'],
    'GenerateInput!': { prompt: 'a fox' }, 'CollectionInput!': { name: 'foxes' }, 'CollectionChanges!': {},
    'Visibility!': 'PUBLIC', 'Role!': 'USER',
  };
  const variables: Record<string, unknown> = {};
  for (const definition of document.definitions) {
    if (definition.kind !== 'OperationDefinition') continue;
    for (const { variable, type } of definition.variableDefinitions ?? []) {
      if (type.kind !== 'NonNullType') continue;
      const printed = print(type as TypeNode);
      assert.ok(printed in samples, `no sample value for ${printed}`);
      variables[variable.name.value] = samples[printed];
    }
  }
  return variables;
}

function refusal(schema: GraphQLSchema, query: string, limits: QueryLimits = DEFAULTS): Record<string, unknown> {
  try {
    checkOperation(schema, parse(query), undefined, {}, limits);
  } catch (error) {
    assert.ok(error instanceof GraphQLError);
    return error.extensions;
  }
  assert.fail('the operation was accepted');
}

describe('query limits on the schema', async () => {
  const schema = await buildAppSchema();
  const cost = (query: string | DocumentNode, variables: Record<string, unknown> = {}) =>
    checkOperation(schema, typeof query === 'string' ? parse(query) : query, undefined, variables, UNLIMITED).cost;

  test('every test operation passes the default limits with its default page sizes', () => {
    const documents = Object.entries(operations).filter(([name]) => name.endsWith('Document'));
    assert.ok(documents.length > 20);
    for (const [name, document] of documents) {
      const doc = document as DocumentNode;
      assert.doesNotThrow(() => checkOperation(schema, doc, undefined, requiredVariables(doc), DEFAULTS), name);
    }
  });

  test("the README's GraphQL examples pass the default limits", async () => {
    const readme = await fs.readFile(new URL('README.md', root), 'utf8');
    const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);
    assert.ok(examples.length >= 2);
    for (const example of examples) assert.doesNotThrow(() => checkOperation(schema, parse(example), undefined, {}, DEFAULTS), example);
  });

  test('the standard introspection query (GraphiQL, Apollo Sandbox) passes the default limits', () => {
    const introspection = parse(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true }));
    assert.ok(checkOperation(schema, introspection, undefined, {}, DEFAULTS).cost <= DEFAULTS.maxCost);
  });

  test("the issue's 18-level query is refused by its depth, and by its cost where depth is not limited", () => {
    assert.equal(refusal(schema, depthBomb(18)).depth, 22); // generations > edges > node > 18 levels > a scalar
    const byCost = refusal(schema, depthBomb(18), { ...DEFAULTS, maxDepth: 1000 });
    assert.ok((byCost.cost as number) > 8 ** 9, JSON.stringify(byCost)); // eight images a generation, nine times over
  });

  test('each bomb is refused by the limit it targets', () => {
    assert.equal(refusal(schema, aliasBomb(DEFAULTS.maxAliases + 1)).aliases, DEFAULTS.maxAliases + 1);
    assert.equal(refusal(schema, generateAliases(DEFAULTS.maxQueueingMutations + 1)).queueingMutations, DEFAULTS.maxQueueingMutations + 1);
    assert.equal(refusal(schema, costBomb(3)).limit, DEFAULTS.maxCost);
    assert.equal(refusal(schema, fragmentBomb(20)).code, 'QUERY_TOO_COMPLEX');
  });

  test('queueing mutations are counted through fragments, and only where they run', () => {
    const viaFragment = 'mutation { ...Two g: generate(input: { prompt: "x" }) { id } } fragment Two on Mutation { a: generate(input: { prompt: "x" }) { id } b: remix(imageId: "i") { id } }';
    assert.equal(refusal(schema, viaFragment, { ...DEFAULTS, maxQueueingMutations: 2 }).queueingMutations, 3);
    const skipped = 'mutation { a: generate(input: { prompt: "x" }) @skip(if: true) { id } b: generate(input: { prompt: "x" }) { id } }';
    assert.doesNotThrow(() => checkOperation(schema, parse(skipped), undefined, {}, { ...DEFAULTS, maxQueueingMutations: 1 }));
  });

  test('the cost: objects count 1, scalars 0, and each list its page size (or its bound), nested lists multiplying', () => {
    assert.equal(cost('{ generation(id: "x") { id prompt } }'), 1);
    assert.equal(cost('{ generation(id: "x") { images { id } } }'), 1 + 8, 'a generation holds at most 8 images');
    assert.equal(cost('query($n: Int!) { promptSuggestions(prefix: "a", first: $n) { id } }', { n: 7 }), 7, 'variables size pages');
    assert.equal(cost('{ searchPrompts(first: 3) { edges { node { images(first: 5) { id } } } } }'), 3 * (1 + (1 + (1 + 5))));
    assert.equal(cost('mutation { deleteCollection(id: "x") }'), 10, 'a mutation costs 10 besides what it returns');
  });

  test('a page size out of range is BAD_USER_INPUT with the field and range, however deep it is', () => {
    for (const first of [0, 101, 100_000]) {
      const error = refusal(schema, `{ collections { edges { node { images(first: ${first}) { totalCount } } } } }`);
      assert.deepEqual([error.code, error.field, error.min, error.max], ['BAD_USER_INPUT', 'first', 1, 100]);
    }
  });

  test('an operation name the document does not hold is left to execution, which refuses it', () => {
    assert.deepEqual(checkOperation(schema, parse('{ samplers { name } }'), 'Missing', {}, DEFAULTS), { cost: 0 });
  });

  test('variables that do not fit their types are BAD_USER_INPUT, not an internal error', () => {
    const error = refusal(schema, 'query($n: Int!) { generations(first: $n) { totalCount } }');
    assert.equal(error.code, 'BAD_USER_INPUT');
  });
});
