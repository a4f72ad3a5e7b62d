// Debian's Chromium driven by playwright-core. Never `npx playwright install`:
// these machines cannot download browsers, and the system one is enough.

import { chromium } from 'playwright-core';
import { mkdir, writeFile } from 'node:fs/promises';
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

/**
 * One test file's browser pages and artifacts: `newPage(label)` opens a page
 * in a context of its own that logs its console, `shot(page, name)` saves
 * `<prefix>-NN-<name>.png` numbered across every page, `snap(page, name)`
 * saves `<prefix>-<name>.png`, and `save(hub)` writes `<prefix>-console.log`
 * and `<prefix>-hub.log`.
 */
export function testRun(browser, prefix) {
  const consoleLines = [];
  let step = 0;
  const write = async (name, page) => {
    await mkdir(artifactsDir, { recursive: true });
    await page.screenshot({ path: path.join(artifactsDir, `${prefix}-${name}.png`), fullPage: true });
  };
  return {
    async newPage(label, viewport = { width: 1200, height: 900 }) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      page.on('console', (message) => consoleLines.push(`[${label}] [${message.type()}] ${message.text()}`));
      page.on('pageerror', (error) => consoleLines.push(`[${label}] [pageerror] ${error.message}`));
      return { context, page };
    },
    async shot(page, name) {
      step += 1;
      await write(`${String(step).padStart(2, '0')}-${name}`, page);
    },
    snap: (page, name) => write(name, page),
    async save(hub) {
      await mkdir(artifactsDir, { recursive: true });
      await writeFile(path.join(artifactsDir, `${prefix}-console.log`), consoleLines.join('\n')).catch(() => {});
      if (hub) await writeFile(path.join(artifactsDir, `${prefix}-hub.log`), hub.logs()).catch(() => {});
    },
  };
}
