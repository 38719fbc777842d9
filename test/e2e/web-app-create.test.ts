// The web app's Create screen, in a real browser against the real server with toy-shapes on one worker: img2img
// from an uploaded file, the seed's lock and dice, and a job's place in the queue while it waits behind another.
// What the app queued is read back over the API.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { GenerationDocument, type GenerationFieldsFragment } from '../generated/operations.js';
import { foreignRequests, launchBrowser, noBrowser } from '../support/browser.js';
import { requestData } from '../support/graphql-client.js';
import { suiteServer } from '../support/test-server.js';
import { generateFromForm } from '../support/web-app.js';

const REPO_MODELS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../models');

describe('the web app: create', { skip: noBrowser }, () => {
  const server = suiteServer({ workers: 1, modelsDir: REPO_MODELS, defaultModel: 'toy-shapes', previewEvery: 1 });
  let browser: Browser;
  let page: Page;
  let foreign: string[];
  const pageErrors: string[] = [];

  /** What the server stored for the job a card shows (over the API, not through the app). */
  async function stored(card: ReturnType<Page['locator']>): Promise<GenerationFieldsFragment> {
    const id = await card.getAttribute('data-generation-id');
    assert.ok(id, 'the job card names its generation');
    const { generation } = await requestData(server().url, GenerationDocument, { id });
    assert.ok(generation, `generation ${id} exists`);
    return generation;
  }
  /** Queues from the form and returns the new job's card, once its picture is in (cards are newest first). */
  async function finishedJob(prompt: string): Promise<ReturnType<Page['locator']>> {
    const before = await page.locator('.job').count();
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await page.locator('.job').nth(before).waitFor();
    const card = page.locator('.job').first();
    assert.equal(await card.locator('.job-prompt').innerText(), prompt);
    await card.locator('.tile').waitFor();
    return card;
  }

  before(async () => {
    browser = await launchBrowser();
    page = await browser.newPage();
    foreign = foreignRequests(page, server().url);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server().url}/`);
    await page.locator('select[name=model] option[value="toy-shapes"]').waitFor({ state: 'attached' });
  });
  after(async () => {
    assert.deepEqual(foreign, [], 'requests to other hosts');
    assert.deepEqual(pageErrors, [], 'errors in the page');
    await browser?.close();
  });

  it('starts img2img from an uploaded file', async () => {
    // A 96x64 picture: a blue block on the left half of a white one.
    const png = await sharp({ create: { width: 96, height: 64, channels: 3, background: 'white' } })
      .composite([{ input: await sharp({ create: { width: 48, height: 64, channels: 3, background: 'blue' } }).png().toBuffer(), left: 0, top: 0 }])
      .png()
      .toBuffer();
    await page.getByLabel('start from a picture').setInputFiles({ name: 'start.png', mimeType: 'image/png', buffer: png });
    const shown = page.getByRole('img', { name: 'the picture to start from' });
    await shown.waitFor();
    // The upload's size becomes the job's.
    assert.equal(await page.locator('input[name=width]').inputValue(), '96');
    assert.equal(await page.locator('input[name=height]').inputValue(), '64');
    await page.getByText('img2img (paint to inpaint a part)').waitFor();
    const prompt = 'a blue square on the left, white background';
    await page.locator('textarea[name=prompt]').fill(prompt);
    await page.locator('input[name=steps]').fill('6');
    const generation = await stored(await finishedJob(prompt));
    assert.ok(generation.initImageId, 'started from a picture');
    assert.ok((await shown.getAttribute('src'))?.includes(generation.initImageId), 'the one uploaded and shown');
    assert.equal(generation.maskImageId, null, 'nothing painted: the whole picture');
    assert.equal(generation.denoisingStrength, 0.75);
    assert.deepEqual([generation.width, generation.height, generation.images[0]?.width, generation.images[0]?.height], [96, 64, 96, 64]);
    await page.getByRole('button', { name: 'Text to image instead' }).click();
  });

  it('keeps a locked seed across generations; the dice gives a new one', async () => {
    const seed = page.locator('input[name=seed]');
    const lock = page.getByRole('button', { name: 'keep this seed' });
    await seed.fill('424242');
    await lock.click();
    assert.equal(await lock.getAttribute('aria-pressed'), 'true');
    await page.locator('input[name=steps]').fill('3');
    await page.locator('input[name=width]').fill('64');
    await page.locator('input[name=height]').fill('64');
    await page.locator('textarea[name=prompt]').fill('a small red circle, white background');
    const first = await stored(await finishedJob('a small red circle, white background'));
    assert.equal(await seed.inputValue(), '424242', 'still in the form');
    const second = await stored(await finishedJob('a small red circle, white background'));
    assert.deepEqual([first.seed, second.seed], ['424242', '424242']);

    await page.getByRole('button', { name: 'random seed' }).click();
    const rolled = await seed.inputValue();
    assert.match(rolled, /^\d+$/);
    assert.notEqual(rolled, '424242');
    const third = await stored(await finishedJob('a small red circle, white background'));
    assert.equal(third.seed, rolled, 'the dice roll, kept by the lock');
    assert.equal(await seed.inputValue(), rolled);

    // Unlocked, each job takes a new random seed: the field empties once the job is queued.
    await lock.click();
    assert.equal(await lock.getAttribute('aria-pressed'), 'false');
    const fourth = await stored(await finishedJob('a small red circle, white background'));
    assert.equal(await seed.inputValue(), '');
    assert.equal(fourth.seed, rolled, 'this job still had the seed in the form');
    const fifth = await stored(await finishedJob('a small red circle, white background'));
    assert.notEqual(fifth.seed, rolled, 'the next one a random seed');
  });

  it('shows the queue position of a job waiting behind another', async () => {
    await generateFromForm(page, 'a large green square in the center, black background', { steps: 150, size: 256 });
    const running = page.locator('.job', { hasText: 'large green square' });
    // The first job holds the only worker before the second is queued.
    await running.locator('.job-status', { hasText: 'running' }).waitFor();
    await generateFromForm(page, 'a tiny yellow circle, black background', { steps: 3, size: 64 });
    const waiting = page.locator('.job', { hasText: 'tiny yellow circle' });
    await waiting.locator('.job-status', { hasText: 'queued, position 1' }).waitFor();
    const queued = await stored(waiting);
    assert.equal(queued.status, 'QUEUED');
    assert.equal(queued.queuePosition, 1, 'the API agrees: next to start');

    await running.getByRole('button', { name: 'Cancel' }).click();
    await running.locator('.job-status', { hasText: 'cancelled' }).waitFor();
    // The worker is free: the waiting job runs and its picture comes.
    await waiting.locator('.tile').waitFor();
    assert.equal((await stored(waiting)).status, 'COMPLETED');
  });
});
