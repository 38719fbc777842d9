// Authentication with ATELIER_AUTH=keys: every GraphQL request, WebSocket connection and image file needs a valid,
// unrevoked key (or a signed URL); the viewer query; admins managing keys over GraphQL; open mode as before.
import assert from 'node:assert/strict';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { ImageSigner } from '../../src/accounts/image-signatures.js';
import {
  ApiKeysDocument,
  CreateApiKeyDocument,
  GenerationEventsDocument,
  RevokeApiKeysDocument,
  UploadImageDocument,
  ViewerDocument,
} from '../generated/operations.js';
import { createKey, keyedData, keyedRequest, keyedWsClient } from '../support/accounts.js';
import { requestData } from '../support/graphql-client.js';
import { suiteServer } from '../support/test-server.js';

const SECRET = 'a test secret of at least thirty-two characters';
const TTL = 3600;

/** Subscribes to events of a generation id that does not exist: NOT_FOUND proves the connection was accepted. */
function subscribeOnce(baseUrl: string, key: string | undefined): Promise<{ closed?: { code: number; reason: string }; error?: unknown }> {
  return new Promise((resolve) => {
    let closed: { code: number; reason: string } | undefined;
    const client = keyedWsClient(baseUrl, key, (event) => (closed = event));
    client.subscribe(
      { query: 'subscription { generationEvents(id: "no-such-generation") { type } }' },
      {
        next: () => undefined,
        error: (error) => void Promise.resolve(client.dispose()).then(() => resolve({ closed, error })),
        complete: () => void Promise.resolve(client.dispose()).then(() => resolve({ closed })),
      },
    );
  });
}

async function pngDataUrl(): Promise<string> {
  const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 200, g: 10, b: 10 } } }).png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

