// Starts the real `hub` binary for a test: fresh SQLite database and data
// directory in a temp dir, a free port, the built SPA from <repo>/dist.
// Tests talk to it over HTTP exactly as a browser or integrator would.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const hubBin = process.env.HUB_BIN ?? '/root/.cache/hub-target/debug/hub';

const READY_TIMEOUT_MS = 30_000;

/** Asks the OS for a port nobody is listening on. */
async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Runs `$HUB_BIN serve` and resolves once `GET /readyz` answers 200.
 * @param {{ env?: Record<string, string> }} [options] extra environment
 * @returns {Promise<{ baseUrl: string, dataDir: string, logs: () => string, stop: () => Promise<void> }>}
 */
export async function startHub({ env = {} } = {}) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hub-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const output = [];
  // DATABASE_URL would override HUB_DATABASE_URL: the test's database is its own.
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child = spawn(hubBin, ['serve'], {
    env: {
      ...inherited,
      HUB_DATABASE_URL: `sqlite://${dataDir}/hub.db`,
      HUB_DATA_DIR: dataDir,
      HUB_BIND: `127.0.0.1:${port}`,
      HUB_SPA_DIR: path.join(repoRoot, 'dist'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk) => output.push(chunk.toString()));
  let exited = null;
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.once('error', (error) => {
      exited = { error };
      resolve();
    });
  });
  const logs = () => output.join('');

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const killed = await Promise.race([exit.then(() => true), sleep(5_000).then(() => false)]);
      if (!killed) {
        child.kill('SIGKILL');
        await exit;
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`hub exited before it was ready (${JSON.stringify(exited)}):\n${logs()}`);
    }
    try {
      const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`hub was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${logs()}`);
    }
    await sleep(200);
  }
  return { baseUrl, dataDir, logs, stop };
}
