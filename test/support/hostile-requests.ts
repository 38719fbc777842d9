// The hostile-input test's table: one generator per category of bad request, each making its share of the
// requests from a seeded random source. A new category is one more entry in HOSTILE_CATEGORIES.
import zlib from 'node:zlib';
import { int, percentEncoded, pick, randomText, times, type Random } from './seeded-random.js';
import { aliasBomb, costBomb, depthBomb, directiveBomb, fragmentBomb, generateAliases } from './query-bombs.js';
import { CURSOR_OPERATIONS, GENERATE, TEXT_OPERATIONS, UPSCALE } from './hostile-operations.js';

/** One request over HTTP to the server's base URL, or one operation over graphql-ws. */
export type HostileRequest =
  | { transport: 'http'; method: string; path: string; headers?: Record<string, string>; body?: string | Buffer }
  | { transport: 'ws'; query: string; variables?: Record<string, unknown> };

export interface Fixtures {
  /** A real PNG carrying these tEXt/iTXt chunks (the test's own writer). */
  png(chunks: Array<{ keyword: string; text: string; kind?: 'tEXt' | 'iTXt' }>): Promise<Buffer>;
}

export interface HostileCategory {
  name: string;
  /** The code every answer of this category must carry (when a category is refused by one rule alone). */
  refusedWith?: string;
  make(random: Random, fixtures: Fixtures): Promise<HostileRequest[]> | HostileRequest[];
}

function post(body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }): HostileRequest {
  return { transport: 'http', method: 'POST', path: '/graphql', headers, body };
}

function operation(query: string, variables?: Record<string, unknown>): HostileRequest {
  return post(JSON.stringify({ query, variables }));
}

const cursorOf = (parts: unknown): string => Buffer.from(JSON.stringify(parts)).toString('base64url');

