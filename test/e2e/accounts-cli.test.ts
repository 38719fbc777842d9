// The command line around accounts, as real processes: `keys create/list/revoke`, `import/export --owner`, and a
// server on a non-loopback HOST refusing to start without ATELIER_AUTH.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { GenerationsDocument, ViewerDocument } from '../generated/operations.js';
import { keyedData, keyedRequest } from '../support/accounts.js';
import { pngWithText } from '../support/png-text.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

/** Runs `main.js ...args` to its end; `env` is laid over this process's environment (undefined removes a variable). */
function run(args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const merged = Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const child = spawn(process.execPath, [MAIN, ...args], { env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1)!;

describe('the keys command', () => {
  test('create prints the key alone on the last line; list shows names, roles, prefixes and revocations; revoke ends the keys', { timeout: 120_000 }, async () => {
    const dataDir = await tempDataDir();
    const env = { ATELIER_DATA_DIR: dataDir, HOST: '0.0.0.0', ATELIER_AUTH: undefined }; // a tool needs no ATELIER_AUTH
    const keys = (...args: string[]) => run(['keys', ...args], env);

    const admin = await keys('create', 'ops', '--admin');
    assert.equal(admin.code, 0, admin.stderr);
    const adminKey = lastLine(admin.stdout);
    assert.match(adminKey, /^atelier_[A-Za-z0-9_-]{43}$/);
    const user = await keys('create', 'dana');
    const userKey = lastLine(user.stdout);
    const second = await keys('create', 'dana');
    const secondKey = lastLine(second.stdout);
    assert.notEqual(secondKey, userKey);
    assert.match(second.stdout, /a new key for dana \(USER\)/);

    const listed = await keys('list');
    assert.equal(listed.code, 0, listed.stderr);
    const rows = listed.stdout.trimEnd().split('\n').map((line) => line.split('\t'));
    assert.deepEqual(rows.map(([name, role, prefix, , state]) => [name, role, prefix, state]), [
      ['dana', 'USER', `${userKey.slice(0, 14)}...`, 'active'],
      ['dana', 'USER', `${secondKey.slice(0, 14)}...`, 'active'],
      ['ops', 'ADMIN', `${adminKey.slice(0, 14)}...`, 'active'],
    ]);
    assert.ok(!listed.stdout.includes(userKey), 'list never shows a key');

    let server = await startTestServer({ dataDir, workers: 0, auth: 'keys' });
    try {
      assert.deepEqual((await keyedData(server.url, adminKey, ViewerDocument)).viewer.role, 'ADMIN');
      for (const key of [userKey, secondKey]) assert.equal((await keyedData(server.url, key, ViewerDocument)).viewer.name, 'dana');
      // No ATELIER_SECRET: the URL-signing secret was made in the data folder, readable by its owner only.
      const secret = await fs.stat(path.join(dataDir, 'server-secret'));
      assert.equal(secret.mode & 0o777, 0o600);
    } finally {
      await server.close();
    }

    const revoked = await keys('revoke', 'dana');
    assert.deepEqual([revoked.code, revoked.stdout], [0, 'revoked 2 keys of dana\n']);
    assert.match((await keys('list')).stdout, /^dana\tUSER\t\S+\.\.\.\tcreated \S+\trevoked \S+$/m);
    const unknown = await keys('revoke', 'nobody');
    assert.deepEqual([unknown.code, unknown.stderr], [1, 'there is no account named nobody\n']);
    const usage = await keys('rename', 'dana');
    assert.equal(usage.code, 1);
    assert.match(usage.stderr, /^usage: keys create NAME \[--admin\]/);

    server = await startTestServer({ dataDir, workers: 0, auth: 'keys' });
    try {
      assert.equal((await keyedRequest(server.url, userKey, ViewerDocument)).status, 401);
      assert.equal((await keyedData(server.url, adminKey, ViewerDocument)).viewer.name, 'ops');
    } finally {
      await server.close();
    }
  });

  test('import --owner NAME adds the pictures as that account\'s; export --owner NAME writes only its work', { timeout: 120_000 }, async () => {
    const dataDir = await tempDataDir();
    const env = { ATELIER_DATA_DIR: dataDir };
    const key = lastLine((await run(['keys', 'create', 'erin'], env)).stdout);
    const folder = path.join(dataDir, 'incoming');
    await fs.mkdir(folder);
    const parameters = (prompt: string) => `${prompt}\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 5, Size: 16x16, Model: sd15`;
    await fs.writeFile(path.join(folder, 'erin.png'), await pngWithText([{ keyword: 'parameters', text: parameters('an owl for erin') }], '#aa3300'));
    await fs.writeFile(path.join(dataDir, 'local.png'), await pngWithText([{ keyword: 'parameters', text: parameters('an owl for local') }], '#0033aa'));

    const imported = await run(['import', folder, '--owner', 'erin'], env);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal((await run(['import', path.join(dataDir, 'local.png')], env)).code, 0);
    const missing = await run(['import', folder, '--owner', 'ghost'], env);
    assert.deepEqual([missing.code, missing.stderr.includes('there is no account named ghost')], [1, true]);

    const server = await startTestServer({ dataDir, workers: 0, auth: 'keys' });
    try {
      const seen = (await keyedData(server.url, key, GenerationsDocument, { first: 10 })).generations.edges.map((e) => e.node.prompt);
      assert.deepEqual(seen, ['an owl for erin']);
    } finally {
      await server.close();
    }

    const out = path.join(dataDir, 'erin-export');
    const exported = await run(['export', out, '--owner', 'erin'], env);
    assert.equal(exported.code, 0, exported.stderr);
    const lines = (await fs.readFile(path.join(out, 'library.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { type: string; prompt?: string; text?: string });
    assert.deepEqual(lines.map((line) => line.prompt ?? line.text), ['an owl for erin', 'an owl for erin']);
  });
});

describe('starting on a network address', () => {
  test('HOST that is not loopback and no ATELIER_AUTH: the server refuses to start and says how to create a key', async () => {
    const result = await run(['serve'], { HOST: '0.0.0.0', PORT: '0', ATELIER_AUTH: undefined, ATELIER_DATA_DIR: await tempDataDir() });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^Invalid setting ATELIER_AUTH: HOST is 0\.0\.0\.0/);
    assert.match(result.stderr, /npm run keys -- create NAME --admin/);
    assert.match(result.stderr, /ATELIER_AUTH=keys/);
    assert.match(result.stderr, /ATELIER_AUTH=none/);
  });

  test('the auth setting: none by default on loopback names only; keys or none when set; anything else is a ConfigError', () => {
    for (const host of ['127.0.0.1', '127.4.5.6', '::1', '[::1]', 'localhost']) assert.equal(loadConfig({ HOST: host }).auth, 'none', host);
    for (const host of ['0.0.0.0', '::', '192.168.1.2', 'example.com', '127.0.0.1.example.com']) assert.throws(() => loadConfig({ HOST: host }), ConfigError, host);
    assert.equal(loadConfig({}).auth, 'none');
    assert.equal(loadConfig({ HOST: '10.0.0.1', ATELIER_AUTH: 'keys' }).auth, 'keys');
    assert.equal(loadConfig({ HOST: '10.0.0.1', ATELIER_AUTH: 'none' }).auth, 'none');
    assert.equal(loadConfig({ HOST: '10.0.0.1' }, process.cwd(), 'tool').auth, 'none');
    assert.throws(() => loadConfig({ HOST: '10.0.0.1' }), ConfigError);
    assert.throws(() => loadConfig({ ATELIER_AUTH: 'yes' }), /ATELIER_AUTH: expected one of keys, none/);
    assert.throws(() => loadConfig({ ATELIER_SECRET: 'short' }), /ATELIER_SECRET/);
    assert.throws(() => loadConfig({ ATELIER_IMAGE_URL_TTL: '5' }), /ATELIER_IMAGE_URL_TTL: 5 is outside 60/);
    assert.equal(loadConfig({}).imageUrlTtlSeconds, 86_400);
  });
});
