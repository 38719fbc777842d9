// The web app's gallery and image page, in a real browser against the real server with toy-shapes: the filters
// (model, sampler, size, dates) narrowing the grid; several images selected in the grid and tagged, collected,
// favorited and deleted together (the grid changing in place, the API holding the change); copy prompt, download
// and delete on an image's page. The pictures are made over the API first; what the app did is read back over it.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CollectionsDocument, GenerationDocument, SearchImagesDocument, type GenerateInput, type GenerationFieldsFragment, type LibrarySearchInput } from '../generated/operations.js';
import { foreignRequests, launchBrowser, noBrowser } from '../support/browser.js';
import { completedGeneration } from '../support/generations.js';
import { requestData } from '../support/graphql-client.js';
import { suiteServer } from '../support/test-server.js';
import { searchGallery, tilePrompts } from '../support/web-app.js';

const REPO_MODELS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../models');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// Three pictures that differ in model, sampler and size; the gallery lists them newest first.
const CIRCLE: GenerateInput = { prompt: 'a red circle in the center, white background', model: 'toy-shapes', sampler: 'euler', steps: 4, width: 64, height: 64, seed: '1' };
const SQUARE: GenerateInput = { prompt: 'a blue square on the left, black background', model: 'toy-shapes-hires', sampler: 'euler', steps: 4, width: 64, height: 64, seed: '2' };
const TRIANGLE: GenerateInput = { prompt: 'a green triangle at the top, white background', model: 'toy-shapes', sampler: 'ddim', steps: 4, width: 128, height: 64, seed: '3' };
const ALL = [TRIANGLE.prompt, SQUARE.prompt, CIRCLE.prompt];

