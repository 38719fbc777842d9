// Browsers and origins: which pages may call the API (CORS, WebSocket Origin), DNS rebinding on loopback,
// and Apollo's CSRF prevention, against the real server.
import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, test } from 'node:test';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { isLoopbackAddress, isLoopbackHostHeader } from '../../src/loopback.js';
import { CatalogDocument } from '../generated/operations.js';
import { suiteServer } from '../support/test-server.js';

const QUERY = JSON.stringify({ query: '{ samplers { name } }' });

function preflight(baseUrl: string, origin: string): Promise<Response> {
  return fetch(`${baseUrl}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
}

function post(baseUrl: string, headers: Record<string, string> = {}, body = QUERY): Promise<Response> {
  return fetch(`${baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

/** The status and body of a WebSocket upgrade of /graphql sent with these headers (101 when accepted). */
function upgrade(baseUrl: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { headers });
    socket.on('open', () => {
      socket.close();
      resolve({ status: 101, body: '' });
    });
    socket.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    socket.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

/** A graphql-ws query sent as a page on `origin` would send it; resolves with the samplers' count. */
async function wsQueryFrom(baseUrl: string, origin: string | undefined): Promise<number> {
  class BrowserLikeSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, origin ? { origin } : {});
    }
  }
  const client = createClient({ url: `${baseUrl.replace(/^http/, 'ws')}/graphql`, webSocketImpl: BrowserLikeSocket, retryAttempts: 0, lazy: true });
  try {
    const result = await new Promise<{ samplers: unknown[] }>((resolve, reject) => {
      client.subscribe<{ samplers: unknown[] }>(
        { query: print(CatalogDocument) },
        { next: (value) => (value.data ? resolve(value.data) : reject(new Error(JSON.stringify(value.errors)))), error: reject, complete: () => undefined },
      );
    });
    return result.samplers.length;
  } finally {
    await client.dispose();
  }
}

