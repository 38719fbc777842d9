// GraphiQL at /graphql: the bundled page (no CDN), its example operations valid against the schema, and a real
// browser loading the schema offline, running a query, and streaming a subscription over graphql-ws.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parse, validate } from 'graphql';
import type { Browser, Locator, Page } from 'playwright-core';
import { buildAppSchema } from '../../src/graphql/schema.js';
import { createKey } from '../support/accounts.js';
import { foreignRequests, launchBrowser, noBrowser, screenshot } from '../support/browser.js';
import { suiteServer } from '../support/test-server.js';

const EXAMPLES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/src/graphiql/examples');
const HTML = { accept: 'text/html,application/xhtml+xml' };

/** The page a browser gets at /graphql, and the assets it names. */
async function graphiqlPage(url: string): Promise<{ response: Response; html: string; assets: string[] }> {
  const response = await fetch(`${url}/graphql`, { headers: HTML });
  const html = await response.text();
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]!);
  return { response, html, assets };
}

/** Replaces what an editor holds, as a user would: select all, then the new text. */
async function replaceText(page: Page, editor: Locator, text: string): Promise<void> {
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
  // The editor closes brackets and quotes as they open: what it added after the text goes.
  await page.keyboard.press('Shift+ControlOrMeta+End');
  await page.keyboard.press('Delete');
}

describe('GraphiQL at /graphql', () => {
  const server = suiteServer({ workers: 1 });

  it('opens with example operations that are valid against the schema', async () => {
    const schema = await buildAppSchema();
    const files = (await fs.readdir(EXAMPLES_DIR)).filter((file) => file.endsWith('.graphql'));
    assert.ok(files.length >= 4, `examples in ${EXAMPLES_DIR}`);
    for (const file of files) {
      const errors = validate(schema, parse(await fs.readFile(path.join(EXAMPLES_DIR, file), 'utf8')));
      assert.deepEqual(errors.map((error) => error.message), [], file);
    }
  });

  it('gives a browser the bundled page, with its assets from this server only, and API clients GraphQL', async () => {
    const { url } = server();
    const { response, html, assets } = await graphiqlPage(url);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.match(html, /name="atelier-auth" content="off"/);
    // Apollo's landing page (Sandbox from its CDN, Google Fonts) is off; nothing on the page is from elsewhere.
    assert.doesNotMatch(html, /apollographql|embeddable-sandbox|fonts\.googleapis|https?:\/\//);
    assert.ok(assets.length >= 2, 'a script and a stylesheet');
    for (const asset of assets) {
      const file = await fetch(`${url}${asset}`);
      assert.equal(file.status, 200, asset);
      assert.match(file.headers.get('content-type') ?? '', asset.endsWith('.css') ? /^text\/css/ : /^text\/javascript/, asset);
      assert.match(file.headers.get('cache-control') ?? '', /immutable/);
      await file.arrayBuffer();
    }
    // Only files the build wrote exist: a made-up or escaping path is a 404, never a file from elsewhere.
    for (const missing of ['/assets/nothing.js', '/assets/../graphiql.html', '/assets/%2e%2e/package.json']) {
      assert.equal((await fetch(`${url}${missing}`)).status, 404, missing);
    }
    // A GET with a query in it, and every POST, is still GraphQL, whatever the client accepts.
    // (A GET needs a header a page elsewhere could not send without a preflight: Apollo's CSRF prevention.)
    const get = await fetch(`${url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'application/json, text/html', 'apollo-require-preflight': 'true' } });
    assert.equal(((await get.json()) as { data?: { __typename?: string } }).data?.__typename, 'Query');
    const post = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/html' }, body: JSON.stringify({ query: '{ __typename }' }) });
    assert.equal(((await post.json()) as { data?: { __typename?: string } }).data?.__typename, 'Query');
  });

  describe('in a real browser', { skip: noBrowser }, () => {
    let browser: Browser;
    before(async () => {
      browser = await launchBrowser();
    });
    after(async () => browser?.close());

    it('loads the schema offline, runs a query and streams a subscription over graphql-ws', async () => {
      const { url } = server();
      const page = await browser.newPage();
      const foreign = foreignRequests(page, url);
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${url}/graphql`);
      await page.waitForSelector('.graphiql-query-editor .monaco-editor');

      // The schema's docs, from introspection.
      await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
      await page.locator('.graphiql-doc-explorer').getByText('mutation: Mutation').waitFor();

      // The first tab's query, run.
      await page.getByRole('button', { name: /^Execute query/ }).click();
      await page.locator('.graphiql-response').getByText('"isDefault": true').waitFor();
      await screenshot(page, 'graphiql.png');
      // (The editor shows spaces as no-break spaces: \s matches both.)
      assert.match(await page.locator('.graphiql-response').innerText(), /"name":\s"tiny"/);

      // Generate, then watch that generation's events through the subscription tab.
      await page.getByRole('button', { name: 'Generate', exact: true }).click();
      await page.getByRole('button', { name: /^Execute query/ }).click();
      await page.locator('.graphiql-response').getByText('"status"').waitFor();
      const id = /"id":\s"([^"]+)"/.exec(await page.locator('.graphiql-response').innerText())?.[1];
      assert.ok(id, 'generate answered with an id');
      await page.getByRole('button', { name: 'Watch', exact: true }).click();
      await page.getByRole('button', { name: 'Variables', exact: true }).click();
      await replaceText(page, page.locator('.graphiql-editor-tool .monaco-editor').first(), JSON.stringify({ id }));
      await page.getByRole('button', { name: /^Execute query/ }).click();
      await page.locator('.graphiql-response').getByText('"COMPLETED"').waitFor({ timeout: 60_000 });

      assert.deepEqual(foreign, [], 'requests to other hosts');
      assert.deepEqual(pageErrors, []);
      await page.close();
    });
  });
});

describe('GraphiQL with API keys on', () => {
  const server = suiteServer({ workers: 0, auth: 'keys', secret: 'a test secret of at least thirty-two characters' });

  it('is served without a key and presets the Authorization header; the key typed in is sent', { skip: noBrowser }, async () => {
    const { url } = server();
    const { response, html } = await graphiqlPage(url);
    assert.equal(response.status, 200);
    assert.match(html, /name="atelier-auth" content="keys"/);

    const key = await createKey(server(), 'graphiql-user');
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${url}/graphql`);
      await page.waitForSelector('.graphiql-query-editor .monaco-editor');
      // The placeholder is no key: the API says so.
      await page.getByRole('button', { name: /^Execute query/ }).click();
      await page.locator('.graphiql-response').getByText('UNAUTHENTICATED').waitFor();
      // The headers editor is open with the placeholder; with a real key the same query answers.
      const headers = page.locator('.graphiql-editor-tool .monaco-editor').last();
      assert.match(await headers.innerText(), /Bearer/);
      await replaceText(page, headers, JSON.stringify({ Authorization: `Bearer ${key}` }));
      await page.getByRole('button', { name: /^Execute query/ }).click();
      await page.locator('.graphiql-response').getByText('"isDefault": true').waitFor();
    } finally {
      await browser.close();
    }
  });
});
