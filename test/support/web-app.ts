// Steps the web app's browser tests share: queueing a job from the Create form, and reading what the gallery shows.
import type { Page } from 'playwright-core';

/** Fills the create form and queues the job; `steps` and the size make it slow enough to watch. */
export async function generateFromForm(page: Page, prompt: string, settings: { steps: number; size: number }): Promise<void> {
  await page.locator('textarea[name=prompt]').fill(prompt);
  await page.locator('input[name=steps]').fill(String(settings.steps));
  await page.locator('input[name=width]').fill(String(settings.size));
  await page.locator('input[name=height]').fill(String(settings.size));
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
}

/** The prompts of the gallery's tiles (their titles), in grid order. */
export async function tilePrompts(page: Page): Promise<string[]> {
  return Promise.all((await page.locator('.grid .tile').all()).map(async (tile) => (await tile.getAttribute('title')) ?? ''));
}

/**
 * Presses the gallery's Search and returns the prompts of the tiles it then shows: waits for the app's search
 * request to be answered and for the grid to show exactly what the answer holds (so a grid left from the search
 * before is never read), then reads the grid.
 */
export async function searchGallery(page: Page): Promise<string[]> {
  const answered = page.waitForResponse((response) => response.url().endsWith('/graphql') && (response.request().postData() ?? '').includes('query Gallery'));
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const body = (await (await answered).json()) as { data: { searchImages: { totalCount: number; edges: Array<{ node: { generation: { prompt: string } } }> } } };
  const answer = body.data.searchImages.edges.map((edge) => edge.node.generation.prompt);
  // (A page expression as text: this file is compiled without the DOM's types.)
  await page.waitForFunction(`JSON.stringify([...document.querySelectorAll('.grid .tile')].map((tile) => tile.title)) === ${JSON.stringify(JSON.stringify(answer))}`);
  await page.locator('.count', { hasText: new RegExp(`^~?${body.data.searchImages.totalCount} images`) }).waitFor();
  return tilePrompts(page);
}
