// Hostile GraphQL documents as an attacker writes them: each generator returns the query text, sized by its
// arguments, for the query-limit tests and the hostile-input fuzz test alike.

/**
 * The attack: `generation { images { generation { images ... } } }` nested `levels` fields deep under
 * one page of generations. With 18 levels it is about 633 bytes, like the query that took 60 s and 3.9 GB.
 */
export function depthBomb(levels: number): string {
  let opened = '';
  let closed = '';
  for (let level = 0; level < levels; level++) {
    opened += level % 2 === 0 ? 'images { id url seed width ' : 'generation { id prompt status ';
    closed += '} ';
  }
  return `query DepthBomb { generations(first: 100) { edges { node { id prompt ${opened}${closed}} } } }`;
}

/** `count` aliases of one cheap field (`field`, a selection on Query), e.g. `a0: models { name } a1: ...`. */
export function aliasBomb(count: number, field = 'models { name }'): string {
  return `query AliasBomb { ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
}

/**
 * The largest page at every one of `levels` nested lists: prompts, their images, each image's prompt's images...
 * Shallow enough for the depth limit, and first × first × ... objects.
 */
export function costBomb(levels: number, first = 100): string {
  let inner = 'id';
  for (let level = 1; level < levels; level++) inner = `images(first: ${first}) { id prompt { id ${inner} } }`;
  return `query CostBomb { searchPrompts(first: ${first}) { edges { node { id ${inner} } } } }`;
}

/** One request queueing `count` jobs: `g0: generate(input: {...}) { id } g1: ...`. */
export function generateAliases(count: number, prompt = 'a red fox'): string {
  return `mutation GenerateBomb { ${Array.from({ length: count }, (_, i) => `g${i}: generate(input: { prompt: ${JSON.stringify(prompt)}, width: 64, height: 64 }) { id }`).join(' ')} }`;
}

/** One field selected `count` times, each with a directive: `samplers { name @skip(if: false) name @skip(if: false) ... }`. */
export function directiveBomb(count: number): string {
  return `query DirectiveBomb { samplers { ${Array.from({ length: count }, () => 'name @skip(if: false)').join(' ')} } }`;
}

/**
 * `levels` fragments, each spreading the next twice: a short text that expands into 2^levels selections for
 * anything that walks it naively (graphql-js's execution merges the spreads; a cost walk must not hang on it).
 */
export function fragmentBomb(levels: number): string {
  const fragments = Array.from({ length: levels }, (_, i) =>
    i === levels - 1 ? `fragment F${i} on Query { samplers { name } }` : `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`,
  );
  return `query FragmentBomb { ...F0 } ${fragments.join(' ')}`;
}