export const HOSTILE_CATEGORIES: HostileCategory[] = [
  {
    name: 'malformed JSON',
    make: (random) => {
      const valid = JSON.stringify({ query: '{ samplers { name } }' });
      const fixed = ['{', '[]', 'null', '"text"', '42', '{"query": 5}', '{"query": null}', '{"query": "{ samplers { name } }", "variables": "x"}', '{"query": ["a"]}', '{"extensions": 1}', '[['.repeat(5000)];
      return [
        ...fixed.map((body) => post(body)),
        ...times(89, () => post(pick(random, [() => valid.slice(0, int(random, 0, valid.length - 1)), () => randomText(random, int(random, 1, 200))])())),
      ];
    },
  },
  {
    name: 'content types',
    make: (random) => {
      const types = ['text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/graphql', 'application/xml', 'application/json; charset=latin1', 'garbage/\u00e9', '', '*/*', 'application/graphql-response+json'];
      const accepts = ['application/json', 'application/graphql-response+json', 'text/html', '*/*', 'image/png', ''];
      return times(100, () => {
        const headers: Record<string, string> = { 'content-type': pick(random, types), accept: pick(random, accepts) };
        if (headers['content-type'] === '') delete headers['content-type'];
        if (headers.accept === '') delete headers.accept;
        return post(random() < 0.5 ? JSON.stringify({ query: '{ samplers { name } }' }) : 'query=%7B__typename%7D', headers);
      });
    },
  },
  {
    name: 'GraphQL syntax errors',
    make: (random) => {
      const valid = 'mutation($i: GenerateInput!) { generate(input: $i) { id status images { id url } } }';
      const garbage = ['{', '}', '(', ')', '$', '"', '...', '@', '#', '\\u', '"""', ':', '!'];
      return times(100, () => {
        let query = valid;
        for (let k = int(random, 1, 4); k > 0; k--) {
          const at = int(random, 0, query.length);
          query = random() < 0.5 ? query.slice(0, at) + pick(random, garbage) + query.slice(at) : query.slice(0, at) + query.slice(at + int(random, 1, 5));
        }
        return operation(query, { i: { prompt: 'a cat' } });
      });
    },
  },
  {
    name: 'wrong variable types',
    make: (random) => {
      const wrong = [5, -1.5, true, 'text', [], ['a'], {}, { x: 1 }, null, '9'.repeat(40)];
      const fields = ['prompt', 'width', 'height', 'steps', 'guidanceScale', 'batchSize', 'seed', 'sampler', 'previewMethod', 'priority', 'denoisingStrength', 'variationSeed'];
      return [
        ...times(70, () => operation(GENERATE, { i: { prompt: 'a cat', [pick(random, fields)]: pick(random, wrong) } })),
        ...times(15, () => operation('query($f: Int!, $a: String) { generations(first: $f, after: $a) { totalCount } }', { f: pick(random, wrong), a: pick(random, wrong) })),
        ...times(13, () => operation('query($i: LibrarySearchInput) { searchImages(input: $i) { totalCount } }', { i: { [pick(random, ['width', 'seed', 'tags', 'mode', 'createdAfter', 'favoritesOnly'])]: pick(random, wrong) } })),
        // Variables nested deeper than a recursive walk's call stack goes.
        post(`{"query":"mutation($ids: [ID!]!) { tagImages(imageIds: $ids, tags: [\\"t\\"]) { id } }","variables":{"ids":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`),
        post(`{"query":"{ samplers { name } }","variables":{"deep":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}}`),
      ];
    },
  },
  {
    name: 'out-of-range values',
    make: (random) => {
      const numbers = [-1, 0, 7, 63, 2049, 65536, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 53, 1e308, 0.5, -0.0001, 30.0001, 151];
      const fields = ['width', 'height', 'steps', 'guidanceScale', 'batchSize', 'priority', 'denoisingStrength', 'variationStrength'];
      return [
        ...times(60, () => operation(GENERATE, { i: { prompt: 'a cat', [pick(random, fields)]: pick(random, numbers) } })),
        ...times(20, () => operation(GENERATE, { i: { prompt: 'a cat', hires: { [pick(random, ['scale', 'width', 'height', 'steps', 'denoisingStrength'])]: pick(random, numbers) } } })),
        ...times(15, () => operation(UPSCALE, { id: pick(random, ['made-up', '', 'x'.repeat(5000)]), u: pick(random, ['toy-2x', '', '../../etc/passwd', 'x'.repeat(5000)]), s: pick(random, numbers) })),
        ...times(5, () => operation(GENERATE, { i: { prompt: 'a cat', hires: { upscalerModel: pick(random, ['', '../x', 'y'.repeat(5000)]), upscaler: pick(random, ['MODEL', 'LATENT']) } } })),
        ...times(15, () => operation(GENERATE, { i: { prompt: 'a cat', seed: pick(random, ['-1', '18446744073709551616', '1e5', '0x10', ' 1', '99999999999999999999999999']) } })),
        ...times(25, () => operation(`query($f: Int!) { ${pick(random, ['generations(first: $f)', 'searchPrompts(first: $f)', 'searchImages(first: $f)', 'collections(first: $f)'])} { totalCount } }`, { f: pick(random, numbers) })),
      ];
    },
  },
  {
    name: 'huge strings',
    make: (random) => times(100, () => {
      const target = pick(random, TEXT_OPERATIONS);
      return operation(target.query, target.variables(randomText(random, pick(random, [1001, 10_001, 100_000, 1_000_000]))));
    }),
  },
  {
    name: 'NUL characters',
    make: (random) => [
      ...TEXT_OPERATIONS.map((target) => operation(target.query, target.variables(`a\u0000b`))),
      ...times(69 - TEXT_OPERATIONS.length + 31, () => {
        const target = pick(random, TEXT_OPERATIONS);
        const text = randomText(random, int(random, 0, 50));
        const at = int(random, 0, text.length);
        return operation(target.query, target.variables(`${text.slice(0, at)}\u0000${text.slice(at)}`));
      }),
      // In a literal of the document rather than in a variable.
      operation('mutation { generate(input: { prompt: "a \\u0000 cat" }) { id } }'),
      operation('query { searchPrompts(input: { query: "\\u0000" }) { totalCount } }'),
      operation('mutation { createCollection(input: { name: "x\\u0000" }) { id } }'),
    ],
  },
  {
    name: 'large bodies',
    make: () => [
      post(Buffer.alloc(17 * 1024 * 1024, 0x20)),
      post(JSON.stringify({ query: '{ samplers { name } }', variables: { pad: 'x'.repeat(17 * 1024 * 1024) } })),
      post(JSON.stringify({ query: `{ samplers { name } }${' '.repeat(1024 * 1024)}` })),
      // Repeated fields are the query-cost limits' concern (a later category); a modest repetition here.
      post(JSON.stringify({ query: `{ ${'samplers { name } '.repeat(1000)} }` })),
      operation('mutation($d: String!) { importImage(dataUrl: $d) { prompt } }', { d: `data:image/png;base64,${'A'.repeat(15 * 1024 * 1024)}` }),
    ],
  },
  {
    name: 'garbage uploads and imports',
    make: async (random, fixtures) => {
      const bomb = zlib.deflateSync(Buffer.alloc(16 * 1024 * 1024 - 1, 0x61));
      const pngs = [
        await fixtures.png([{ keyword: 'parameters', text: `${'a'.repeat(3 * 1024 * 1024)}\nSteps: 5, Sampler: Euler, CFG scale: 3, Seed: 1, Size: 16x16` }]),
        await fixtures.png([{ keyword: 'parameters', text: 'a cat\nNegative prompt: x\u0000y\nSteps: 5, Seed: 1' }]),
        await fixtures.png([{ keyword: 'parameters', text: 'a cat\u0000dog\nSteps: 5, Seed: 1', kind: 'iTXt' }]),
        await fixtures.png([{ keyword: 'prompt', text: JSON.stringify({ 1: { class_type: 'CLIPTextEncode', inputs: { text: 'a\u0000b' } }, 2: { class_type: 'KSampler', inputs: { seed: 1, steps: 5, positive: ['1', 0] } } }) }]),
        await fixtures.png([{ keyword: 'parameters', text: `a cat\nSteps: 5, Sampler: Euler, Model: ${'m'.repeat(100_000)}` }]),
        await fixtures.png([{ keyword: 'parameters', text: `a cat\nSteps: 5, Seed: ${'9'.repeat(1000)}, Size: 99999999x99999999` }]),
      ];
      // A zTXt chunk that inflates to 16 MB of one letter.
      const base = await fixtures.png([]);
      const ihdrEnd = 8 + 8 + base.readUInt32BE(8) + 4;
      const zChunkData = Buffer.concat([Buffer.from('parameters\0\0', 'latin1'), bomb]);
      const zChunk = Buffer.alloc(12 + zChunkData.length);
      zChunk.writeUInt32BE(zChunkData.length, 0);
      zChunk.write('zTXt', 4, 'latin1');
      zChunkData.copy(zChunk, 8);
      pngs.push(Buffer.concat([base.subarray(0, ihdrEnd), zChunk, base.subarray(ihdrEnd)]));
      const imports = pngs.map((png) => operation('mutation($d: String!) { importImage(dataUrl: $d) { prompt } }', { d: `data:image/png;base64,${png.toString('base64')}` }));
      const png = pngs[1]!;
      const garbage = () =>
        pick(random, [
          () => `data:image/png;base64,${Buffer.from(randomText(random, 300)).toString('base64')}`,
          () => `data:image/png;base64,${png.subarray(0, int(random, 1, png.length - 1)).toString('base64')}`,
          () => `data:image/png;base64,${randomText(random, 100)}`,
          () => `data:text/html;base64,PGI+`,
          () => `data:image/svg+xml;base64,${Buffer.from('<svg/>').toString('base64')}`,
          () => randomText(random, 200),
          () => `data:image/png,${randomText(random, 50)}`,
          () => `data:image/webp;base64,${Buffer.from('RIFF\0\0\0\0WEBPVP8 ').toString('base64')}`,
        ])();
      return [
        ...imports,
        ...times(93 - imports.length + 7, () =>
          operation(`mutation($d: String!) { ${pick(random, ['uploadImage(dataUrl: $d) { id }', 'importImage(dataUrl: $d) { prompt }'])} }`, { d: garbage() }),
        ),
      ];
    },
  },
  {
    name: 'random and malformed ids and cursors',
    make: (random) => {
      const ids = () =>
        pick(random, [
          () => randomText(random, int(random, 0, 40)),
          () => `c${Array.from({ length: 24 }, () => pick(random, [...'abcdefghijklmnopqrstuvwxyz0123456789'])).join('')}`,
          () => '../../etc/passwd',
          () => "' OR 1=1 --",
          () => '%00',
          () => '',
        ])();
      const cursors = () =>
        pick(random, [
          () => randomText(random, int(random, 0, 60)),
          () => cursorOf([pick(random, ['2020-01-01T00:00:00.000Z', '-100000-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', 1e308, -1, 'name', 'position', null, {}]), pick(random, ['x', 'a\u0000b', 5, null, [], 'x'.repeat(10_000)])]),
          () => cursorOf(pick(random, [[], [1], [1, 2, 3], 'x', null, { a: 1 }])),
          () => Buffer.from(randomText(random, 30)).toString('base64url'),
        ])();
      const idOps = TEXT_OPERATIONS.filter((op) => /\$(id|ids|q): \[?ID/.test(op.query));
      return [
        ...times(60, () => {
          const target = pick(random, idOps);
          return operation(target.query, target.variables(ids()));
        }),
        ...times(40, () => operation(pick(random, CURSOR_OPERATIONS), { c: cursors() })),
        ...times(10, () => ({ transport: 'http' as const, method: 'GET', path: `/images/${percentEncoded(ids())}?size=${pick(random, ['thumb', 'full', 'x', ''])}` })),
      ];
    },
  },
  {
    name: 'operations on the wrong transport',
    make: (random) => {
      const subscription = 'subscription($id: ID!) { generationEvents(id: $id) { __typename } }';
      const get = (query: string, headers: Record<string, string> = { 'apollo-require-preflight': 'true' }): HostileRequest => ({
        transport: 'http',
        method: 'GET',
        path: `/graphql?query=${encodeURIComponent(query)}`,
        headers,
      });
      return [
        ...times(30, () => operation(subscription, { id: pick(random, ['x', 'a\u0000', randomText(random, 20)]) })),
        ...times(10, () => operation('subscription { generationEvents(id: "x") { __typename } }')),
        ...times(10, () => get(subscription)),
        ...times(10, () => get('mutation { deleteCollection(id: "x") }')),
        ...times(5, () => get('{ samplers { name } }', {})),
        ...times(5, () => ({ transport: 'http' as const, method: pick(random, ['PUT', 'DELETE', 'PATCH']), path: '/graphql', headers: { 'content-type': 'application/json' }, body: '{}' })),
        ...times(30, () => ({
          transport: 'ws' as const,
          query: pick(random, [subscription, '{ generation(id: $id) { id } }', 'query($id: ID!) { generation(id: $id) { id } }', '{ nope }', 'subscription { ']),
          variables: { id: pick(random, ['x', 'a\u0000b', randomText(random, 30), 5]) },
        })),
      ];
    },
  },
  {
    // Sized past the default query limits, some far past: each must be refused before it runs, on both transports.
    name: 'depth, alias, cost and fragment bombs',
    refusedWith: 'QUERY_TOO_COMPLEX',
    make: (random) => {
      const bombs = [
        () => depthBomb(int(random, 13, 60)),
        () => aliasBomb(int(random, 31, 3000)),
        () => aliasBomb(int(random, 31, 500), pick(random, ['samplers { name }', 'generations(first: 100) { totalCount }'])),
        () => costBomb(int(random, 3, 5)),
        () => fragmentBomb(int(random, 12, 40)),
        () => directiveBomb(int(random, 51, 800)),
        () => generateAliases(int(random, 6, 1000)),
      ];
      return [
        ...times(70, () => operation(pick(random, bombs)())),
        ...times(30, () => ({ transport: 'ws' as const, query: pick(random, bombs)() })),
      ];
    },
  },
];
