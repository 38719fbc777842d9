// Pins the HTTP surface around GraphQL (CORS, health, the web app at /, body errors, error masking) so a reshape or a
// later CORS change shows up as a failing test rather than as a browser that silently stops working. Which
// origins are refused is test/e2e/origins.test.ts.
import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { UploadImageDocument } from '../generated/operations.js';
import { requestData } from '../support/graphql-client.js';
import { suiteServer } from '../support/test-server.js';

/** The origin of a web client served elsewhere, listed in ATELIER_CORS_ORIGINS. */
const APP = 'https://app.example';

describe('the HTTP server around GraphQL', () => {
  const server = suiteServer({ workers: 0, corsOrigins: [APP] });

  const post = (body: string, contentType = 'application/json'): Promise<Response> =>
    fetch(`${server().url}/graphql`, { method: 'POST', headers: { 'content-type': contentType, origin: APP }, body });

  test('a CORS preflight on /graphql is answered 204 with what browsers may send', async () => {
    const response = await fetch(`${server().url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), APP);
    assert.equal(response.headers.get('access-control-allow-methods'), 'GET, POST, OPTIONS');
    assert.equal(response.headers.get('access-control-allow-headers'), 'content-type, authorization, apollo-require-preflight');
    assert.equal(response.headers.get('access-control-max-age'), '86400');
    assert.equal(await response.text(), '');
  });

  test('GraphQL responses allow the listed origin', async () => {
    const response = await post(JSON.stringify({ query: '{ samplers { name } }' }));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), APP);
    assert.ok(((await response.json()) as { data: { samplers: unknown[] } }).data.samplers.length > 0);
  });

  test('/health answers 200 {"status":"ok"} as JSON', async () => {
    const response = await fetch(`${server().url}/health`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });

  test('/ is the web app; an unknown path is a JSON 404', async () => {
    const root = await fetch(`${server().url}/`, { redirect: 'manual' });
    assert.equal(root.status, 200);
    assert.match(root.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await root.text(), /<div id="app">/);
    assert.equal((await fetch(`${server().url}/`, { method: 'POST' })).status, 405);
    const missing = await fetch(`${server().url}/nope`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-type'), 'application/json');
    assert.deepEqual(await missing.json(), { error: 'not found' });
  });

  test('a body that is not JSON is a 400 BAD_REQUEST, with the CORS header', async () => {
    const response = await post('{ not json');
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('access-control-allow-origin'), APP);
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    assert.deepEqual(body.errors, [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }]);
  });

  test('GraphQL validation errors reach the client unmasked', async () => {
    const response = await post(JSON.stringify({ query: '{ noSuchField }' }));
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    assert.equal(body.errors[0]?.extensions.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(body.errors[0]!.message, /noSuchField/);
  });

  test('client errors from resolvers keep their code and extensions', async () => {
    const response = await post(JSON.stringify({ query: 'mutation { cancelGeneration(id: "missing") { id } }' }));
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    assert.deepEqual(body.errors[0]?.extensions, { code: 'NOT_FOUND', id: 'missing' });
    assert.equal(body.errors[0]?.message, 'generation "missing" does not exist');
  });

  test('image files: cached forever by ETag, readable from the listed origin, GET and HEAD only', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 1, g: 2, b: 3 } } }).png().toBuffer();
    const { uploadImage } = await requestData(server().url, UploadImageDocument, { dataUrl: `data:image/png;base64,${png.toString('base64')}` });
    const url = new URL(uploadImage.url, server().url);
    const full = await fetch(url, { headers: { origin: APP } });
    assert.equal(full.status, 200);
    const etag = `"${uploadImage.sha256}"`;
    const cacheHeaders = (response: Response): unknown[] =>
      ['etag', 'cache-control', 'access-control-allow-origin'].map((name) => response.headers.get(name));
    assert.deepEqual(cacheHeaders(full), [etag, 'public, max-age=31536000, immutable', APP]);
    assert.equal(full.headers.get('content-type'), 'image/png');
    const bytes = Buffer.from(await full.arrayBuffer());
    assert.equal(full.headers.get('content-length'), String(bytes.length));

    const notModified = await fetch(url, { headers: { 'if-none-match': `"other", ${etag}`, origin: APP } });
    assert.equal(notModified.status, 304);
    assert.deepEqual(cacheHeaders(notModified), cacheHeaders(full));

    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(bytes.length));
    assert.equal((await head.arrayBuffer()).byteLength, 0);

    const post = await fetch(url, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
  });

  test('image errors are JSON: a bad size 400, an unknown id 404, a malformed escape 404 too (not a server error)', async () => {
    const badSize = await fetch(`${server().url}/images/abc?size=huge`);
    assert.equal(badSize.status, 400);
    assert.deepEqual(await badSize.json(), { error: 'size must be "thumb" or "full", got "huge"' });
    const unknown = await fetch(`${server().url}/images/no-such-image`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.headers.get('access-control-allow-origin'), null);
    assert.deepEqual(await unknown.json(), { error: 'image "no-such-image" not found' });
    // Image ids are [A-Za-z0-9_-]: a path with a broken %-escape names no image; it used to be a 500.
    const broken = await fetch(`${server().url}/images/%E0%A4%A`);
    assert.equal(broken.status, 404);
    assert.equal(broken.headers.get('content-type'), 'application/json');
  });

  test('a request target no URL parser accepts is a 400, and the server keeps serving', async () => {
    const { port } = new URL(server().url);
    for (const target of ['//', '//[']) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: Number(port), path: target, method: 'GET' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(status, 400, target);
    }
    assert.equal((await fetch(`${server().url}/health`)).status, 200);
  });
});
