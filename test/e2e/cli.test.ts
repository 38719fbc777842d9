import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { tempDataDir, tinyModelsDir } from '../support/test-server.js';

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

/** Starts `main.js serve` as a real process and resolves with its URL once it logs that it is serving. */
async function serve(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN, 'serve'], { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) {
        if (line.includes('"Atelier is serving"')) resolve((JSON.parse(line) as { url: string }).url.replace(/\/graphql$/, ''));
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  return { child, url };
}

// A hang here is the failure (shutdown never finishing), so the test gets a generous limit instead of none.
test('the server process serves, and exits cleanly on SIGTERM even with a job running', { timeout: 60_000 }, async () => {
  const { child, url } = await serve({ ATELIER_DATA_DIR: await tempDataDir(), ATELIER_MODELS_DIR: await tinyModelsDir(), LOG_LEVEL: 'info' });
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation { generate(input: {prompt: "x", steps: 150, width: 512, height: 512}) { id } }' }),
  });
  assert.equal(response.status, 200);
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});

test('a bad setting stops the server with a message naming the variable', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, [MAIN, 'serve'], { env: { ...process.env, ATELIER_WORKERS: 'many' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = await once(child, 'exit');
  assert.equal(code, 1);
  assert.match(stderr, /Invalid setting ATELIER_WORKERS: expected an integer, got "many"/);
});
