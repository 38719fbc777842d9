// The operations the hostile-input table aims its bad values at: those that take client text or ids, and the
// connections whose `after` takes a cursor.

/** `generate` answering only the new job's id. */
export const GENERATE = 'mutation($i: GenerateInput!) { generate(input: $i) { id } }';
export const UPSCALE = 'mutation($id: ID!, $u: String!, $s: Float) { upscaleImage(imageId: $id, upscaler: $u, scale: $s) { id } }';

export interface TextOperation {
  query: string;
  variables: (value: string) => Record<string, unknown>;
}

/** `generate` with the client's text in one field of its input (beside a prompt, and `also`). */
function generateWith(field: string, also: Record<string, unknown> = {}): TextOperation {
  return { query: GENERATE, variables: (v) => ({ i: { prompt: 'a cat', ...also, [field]: v } }) };
}

/** An operation with the client's text in its one variable: the text itself, or a list of it for a list variable. */
function taking(query: string): TextOperation {
  const [, name, list] = /\$(\w+): (\[?)/.exec(query)!;
  return { query, variables: (v) => ({ [name!]: list ? [v] : v }) };
}

/** Every operation that takes client text or ids, with the variables it names. */
export const TEXT_OPERATIONS: TextOperation[] = [
  generateWith('prompt', { width: 64, height: 64 }),
  generateWith('negativePrompt'),
  generateWith('model'),
  generateWith('sampler'),
  generateWith('initImageId'),
  generateWith('maskImageId', { initImageId: 'x' }),
  taking('query($id: ID!) { generation(id: $id) { id } }'),
  taking('mutation($id: ID!) { cancelGeneration(id: $id) { id } }'),
  taking('mutation($id: ID!) { deleteGeneration(id: $id) { id } }'),
  taking('mutation($id: ID!) { remix(imageId: $id) { id } }'),
  taking('mutation($id: ID!) { remix(imageId: $id, overrides: { prompt: "x" }) { id } }'),
  taking('query($q: String) { searchPrompts(input: { query: $q }) { totalCount } }'),
  taking('query($q: String) { searchImages(input: { query: $q, mode: FUZZY }) { totalCount } }'),
  taking('query($q: String) { searchImages(input: { model: $q, sampler: $q }) { totalCount } }'),
  taking('query($q: String) { searchPrompts(input: { lora: $q }) { totalCount } }'),
  taking('mutation($q: String!) { generate(input: { prompt: "x", loras: [{ name: $q, weight: 0.5 }] }) { id } }'),
  taking('query($q: ID) { searchImages(input: { collectionId: $q }) { totalCount } }'),
  taking('query($q: [String!]) { searchImages(input: { tags: $q }) { totalCount } }'),
  taking('query($q: String!) { promptSuggestions(prefix: $q) { id } }'),
  taking('query($q: String!) { tags(prefix: $q) { name } }'),
  taking('query($id: ID!) { similarPrompts(promptId: $id) { totalCount } }'),
  taking('query($id: ID!) { similarImages(imageId: $id) { totalCount } }'),
  taking('mutation($ids: [ID!]!) { tagImages(imageIds: $ids, tags: ["t"]) { id } }'),
  taking('mutation($t: [String!]!) { tagImages(imageIds: ["x"], tags: $t) { id } }'),
  taking('mutation($id: ID!) { setFavorite(imageId: $id, favorite: true) { id } }'),
  taking('mutation($n: String!) { createCollection(input: { name: $n }) { id } }'),
  taking('mutation($d: String) { createCollection(input: { name: "c", description: $d }) { id } }'),
  taking('mutation($id: ID!) { updateCollection(id: $id, changes: { name: "n" }) { id } }'),
  taking('mutation($id: ID!) { deleteCollection(id: $id) }'),
  taking('mutation($id: ID!) { addToCollection(collectionId: $id, imageIds: ["x"]) { id } }'),
  taking('query($id: ID!) { collection(id: $id) { id } }'),
  taking('mutation($d: String!) { uploadImage(dataUrl: $d) { id } }'),
  taking('mutation($d: String!) { importImage(dataUrl: $d) { prompt } }'),
];

/** Connections whose `after` takes a cursor. */
export const CURSOR_OPERATIONS = [
  'query($c: String) { generations(first: 5, after: $c) { totalCount } }',
  'query($c: String) { searchPrompts(after: $c) { totalCount } }',
  'query($c: String) { searchImages(after: $c) { totalCount } }',
  'query($c: String) { collections(after: $c) { totalCount } }',
];