describe('ATELIER_AUTH=keys', () => {
  const server = suiteServer({ workers: 0, auth: 'keys', secret: SECRET, imageUrlTtlSeconds: TTL });

  test('GraphQL over HTTP without a key, with a malformed or unknown one, is a 401 UNAUTHENTICATED; /health stays open', async () => {
    for (const key of [undefined, 'not-a-key', `atelier_${'x'.repeat(43)}`]) {
      const result = await keyedRequest(server().url, key, ViewerDocument);
      assert.equal(result.status, 401, `key ${key}`);
      assert.equal(result.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
      assert.match(result.errors?.[0]?.message ?? '', /Authorization: Bearer KEY/);
      assert.equal(result.data, undefined);
    }
    const health = await fetch(`${server().url}/health`);
    assert.equal(health.status, 200);
  });

  test('viewer says who the key belongs to, its role and limits', async () => {
    const key = await createKey(server(), 'viewer-user');
    const { viewer } = await keyedData(server().url, key, ViewerDocument);
    assert.deepEqual({ ...viewer, id: typeof viewer.id }, { id: 'string', name: 'viewer-user', role: 'USER', limits: { maxQueuedJobs: 1000 } });
  });

  test('a revoked key is UNAUTHENTICATED over HTTP, WebSocket and image URLs; another key of a revived account works', async () => {
    const adminKey = await createKey(server(), 'revoker', 'ADMIN');
    const key = await createKey(server(), 'soon-revoked');
    const upload = (await keyedData(server().url, key, UploadImageDocument, { dataUrl: await pngDataUrl() })).uploadImage;
    const unsigned = `${server().url}/images/${upload.id}`;
    assert.equal((await fetch(unsigned, { headers: { authorization: `Bearer ${key}` } })).status, 200);
    assert.deepEqual(await subscribeOnce(server().url, key).then((r) => (r.error as Array<{ extensions?: { code?: string } }>)[0]?.extensions?.code), 'NOT_FOUND');

    const revoked = (await keyedData(server().url, adminKey, RevokeApiKeysDocument, { account: 'soon-revoked' })).revokeApiKeys;
    assert.equal(revoked.length, 1);
    assert.ok(revoked[0]!.revokedAt);

    assert.equal((await keyedRequest(server().url, key, ViewerDocument)).status, 401);
    const ws = await subscribeOnce(server().url, key);
    assert.deepEqual(ws.closed, { code: 4401, reason: 'Unauthenticated: send connection params { authorization: "Bearer KEY" }' });
    const image = await fetch(unsigned, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(image.status, 401);
    assert.equal(((await image.json()) as { code: string }).code, 'UNAUTHENTICATED');

    // The account keeps its work: a new key sees the upload again.
    const fresh = (await keyedData(server().url, adminKey, CreateApiKeyDocument, { account: 'soon-revoked' })).createApiKey;
    assert.equal((await fetch(unsigned, { headers: { authorization: `Bearer ${fresh.key}` } })).status, 200);
  });

  test('a graphql-ws connection opened before its key was revoked is closed at its next operation', async () => {
    const adminKey = await createKey(server(), 'ws-revoker', 'ADMIN');
    const key = await createKey(server(), 'ws-soon-revoked');
    let closed: { code: number; reason: string } | undefined;
    let connections = 0;
    // One connection for both operations: kept open between them (lazyCloseTimeout), so the second is not a reconnect.
    const client = createClient({
      url: `${server().url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazyCloseTimeout: 60_000,
      connectionParams: { authorization: `Bearer ${key}` },
      on: { closed: (event) => void (closed = event as { code: number; reason: string }), connected: () => void (connections += 1) },
    });
    const once = () =>
      new Promise<unknown>((resolve) => {
        client.subscribe({ query: 'subscription { generationEvents(id: "no-such-generation") { type } }' }, { next: () => undefined, error: resolve, complete: () => resolve(undefined) });
      });
    try {
      assert.equal((await once() as Array<{ extensions?: { code?: string } }>)[0]?.extensions?.code, 'NOT_FOUND');
      await keyedData(server().url, adminKey, RevokeApiKeysDocument, { account: 'ws-soon-revoked' });
      await once();
      assert.equal(connections, 1);
      assert.equal(closed?.code, 4401);
    } finally {
      await client.dispose();
    }
  });

  test('graphql-ws without connection params is closed with 4401 and a clear reason', async () => {
    const ws = await subscribeOnce(server().url, undefined);
    assert.equal(ws.closed?.code, 4401);
    assert.match(ws.closed?.reason ?? '', /authorization: "Bearer KEY"/);
  });

  test('image files: 401 without a key whether or not the id exists; the owner key or the signed URL from the API works', async () => {
    const key = await createKey(server(), 'image-owner');
    const upload = (await keyedData(server().url, key, UploadImageDocument, { dataUrl: await pngDataUrl() })).uploadImage;
    assert.match(upload.url, new RegExp(`^/images/${upload.id}\\?exp=\\d+&sig=[A-Za-z0-9_-]{43}$`));
    for (const id of [upload.id, 'no-such-image']) assert.equal((await fetch(`${server().url}/images/${id}`)).status, 401, id);
    const signed = await fetch(`${server().url}${upload.url}`);
    assert.equal(signed.status, 200);
    assert.equal(signed.headers.get('content-type'), 'image/png');
    assert.match(signed.headers.get('cache-control') ?? '', /^private, max-age=\d+$/);
    // The same URL for the same image while its expiry boundary lasts, so browsers can cache it.
    const again = (await keyedData(server().url, key, UploadImageDocument, { dataUrl: await pngDataUrl() })).uploadImage;
    assert.equal(new URL(again.url, server().url).searchParams.get('exp'), new URL(upload.url, server().url).searchParams.get('exp'));
  });

  test('signed URLs: expired, tampered, or made for another id or variant are refused with 401', async () => {
    const key = await createKey(server(), 'signer');
    const upload = (await keyedData(server().url, key, UploadImageDocument, { dataUrl: await pngDataUrl() })).uploadImage;
    const signer = new ImageSigner(Buffer.from(SECRET, 'utf8'), TTL);
    const url = (id: string, query: string) => `${server().url}/images/${id}?${query}`;
    const valid = signer.sign(upload.id, 'full');
    assert.equal((await fetch(url(upload.id, `exp=${valid.exp}&sig=${valid.sig}`))).status, 200, 'a signature made with the server secret');

    const expired = signer.sign(upload.id, 'full', Date.now() - 2 * TTL * 1000 - 10_000);
    assert.ok(expired.exp * 1000 < Date.now());
    const thumb = signer.sign(upload.id, 'thumb');
    const other = signer.sign('someone-elses-id', 'full');
    const tampered = `${valid.sig.slice(0, -1)}${valid.sig.endsWith('A') ? 'B' : 'A'}`;
    const refused: Array<[string, string]> = [
      ['expired', url(upload.id, `exp=${expired.exp}&sig=${expired.sig}`)],
      ['tampered signature', url(upload.id, `exp=${valid.exp}&sig=${tampered}`)],
      ['later expiry, same signature', url(upload.id, `exp=${valid.exp + 3600}&sig=${valid.sig}`)],
      ['the thumbnail signature for the full image', url(upload.id, `exp=${thumb.exp}&sig=${thumb.sig}`)],
      ['another id', url(upload.id, `exp=${other.exp}&sig=${other.sig}`)],
      ['signature without expiry', url(upload.id, `sig=${valid.sig}`)],
      ['another secret', url(upload.id, (() => { const s = new ImageSigner(Buffer.from('x'.repeat(40)), TTL).sign(upload.id, 'full'); return `exp=${s.exp}&sig=${s.sig}`; })())],
    ];
    for (const [what, target] of refused) assert.equal((await fetch(target)).status, 401, what);
    assert.equal((await fetch(`${url(upload.id, `size=thumb&exp=${thumb.exp}&sig=${thumb.sig}`)}`)).status, 200, 'the thumbnail signature for the thumbnail');
  });

  test('admins create, list and revoke keys over GraphQL; a USER is FORBIDDEN to', async () => {
    const adminKey = await createKey(server(), 'key-admin', 'ADMIN');
    const created = (await keyedData(server().url, adminKey, CreateApiKeyDocument, { account: 'made-by-admin' })).createApiKey;
    assert.match(created.key, /^atelier_[A-Za-z0-9_-]{43}$/);
    assert.equal(created.apiKey.prefix, created.key.slice(0, 14));
    assert.deepEqual([created.apiKey.account.name, created.apiKey.account.role, created.apiKey.revokedAt], ['made-by-admin', 'USER', null]);
    assert.equal((await keyedData(server().url, created.key, ViewerDocument)).viewer.name, 'made-by-admin');

    const listed = (await keyedData(server().url, adminKey, ApiKeysDocument)).apiKeys;
    const mine = listed.find((k) => k.id === created.apiKey.id);
    assert.ok(mine);
    assert.equal(JSON.stringify(listed).includes(created.key), false, 'keys themselves are never listed');
    const stored = await server().database.prisma.apiKey.findUniqueOrThrow({ where: { id: created.apiKey.id } });
    assert.notEqual(stored.hash, created.key);
    assert.match(stored.hash, /^[0-9a-f]{64}$/);

    for (const operation of [
      () => keyedRequest(server().url, created.key, ApiKeysDocument),
      () => keyedRequest(server().url, created.key, CreateApiKeyDocument, { account: 'sneaky', role: 'ADMIN' }),
      () => keyedRequest(server().url, created.key, RevokeApiKeysDocument, { account: 'key-admin' }),
    ]) {
      const result = await operation();
      assert.equal(result.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    }
    assert.equal(await server().database.prisma.account.findUnique({ where: { name: 'sneaky' } }), null);
    const missing = await keyedRequest(server().url, adminKey, RevokeApiKeysDocument, { account: 'nobody' });
    assert.equal(missing.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    const badName = await keyedRequest(server().url, adminKey, CreateApiKeyDocument, { account: 'no spaces' });
    assert.deepEqual([badName.errors?.[0]?.extensions?.code, badName.errors?.[0]?.extensions?.field], ['BAD_USER_INPUT', 'account']);
  });
});

describe('ATELIER_AUTH=none (loopback default)', () => {
  const server = suiteServer({ workers: 0 });

  test('every request is the built-in admin `local`; image URLs are unsigned', async () => {
    const { viewer } = await requestData(server().url, ViewerDocument);
    assert.deepEqual([viewer.id, viewer.name, viewer.role], ['local', 'local', 'ADMIN']);
    const upload = (await requestData(server().url, UploadImageDocument, { dataUrl: await pngDataUrl() })).uploadImage;
    assert.equal(upload.url, `/images/${upload.id}`);
    assert.equal((await fetch(`${server().url}${upload.url}`)).status, 200);
    const events = await subscribeOnce(server().url, undefined);
    assert.equal((events.error as Array<{ extensions?: { code?: string } }>)[0]?.extensions?.code, 'NOT_FOUND');
  });
});
