// Debian's Chromium driven by playwright-core. Never `npx playwright install`:
// these machines cannot download browsers, and the system one is enough.

import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const artifactsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * Numbers and saves a full-page screenshot per step, so a failed run shows
 * how far it got: artifacts/01-setup-form.png, artifacts/02-…
 */
export async function screenshotter(page, prefix = '') {
  await mkdir(artifactsDir, { recursive: true });
  let step = 0;
  return async (name) => {
    step += 1;
    const file = path.join(artifactsDir, `${prefix}${String(step).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}
