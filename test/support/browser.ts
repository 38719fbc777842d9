// A real headless browser for end-to-end tests: Debian's chromium driven by playwright-core. Where chromium is
// not installed the browser tests skip with a message (`.ci/run` installs it).
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A skip reason for node:test when there is no browser to drive, else false. */
export const noBrowser: string | false = fs.existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;

export function launchBrowser(): Promise<Browser> {
  // No sandbox: CI runs as root. No background networking: the browser itself must not call home either.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'] });
}

/**
 * Every URL the page asks for that is not the server's own (or data:/blob:), for asserting that a page works
 * offline: nothing may come from a CDN.
 */
export function foreignRequests(page: Page, origin: string): string[] {
  const foreign: string[] = [];
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
  });
  return foreign;
}

/** Saves the page for the README when ATELIER_SCREENSHOTS names a folder (docs/images). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.ATELIER_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.ATELIER_SCREENSHOTS, name) });
}
