// graphql-http's audits of the GraphQL-over-HTTP spec against the real server: every one passes, with
// application/graphql-response+json answered as the spec says and application/json as older clients expect.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serverAudits, type AuditResult } from 'graphql-http';
import { suiteServer } from '../support/test-server.js';

async function runAudits(url: string, fetchFn: typeof fetch): Promise<Array<{ name: string; result: AuditResult }>> {
  const results = [];
  for (const audit of serverAudits({ url, fetchFn })) results.push({ name: audit.name, result: await audit.fn() });
  return results;
}

describe('the graphql-http audits', () => {
  const server = suiteServer({ workers: 0 });

  test('a client that sends the CSRF-prevention header (as non-browser clients should) passes every audit', async () => {
    // Apollo's CSRF prevention refuses GETs without a non-simple header; the audits' own client sends none.
    const withPreflightHeader: typeof fetch = (input, init = {}) =>
      fetch(input, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), 'apollo-require-preflight': 'true' } });
    const results = await runAudits(`${server().url}/graphql`, withPreflightHeader);
    assert.ok(results.length >= 50, `only ${results.length} audits`);
    const failed = results.filter(({ result }) => result.status !== 'ok').map(({ name, result }) => `${result.status}: ${name}: ${'reason' in result ? result.reason : ''}`);
    assert.deepEqual(failed, []);
  });

  test('without that header no audit warns or errs: only optional GETs are refused, by CSRF prevention', async () => {
    const results = await runAudits(`${server().url}/graphql`, fetch);
    const serious = results.filter(({ result }) => result.status === 'warn' || result.status === 'error').map(({ name }) => name);
    assert.deepEqual(serious, []);
    const notices = results.filter(({ result }) => result.status === 'notice').map(({ name }) => name);
    assert.ok(notices.every((name) => /GET/.test(name)), notices.join('; '));
  });
});