/** A plain HTTP request with a Host header of our choosing (fetch does not let one set Host). */
function requestWithHost(baseUrl: string, path: string, host: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: Number(port), path, method: 'GET', headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('default: only the server’s own origin', () => {
  const server = suiteServer({ workers: 0 });

  test('a preflight from a foreign origin is refused, without CORS headers', async () => {
    const response = await preflight(server().url, 'https://evil.example');
    assert.equal(response.status, 403);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    assert.equal(response.headers.get('access-control-allow-methods'), null);
    assert.match(await response.text(), /origin https:\/\/evil\.example is not allowed/);
  });

  test('a foreign origin’s request gets no access-control-allow-origin; the server’s own origin is answered as usual', async () => {
    const foreign = await post(server().url, { origin: 'https://evil.example' });
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    // Whether the header is there depends on Origin, so caches are told to keep answers apart by it.
    assert.equal(foreign.headers.get('vary'), 'origin');
    const own = new URL(server().url).origin;
    const same = await post(server().url, { origin: own });
    assert.equal(same.status, 200);
    assert.equal(same.headers.get('access-control-allow-origin'), own);
    assert.ok(((await same.json()) as { data: { samplers: unknown[] } }).data.samplers.length > 0);
  });

  test('a WebSocket upgrade from a foreign origin is refused with 403; one without Origin (not a browser) is accepted', async () => {
    const refused = await upgrade(server().url, { origin: 'https://evil.example' });
    assert.equal(refused.status, 403);
    assert.match(refused.body, /not allowed/);
    assert.equal((await upgrade(server().url, {})).status, 101);
    assert.ok((await wsQueryFrom(server().url, undefined)) > 0);
    assert.ok((await wsQueryFrom(server().url, new URL(server().url).origin)) > 0);
  });

  test('on loopback, a Host that is not a loopback name is refused (DNS rebinding), on every route but /health', async () => {
    for (const path of ['/graphql?query=%7B__typename%7D', '/images/abc', '/', '/nope']) {
      const refused = await requestWithHost(server().url, path, 'rebind.evil.example:4000');
      assert.equal(refused.status, 421, path);
      assert.match(refused.body, /loopback/);
    }
    assert.equal((await requestWithHost(server().url, '/health', 'rebind.evil.example')).status, 200);
    for (const host of ['localhost', 'localhost:4000', '127.0.0.1', '127.8.9.10:80', '[::1]:4000']) {
      assert.equal((await requestWithHost(server().url, '/nope', host)).status, 404, host);
    }
    const ws = await upgrade(server().url, { host: 'rebind.evil.example' });
    assert.equal(ws.status, 421);
  });

  test('CSRF prevention is on: a simple (text/plain) POST and a GET without a preflight header are refused', async () => {
    const simple = await post(server().url, { 'content-type': 'text/plain' });
    assert.equal(simple.status, 400);
    assert.match(await simple.text(), /CSRF/);
    const get = await fetch(`${server().url}/graphql?query=${encodeURIComponent('{ samplers { name } }')}`);
    assert.equal(get.status, 400);
    assert.match(await get.text(), /CSRF/);
    const withHeader = await fetch(`${server().url}/graphql?query=${encodeURIComponent('{ samplers { name } }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    assert.equal(withHeader.status, 200);
  });
});

describe('ATELIER_CORS_ORIGINS lists the origins allowed', () => {
  const server = suiteServer({ workers: 0, corsOrigins: ['https://app.example', 'http://localhost:5173'] });

  test('a preflight from a listed origin is answered 204 with that origin and what it may send', async () => {
    for (const origin of ['https://app.example', 'http://localhost:5173']) {
      const response = await preflight(server().url, origin);
      assert.equal(response.status, 204);
      assert.equal(response.headers.get('access-control-allow-origin'), origin);
      assert.equal(response.headers.get('vary'), 'origin');
      assert.equal(response.headers.get('access-control-allow-methods'), 'GET, POST, OPTIONS');
      assert.equal(response.headers.get('access-control-allow-headers'), 'content-type, authorization, apollo-require-preflight');
    }
  });

  test('an origin not listed (another port, another scheme) is refused', async () => {
    for (const origin of ['https://app.example:8443', 'http://app.example', 'https://evil.example']) {
      const response = await preflight(server().url, origin);
      assert.equal(response.status, 403, origin);
      assert.equal(response.headers.get('access-control-allow-origin'), null, origin);
    }
  });

  test('WebSocket: a listed origin connects and queries; another is refused', async () => {
    assert.ok((await wsQueryFrom(server().url, 'https://app.example')) > 0);
    assert.equal((await upgrade(server().url, { origin: 'https://evil.example' })).status, 403);
  });
});

describe('behind a reverse proxy: ATELIER_PUBLIC_URL’s origin is the server’s own', () => {
  const server = suiteServer({ workers: 0, publicUrl: 'https://atelier.example' });

  test('a page under the public URL may use the API and subscriptions although Host names the loopback', async () => {
    assert.equal((await preflight(server().url, 'https://atelier.example')).status, 204);
    assert.ok((await wsQueryFrom(server().url, 'https://atelier.example')) > 0);
    assert.equal((await upgrade(server().url, { origin: 'https://other.example' })).status, 403);
  });
});

describe('ATELIER_CORS_ORIGINS=*', () => {
  const server = suiteServer({ workers: 0, corsOrigins: '*' });

  test('every origin may call the API, over HTTP and WebSocket', async () => {
    const response = await preflight(server().url, 'https://anyone.example');
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    const answer = await post(server().url, { origin: 'https://anyone.example' });
    assert.equal(answer.headers.get('access-control-allow-origin'), '*');
    assert.ok((await wsQueryFrom(server().url, 'https://anyone.example')) > 0);
  });
});

test('which listening addresses and Host headers are loopback', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) assert.ok(isLoopbackAddress(host), host);
  for (const host of ['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', 'atelier.example']) assert.ok(!isLoopbackAddress(host), host);
  for (const host of ['localhost', 'LOCALHOST:4000', '127.0.0.1:80', '[::1]', '[::1]:4000']) assert.ok(isLoopbackHostHeader(host), host);
  for (const host of ['127.0.0.1.evil.example', 'localhost.evil.example', '127.0.0.256', '[::2]:4000', 'evil.example:4000', '[::1]x']) {
    assert.ok(!isLoopbackHostHeader(host), host);
  }
});
