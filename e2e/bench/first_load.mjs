// First load of the SPA on localhost: a fresh browser context (empty cache)
// opens /login on a running `hub serve`; the clock stops when the sign-in form
// is on screen, i.e. the WASM is downloaded, compiled and has rendered.
// Prints each run and the median; docs/benchmarks.md quotes the median.
//
//   cd e2e && node bench/first_load.mjs            (RUNS=15 by default)
//
// Needs the release SPA in ../dist (`trunk build --release --offline`) and
// $HUB_BIN, like the e2e tests. SPA_DIR=… serves another build instead (e.g. a
// copy of dist/ without the .gz files, to see what precompression buys).

import { startHub } from '../lib/hub.mjs';
import { launchBrowser } from '../lib/browser.mjs';

const runs = Number(process.env.RUNS ?? 15);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const hub = await startHub({ env: process.env.SPA_DIR ? { HUB_SPA_DIR: process.env.SPA_DIR } : {} });
const browser = await launchBrowser();
try {
  const timings = [];
  let transferred = 0;
  for (let run = 0; run <= runs; run += 1) {
    const context = await browser.newContext();
    const page = await context.newPage();
    let bytes = 0;
    page.on('response', async (response) => {
      const length = Number(response.headers()['content-length'] ?? 0);
      bytes += length;
    });
    const started = performance.now();
    await page.goto(`${hub.baseUrl}/login`);
    await page.getByLabel('Email').waitFor({ state: 'visible' });
    const elapsed = performance.now() - started;
    await context.close();
    // Run 0 warms the server's file cache and is not counted.
    if (run > 0) {
      timings.push(elapsed);
      transferred = bytes;
      console.log(`run ${run}: ${elapsed.toFixed(0)} ms`);
    }
  }
  console.log(`first load to the sign-in form: median ${median(timings).toFixed(0)} ms, ` +
    `min ${Math.min(...timings).toFixed(0)} ms, max ${Math.max(...timings).toFixed(0)} ms over ${runs} runs; ` +
    `${transferred} bytes transferred (content-length sum)`);
} finally {
  await browser.close();
  await hub.stop();
}