describe('the web app: gallery and image page', { skip: noBrowser }, () => {
  const server = suiteServer({ workers: 1, modelsDir: REPO_MODELS, defaultModel: 'toy-shapes', previewEvery: 0 });
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let foreign: string[];
  const pageErrors: string[] = [];
  const made = new Map<string, GenerationFieldsFragment>();

  /** The ids of the images the API finds for `input` (read over the API, not through the app). */
  async function apiImages(input: LibrarySearchInput): Promise<Set<string>> {
    const { searchImages } = await requestData(server().url, SearchImagesDocument, { input, first: 100 });
    return new Set(searchImages.edges.map((edge) => edge.node.id));
  }
  const imageOf = (input: GenerateInput) => made.get(input.prompt)!.images[0]!.id;
  const tile = (input: GenerateInput) => page.locator('.tile-box', { has: page.locator(`.tile[title="${input.prompt}"]`) });
  const checkbox = (input: GenerateInput) => page.getByRole('checkbox', { name: `select ${input.prompt}` });
  const bar = () => page.getByRole('region', { name: 'selection' });

  before(async () => {
    for (const input of [CIRCLE, SQUARE, TRIANGLE]) made.set(input.prompt, await completedGeneration(server().url, input, input.prompt));
    browser = await launchBrowser();
    // Far east of UTC: a day picked in the date filters is the browser's day, not UTC's.
    context = await browser.newContext({ timezoneId: 'Pacific/Kiritimati' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server().url });
    page = await context.newPage();
    foreign = foreignRequests(page, server().url);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server().url}/#/gallery`);
    await page.locator('.grid .tile').nth(2).waitFor();
  });
  after(async () => {
    assert.deepEqual(foreign, [], 'requests to other hosts');
    assert.deepEqual(pageErrors, [], 'errors in the page');
    await browser?.close();
  });

  it('narrows the grid by model, sampler, size and date', async () => {
    assert.deepEqual(await tilePrompts(page), ALL, 'all three, newest first');
    const model = page.getByRole('combobox', { name: 'model' });
    await model.selectOption('toy-shapes-hires');
    assert.deepEqual(await searchGallery(page), [SQUARE.prompt], 'by model');
    await model.selectOption('');
    await page.getByRole('combobox', { name: 'sampler' }).selectOption('ddim');
    assert.deepEqual(await searchGallery(page), [TRIANGLE.prompt], 'by sampler');
    await page.getByRole('combobox', { name: 'sampler' }).selectOption('');
    const width = page.getByRole('spinbutton', { name: 'width' });
    await width.fill('128');
    assert.deepEqual(await searchGallery(page), [TRIANGLE.prompt], 'by width');
    await width.fill('64');
    assert.deepEqual(await searchGallery(page), [SQUARE.prompt, CIRCLE.prompt], 'by width');
    await width.fill('');
    await page.getByRole('spinbutton', { name: 'height' }).fill('64');
    assert.deepEqual(await searchGallery(page), ALL, 'every one is 64 high');
    await page.getByRole('spinbutton', { name: 'height' }).fill('');

    // The browser's today, yesterday and tomorrow as the date inputs take them (YYYY-MM-DD).
    const day = (offset: number) => page.evaluate(`new Date(Date.now() + ${offset} * 86400000).toLocaleDateString('en-CA')`) as Promise<string>;
    const [yesterday, today, tomorrow] = [await day(-1), await day(0), await day(1)];
    const since = page.getByLabel('created after');
    const until = page.getByLabel('created until');
    await since.fill(tomorrow);
    assert.deepEqual(await searchGallery(page), [], 'none made since tomorrow');
    await since.fill(today);
    assert.deepEqual(await searchGallery(page), ALL, 'all made since today');
    await since.fill('');
    await until.fill(yesterday);
    assert.deepEqual(await searchGallery(page), [], 'none made until yesterday');
    await until.fill(today);
    assert.deepEqual(await searchGallery(page), ALL, 'until today includes today');
    await until.fill('');
    assert.deepEqual(await searchGallery(page), ALL);
  });

  it('selects several images with the checkboxes: shift-click for a range, the keyboard for one', async () => {
    await checkbox(TRIANGLE).check();
    await checkbox(CIRCLE).click({ modifiers: ['Shift'] });
    await bar().getByText('3 images selected').waitFor();
    for (const input of [TRIANGLE, SQUARE, CIRCLE]) assert.equal(await checkbox(input).isChecked(), true, `${input.prompt} is in the range`);
    await checkbox(SQUARE).focus();
    await page.keyboard.press('Space');
    await bar().getByText('2 images selected').waitFor();
    assert.equal(await checkbox(SQUARE).isChecked(), false);
    assert.equal(await tile(SQUARE).getAttribute('data-selected'), null);
  });

  it("shows the API's error for a tag it refuses, and tags nothing", async () => {
    await bar().getByRole('combobox', { name: 'tag for the selection' }).fill('bad,tag');
    await bar().getByRole('button', { name: 'Add tag' }).click();
    assert.match(await bar().getByRole('alert').innerText(), /no comma/);
    assert.equal((await apiImages({ tags: ['bad'] })).size, 0);
  });

  it('tags the selection, adds it to a new collection and favorites it: the grid shows it, the API has it', async () => {
    await bar().getByRole('combobox', { name: 'tag for the selection' }).fill('Keeper');
    await bar().getByRole('button', { name: 'Add tag' }).click();
    await bar().getByText('Tagged 2 images “keeper”').waitFor();
    assert.equal(await tile(TRIANGLE).getByLabel('tags').innerText(), 'keeper', 'shown on the tile in place');
    assert.equal(await tile(CIRCLE).getByLabel('tags').innerText(), 'keeper');
    assert.equal(await tile(SQUARE).getByLabel('tags').count(), 0);
    assert.deepEqual(await apiImages({ tags: ['keeper'] }), new Set([imageOf(TRIANGLE), imageOf(CIRCLE)]));

    await bar().getByRole('combobox', { name: 'collection for the selection' }).fill('bulk picks');
    await bar().getByRole('button', { name: 'Add to collection' }).click();
    await bar().getByText('Added to bulk picks, now 2 images').waitFor();
    const { collections } = await requestData(server().url, CollectionsDocument, { first: 10, imagesFirst: 10 });
    const picks = collections.edges.find(({ node }) => node.name === 'bulk picks')?.node;
    assert.deepEqual(new Set(picks?.images.edges.map((edge) => edge.node.id)), new Set([imageOf(TRIANGLE), imageOf(CIRCLE)]));

    await bar().getByRole('button', { name: 'Favorite selected', exact: true }).click();
    await bar().getByText('Favorited 2 images').waitFor();
    assert.equal(await tile(TRIANGLE).getByRole('button', { name: 'unfavorite', exact: true }).count(), 1, 'the star in place');
    assert.equal(await tile(SQUARE).getByRole('button', { name: 'favorite', exact: true }).count(), 1);
    assert.deepEqual(await apiImages({ favoritesOnly: true }), new Set([imageOf(TRIANGLE), imageOf(CIRCLE)]));
  });

  it('filters the grid by the new tag and the new collection', async () => {
    await page.getByRole('textbox', { name: 'tags' }).fill('keeper');
    assert.deepEqual(await searchGallery(page), [TRIANGLE.prompt, CIRCLE.prompt]);
    await page.getByRole('textbox', { name: 'tags' }).fill('');
    // The collection the selection made is offered at once, with its count.
    await page.getByRole('combobox', { name: 'collection', exact: true }).selectOption({ label: 'bulk picks (2)' });
    assert.deepEqual(await searchGallery(page), [TRIANGLE.prompt, CIRCLE.prompt]);
    assert.equal(await bar().getByText(/selected$/).count(), 0, 'a new search starts a new selection');
  });

  it('removes from the collection shown and untags: the grid changes in place', async () => {
    await checkbox(CIRCLE).check();
    await bar().getByRole('combobox', { name: 'collection for the selection' }).fill('bulk picks');
    await bar().getByRole('button', { name: 'Remove from collection' }).click();
    await bar().getByText('Removed from bulk picks, now 1 image').waitFor();
    assert.deepEqual(await tilePrompts(page), [TRIANGLE.prompt], 'it left the collection shown');
    await page.locator('.count', { hasText: /^1 images/ }).waitFor();
    await page.getByRole('combobox', { name: 'collection', exact: true }).locator('option', { hasText: 'bulk picks (1)' }).waitFor({ state: 'attached' });

    await bar().getByRole('button', { name: 'Select all shown' }).click();
    await bar().getByRole('combobox', { name: 'tag for the selection' }).fill('keeper');
    await bar().getByRole('button', { name: 'Remove tag' }).click();
    await bar().getByText('Untagged 1 image “keeper”').waitFor();
    assert.equal(await tile(TRIANGLE).getByLabel('tags').count(), 0);
    assert.deepEqual(await apiImages({ tags: ['keeper'] }), new Set([imageOf(CIRCLE)]));

    await bar().getByRole('button', { name: 'Unfavorite selected', exact: true }).click();
    await bar().getByText('Unfavorited 1 image').waitFor();
    assert.deepEqual(await apiImages({ favoritesOnly: true }), new Set([imageOf(CIRCLE)]));
    await page.getByRole('combobox', { name: 'collection', exact: true }).selectOption('');
  });

  it('deletes the selection after asking, and not when the question is declined', async () => {
    assert.deepEqual(await searchGallery(page), ALL);
    await checkbox(SQUARE).check();
    page.once('dialog', (dialog) => void dialog.dismiss());
    await bar().getByRole('button', { name: 'Delete selected…' }).click();
    assert.deepEqual(await tilePrompts(page), ALL, 'declined: nothing deleted');
    const square = made.get(SQUARE.prompt)!.id;
    assert.ok((await requestData(server().url, GenerationDocument, { id: square })).generation);

    const question = new Promise<string>((resolve) => page.once('dialog', (dialog) => (resolve(dialog.message()), void dialog.accept())));
    await bar().getByRole('button', { name: 'Delete selected…' }).click();
    assert.match(await question, /Delete 1 generation/);
    await bar().getByText('Deleted 1 generation').waitFor();
    assert.deepEqual(await tilePrompts(page), [TRIANGLE.prompt, CIRCLE.prompt], 'gone from the grid in place');
    assert.equal((await requestData(server().url, GenerationDocument, { id: square })).generation, null, 'and from the server');
  });

  it("copies an image's prompt and downloads its PNG from its page", async () => {
    await tile(CIRCLE).locator('.tile').click();
    await page.locator('.generation-prompt', { hasText: CIRCLE.prompt }).waitFor();
    await page.getByRole('button', { name: 'Copy prompt' }).click();
    await page.getByRole('status').getByText('Copied').waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), CIRCLE.prompt);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download' }).first().click()]);
    assert.equal(download.suggestedFilename(), `atelier-${CIRCLE.seed}.png`);
    const bytes = await fs.readFile((await download.path())!);
    assert.deepEqual(bytes.subarray(0, 8), PNG_SIGNATURE, 'a PNG');
    const stored = Buffer.from(await (await fetch(new URL(made.get(CIRCLE.prompt)!.images[0]!.url, server().url))).arrayBuffer());
    assert.ok(bytes.equals(stored), 'the picture the server stored');
  });

  it('deletes a generation from its page', async () => {
    const circle = made.get(CIRCLE.prompt)!.id;
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.waitForURL(/#\/gallery$/);
    await page.locator('.grid .tile').first().waitFor();
    assert.equal((await requestData(server().url, GenerationDocument, { id: circle })).generation, null);
    assert.deepEqual(await searchGallery(page), [TRIANGLE.prompt]);
  });
});
