/** The operations GraphiQL opens with, one tab each: what a frontend asks first (checked against the schema by test/http/graphiql.test.ts). */
import generate from './examples/generate.graphql?raw';
import models from './examples/models.graphql?raw';
import search from './examples/search.graphql?raw';
import watch from './examples/watch.graphql?raw';

const json = (value: unknown) => JSON.stringify(value, null, 2);

export const EXAMPLE_TABS: Array<{ query: string; variables?: string }> = [
  { query: models },
  { query: generate, variables: json({ input: { prompt: 'a red circle on a blue background', steps: 8 } }) },
  { query: watch, variables: json({ id: 'the id generate returned' }) },
  { query: search, variables: json({ text: 'circle' }) },
];
