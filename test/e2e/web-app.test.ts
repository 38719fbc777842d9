// The web app at /, in a real browser against the real server with toy-shapes: generate and watch the preview
// change step by step until the picture appears, cancel, search the gallery and open an image, favorite, tag,
// collect and filter, remix (with a changed prompt), read a PNG's parameters. It talks to the server only through the public API, as any frontend would.
// The gallery's selection, filters and image page: web-app-library.test.ts; img2img uploads, the seed lock and the
// queue position: web-app-create.test.ts.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { foreignRequests, launchBrowser, noBrowser, screenshot } from '../support/browser.js';
import { suiteServer } from '../support/test-server.js';
import { createKey } from '../support/accounts.js';
import { generateFromForm as generate } from '../support/web-app.js';

const REPO_MODELS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../models');

interface StoredGeneration {
  initImageId: string | null;
  maskImageId: string | null;
  denoisingStrength: number | null;
  loras: Array<{ name: string; weight: number }>;
  hires: { width: number } | null;
  images: Array<{ width: number }>;
  width: number;
  height: number;
  steps: number;
}

describe('the web app', { skip: noBrowser }, () => {
  /** What the server stored for a job the app queued (read over the API, not through the app). */
  async function apiGeneration(id: string | null): Promise<StoredGeneration> {
    assert.ok(id, 'the job card names its generation');
    const response = await fetch(`${server().url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query($id: ID!) { generation(id: $id) { initImageId maskImageId denoisingStrength loras { name weight } hires { width } images { width } width height steps } }', variables: { id } }),
    });
    const body = (await response.json()) as { data: { generation: StoredGeneration } };
    return body.data.generation;
  }

  const server = suiteServer({ workers: 1, modelsDir: REPO_MODELS, defaultModel: 'toy-shapes', previewEvery: 1 });
  let browser: Browser;
  let page: Page;
  let foreign: string[];
  const pageErrors: string[] = [];
  before(async () => {
    browser = await launchBrowser();
    page = await browser.newPage();
    foreign = foreignRequests(page, server().url);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server().url}/`);
  });
  after(async () => {
    assert.deepEqual(foreign, [], 'requests to other hosts');
    assert.deepEqual(pageErrors, [], 'errors in the page');
    await browser?.close();
  });

  it('generates: the preview changes step by step, then the picture appears in place', async () => {
    await generate(page, 'a large red circle in the center, blue background', { steps: 40, size: 128 });
    const job = page.locator('.job').first();
    const steps = new Set<string>();
    const previews = new Set<string>();
    // Each preview is read as it is shown, until the finished picture takes its place.
    while ((await job.locator('.tile').count()) === 0) {
      const preview = job.locator('img.preview');
      if ((await preview.count()) > 0) {
        const [step, src] = await Promise.all([preview.getAttribute('data-step'), preview.getAttribute('src')]).catch(() => [null, null]);
        if (step) steps.add(step);
        if (src) previews.add(src);
      }
      await page.waitForTimeout(20);
    }
    assert.ok(steps.size >= 3, `previews of several steps were shown: ${[...steps].join(', ')}`);
    assert.ok(previews.size >= 3, 'and each step\'s picture differs');
    assert.equal(await job.locator('.job-status').innerText(), 'completed');
    const thumbnail = job.locator('.tile img');
    assert.ok(await thumbnail.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth > 0), 'the picture loaded');
    await screenshot(page, 'web-create.png');
  });

  it('cancels a running job', async () => {
    await generate(page, 'a small green square in the top left, white background', { steps: 150, size: 256 });
    const job = page.locator('.job').first();
    await job.locator('img.preview').waitFor();
    await job.getByRole('button', { name: 'Cancel' }).click();
    await job.locator('.job-status', { hasText: 'cancelled' }).waitFor();
    assert.equal(await job.locator('.tile').count(), 0);
  });

  it('searches the gallery, opens an image, favorites it and filters by favorites', async () => {
    await generate(page, 'a yellow triangle at the bottom, black background', { steps: 10, size: 64 });
    await page.locator('.job').first().locator('.tile').waitFor();
    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.locator('.grid .tile').nth(1).waitFor();
    await page.getByRole('searchbox', { name: 'search' }).fill('triangel');
    await page.getByRole('button', { name: 'Search' }).click();
    // The typo still finds the triangle; it is the only match.
    await page.locator('.count', { hasText: '1 images' }).waitFor();
    await screenshot(page, 'web-gallery.png');
    await page.locator('.grid .tile').first().click();
    await page.locator('.generation-prompt', { hasText: 'yellow triangle' }).waitFor();
    await page.getByRole('button', { name: '☆ Favorite' }).click();
    await page.getByRole('button', { name: '★ Favorite' }).waitFor();
    await screenshot(page, 'web-image.png');

    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.getByRole('checkbox', { name: 'favorites' }).check();
    await page.getByRole('searchbox', { name: 'search' }).fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('.count', { hasText: '1 images' }).waitFor();
    assert.match((await page.locator('.grid .tile').first().getAttribute('title')) ?? '', /yellow triangle/);
  });

  it('remixes an image from its page', async () => {
    await page.getByRole('checkbox', { name: 'favorites' }).uncheck();
    await page.locator('.grid .tile').first().click();
    await page.getByRole('button', { name: 'Remix' }).first().click();
    const remix = page.locator('.generation .job').first();
    await remix.locator('.tile').waitFor();
    assert.match(await remix.locator('.job-prompt').innerText(), /yellow triangle/);
  });

  it('tags an image and adds it to a collection, then filters the gallery by each', async () => {
    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.getByRole('searchbox', { name: 'search' }).fill('triangle');
    await page.getByRole('button', { name: 'Search' }).click();
    // The triangle and its remix; the first one gets the tag.
    await page.locator('.count', { hasText: /^2 images/ }).waitFor();
    await page.locator('.grid .tile').first().click();
    await page.getByRole('textbox', { name: 'new tag' }).fill('keeper');
    await page.getByRole('button', { name: 'Tag', exact: true }).click();
    await page.getByRole('list', { name: 'tags' }).getByText('keeper').waitFor();
    await page.getByRole('combobox', { name: 'collection name' }).fill('best of');
    await page.getByRole('button', { name: 'Add to collection' }).click();
    await page.getByText('in best of (1)').waitFor();

    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.getByRole('textbox', { name: 'tags' }).fill('keeper');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('.count', { hasText: /^1 images/ }).waitFor();
    assert.match((await page.locator('.grid .tile').first().getAttribute('title')) ?? '', /yellow triangle/);
    await page.getByRole('textbox', { name: 'tags' }).fill('');
    await page.getByRole('combobox', { name: 'collection' }).selectOption({ label: 'best of (1)' });
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('.count', { hasText: /^1 images/ }).waitFor();
    await page.getByRole('combobox', { name: 'collection' }).selectOption({ label: 'any collection' });
  });

  it('remixes with a changed prompt', async () => {
    await page.locator('.grid .tile').first().click();
    await page.getByRole('textbox', { name: 'remix prompt' }).fill('a yellow triangle at the bottom, red background');
    await page.getByRole('button', { name: 'Remix' }).click();
    const remix = page.locator('.generation .job').first();
    await remix.locator('.tile').waitFor();
    assert.equal(await remix.locator('.job-prompt').innerText(), 'a yellow triangle at the bottom, red background');
  });

  it("opens a picture's parameters from its PNG and takes them into the form", async () => {
    const picture = await page.locator('.generation figure img').first().getAttribute('src');
    const png = Buffer.from(await (await fetch(new URL(picture!, server().url))).arrayBuffer());
    await page.getByRole('link', { name: 'Create' }).click();
    await page.locator('input[name=picture]').setInputFiles({ name: 'triangle.png', mimeType: 'image/png', buffer: png });
    const info = page.getByLabel('picture info');
    await info.getByText('AUTOMATIC1111').waitFor();
    assert.match(await info.innerText(), /yellow triangle/);
    await info.getByRole('button', { name: 'Use these settings' }).click();
    assert.match(await page.locator('textarea[name=prompt]').inputValue(), /yellow triangle/);
    assert.equal(await page.locator('input[name=steps]').inputValue(), '10');
  });

  it('queues a job with a LoRA and the hires fix', async () => {
    await page.getByRole('link', { name: 'Create' }).click();
    await page.getByRole('combobox', { name: 'add a LoRA' }).selectOption('toy-bar');
    await page.getByRole('spinbutton', { name: 'toy-bar weight' }).fill('0.8');
    await page.locator('input[name=hires]').check();
    await page.locator('input[name=hiresScale]').fill('2');
    await generate(page, 'a large blue square in the center, orange background', { steps: 8, size: 64 });
    const job = page.locator('.job').first();
    await job.locator('.tile').waitFor({ timeout: 120_000 });
    const generation = await apiGeneration(await job.getAttribute('data-generation-id'));
    assert.deepEqual(generation.loras.map(({ name, weight }) => [name, weight]), [['toy-bar', 0.8]]);
    assert.equal(generation.hires?.width, 128, 'the second pass at twice the size');
    assert.equal(generation.images[0]?.width, 128);
  });

  it('starts from a gallery picture and repaints the part painted with the brush', async () => {
    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.locator('.grid .tile').first().click();
    const source = await page.locator('.generation figure img').first().getAttribute('src');
    await page.getByRole('button', { name: 'Start from this picture' }).first().click();
    const canvas = page.getByLabel('mask: paint what to redraw');
    await canvas.waitFor();
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.5, { steps: 8 });
    await page.mouse.up();
    await page.getByText('inpainting the painted part').waitFor();
    await generate(page, 'a red circle', { steps: 8, size: 64 });
    const job = page.locator('.job').first();
    await job.locator('.tile').waitFor();
    const generation = await apiGeneration(await job.getAttribute('data-generation-id'));
    assert.ok(source?.includes(generation.initImageId!), 'started from the picture shown');
    assert.ok(generation.maskImageId, 'with the painted mask');
    assert.equal(generation.denoisingStrength, 0.75);
  });

  it('leaves the parameters written in the prompt (--ar, --steps) to the API', async () => {
    await page.getByRole('link', { name: 'Create' }).click();
    // (Back to text to image if the test before left a picture to start from.)
    const textToImage = page.getByRole('button', { name: 'Text to image instead' });
    if ((await textToImage.count()) > 0) await textToImage.click();
    await generate(page, 'a small purple circle, white background --ar 2:1 --steps 6', { steps: 30, size: 64 });
    const job = page.locator('.job').first();
    await job.locator('.tile').waitFor();
    const generation = await apiGeneration(await job.getAttribute('data-generation-id'));
    assert.ok(generation.width > generation.height, `2:1 (${generation.width}x${generation.height})`);
    assert.equal(generation.steps, 6);
  });

  it('favorites from the grid', async () => {
    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.getByRole('searchbox', { name: 'search' }).fill('purple circle');
    // By words: every word must be there, so the purple circle is the only match.
    await page.getByRole('combobox', { name: 'search mode' }).selectOption('WORDS');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('.count', { hasText: /^1 images/ }).waitFor();
    const tile = page.locator('.tile-box', { has: page.locator('.tile[title*="purple circle"]') });
    await tile.getByRole('button', { name: 'favorite', exact: true }).click();
    await tile.getByRole('button', { name: 'unfavorite', exact: true }).waitFor();
    await page.getByRole('searchbox', { name: 'search' }).fill('');
    await page.getByRole('checkbox', { name: 'favorites' }).check();
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('.grid .tile[title*="purple circle"]').waitFor();
    await page.getByRole('checkbox', { name: 'favorites' }).uncheck();
    await page.getByRole('combobox', { name: 'search mode' }).selectOption('HYBRID');
  });

  it('works from the keyboard', async () => {
    await page.getByRole('link', { name: 'Create' }).click();
    await page.locator('textarea[name=prompt]').waitFor();
    for (let presses = 0; presses < 12 && !(await page.locator('textarea[name=prompt]').evaluate((element) => element === element.ownerDocument.activeElement)); presses++) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.type('a large white triangle on the left, black background');
    for (let presses = 0; presses < 12 && !(await page.locator('input[name=steps]').evaluate((element) => element === element.ownerDocument.activeElement)); presses++) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('6');
    await page.keyboard.press('Enter');
    await page.locator('.job', { hasText: 'white triangle on the left' }).locator('.tile').waitFor();
  });

  it('completes the prompt from the library as it is typed', async () => {
    await page.getByRole('link', { name: 'Create' }).click();
    await page.locator('textarea[name=prompt]').fill('');
    await page.locator('textarea[name=prompt]').pressSequentially('a yellow tri', { delay: 20 });
    const suggestion = page.getByRole('list', { name: 'suggestions' }).getByRole('button', { name: /yellow triangle/ }).first();
    await suggestion.click();
    assert.match(await page.locator('textarea[name=prompt]').inputValue(), /^a yellow triangle/);
  });

  it('scrolls the gallery: the next page comes as the end of the grid comes into view', async () => {
    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.getByRole('button', { name: 'Search' }).click();
    const before = Number((await page.locator('.count', { hasText: /images/ }).innerText()).replace(/\D/g, ''));
    // 32 more pictures through the API (a page of the gallery is 30).
    for (let batch = 0; batch < 4; batch++) {
      const response = await fetch(`${server().url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation($input: GenerateInput!) { generate(input: $input) { id } }', variables: { input: { prompt: `filler ${batch}`, steps: 1, batchSize: 8 } } }),
      });
      assert.ok(((await response.json()) as { data?: unknown }).data, 'queued');
    }
    // Searched again until all are stored: newest first, the fillers fill the first page.
    for (let tries = 0; tries < 100; tries++) {
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForTimeout(200);
      if (Number((await page.locator('.count').innerText()).replace(/\D/g, '')) >= before + 32) break;
    }
    assert.equal(await page.locator('.grid .tile').count(), 30, 'one page at first');
    await page.locator('.sentinel').scrollIntoViewIfNeeded();
    await page.locator('.grid .tile').nth(30).waitFor();
  });

  it('fits a phone screen and follows dark mode', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    try {
      for (const hash of ['#/', '#/gallery']) {
        await phone.goto(`${server().url}/${hash}`);
        await phone.locator(hash === '#/' ? 'textarea[name=prompt]' : '.grid .tile').first().waitFor();
        // (Evaluated in the page, so written as text: this file is compiled without the DOM's types.)
        const { overflow, background } = (await phone.evaluate(
          '({ overflow: document.documentElement.scrollWidth - window.innerWidth, background: getComputedStyle(document.body).backgroundColor })',
        )) as { overflow: number; background: string };
        assert.equal(overflow, 0, `${hash}: nothing wider than the screen`);
        const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number);
        assert.ok((r! + g! + b!) / 3 < 80, `${hash}: a dark background (${background})`);
      }
      // The selection's actions too, the widest thing the gallery shows.
      await phone.locator('.select-toggle').first().check();
      await phone.getByRole('button', { name: 'Delete selected…' }).waitFor();
      assert.equal(await phone.evaluate('document.documentElement.scrollWidth - window.innerWidth'), 0, 'the selection bar fits');
      await screenshot(phone, 'web-phone-dark.png');
    } finally {
      await phone.close();
    }
  });

  it('shows the API\'s error next to the field at fault', async () => {
    await page.getByRole('link', { name: 'Create' }).click();
    await generate(page, 'a blue circle', { steps: 500, size: 64 });
    const message = page.locator('#steps-error');
    await message.waitFor();
    assert.match(await message.innerText(), /steps/i);
  });
});

describe('the web app with API keys on', { skip: noBrowser }, () => {
  const server = suiteServer({ workers: 0, modelsDir: REPO_MODELS, defaultModel: 'toy-shapes', auth: 'keys', secret: 'a test secret of at least thirty-two characters' });

  it('asks for a key, keeps it in this browser, and signs out', async () => {
    const key = await createKey(server(), 'web-user');
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${server().url}/`);
      await page.getByLabel('API key').fill(key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      // Signed in, the app reads the models with the key.
      await page.locator('select[name=model] option[value="toy-shapes"]').waitFor({ state: 'attached' });
      await page.reload();
      await page.locator('select[name=model] option[value="toy-shapes"]').waitFor({ state: 'attached' });
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('API key').waitFor();
    } finally {
      await browser.close();
    }
  });
});
