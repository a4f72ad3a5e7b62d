// The live half of the console in Chromium: a staff page shows a toast within
// a second of an alert a child project raises over the signed bridge (signed
// by the test with Node's crypto); the header counts open alerts; the alerts
// page lists it, filters by severity and acknowledges it; the preferences page
// sets which alerts are mailed.
// Screenshots: artifacts/live-NN-<step>.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startHub } from '../lib/hub.mjs';
import { launchBrowser, artifactsDir, screenshotter } from '../lib/browser.mjs';
import { graphql as gql, setupOwner } from '../lib/api.mjs';
import { startChildProject, signedBridgeCall } from '../lib/peers.mjs';
import { LoginPage } from '../pages/LoginPage.mjs';
import { Layout } from '../pages/Layout.mjs';

const owner = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'correct horse battery staple 42' };

let hub;
let browser;
let child;
const consoleLines = [];

before(async () => {
  child = await startChildProject();
  hub = await startHub({ env: { HUB_RATE_LIMIT__PER_MINUTE: '10000' } });
  browser = await launchBrowser();
});

after(async () => {
  await writeFile(path.join(artifactsDir, 'live-console.log'), consoleLines.join('\n')).catch(() => {});
  await browser?.close();
  if (hub) {
    await writeFile(path.join(artifactsDir, 'live-hub.log'), hub.logs()).catch(() => {});
    await hub.stop();
  }
  await child?.close();
});

test('a bridge-raised alert toasts within a second; the alerts page acknowledges it', { timeout: 120_000 }, async () => {
  const token = await setupOwner(hub.baseUrl, owner);
  const credentials = await gql(hub.baseUrl,
    'mutation($i: RegisterProjectInput!) { registerProject(input: $i) { projectKey secret } }',
    { i: { slug: 'shopcore-api', name: 'ShopCore', baseUrl: child.url } }, token);
  const project = { slug: 'shopcore-api', key: credentials.registerProject.projectKey, secret: credentials.registerProject.secret };

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
  // The page's live connection is up once the server acknowledged it.
  const acknowledged = new Promise((resolve) => {
    page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
      if (String(payload).includes('connection_ack')) resolve();
    }));
  });
  const shot = await screenshotter(page, 'live-');
  const login = new LoginPage(page);
  await login.goto(hub.baseUrl);
  await login.login(owner.email, owner.password);
  await new Layout(page).waitUntilSignedIn();
  await acknowledged;
  await page.waitForTimeout(300); // the subscribe message follows the ack
  await shot('signed-in');

  const sent = Date.now();
  const answer = await signedBridgeCall(hub.baseUrl, project, '/api/internal/saas/alerts', {
    type: 'DISK_PRESSURE', severity: 'CRITICAL', message: 'ShopCore node-01 disk at 97 %',
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const toast = page.getByTestId('alert-toast').filter({ hasText: 'ShopCore node-01 disk at 97 %' });
  await toast.waitFor({ timeout: 1_000 });
  const elapsed = Date.now() - sent;
  assert.ok(elapsed < 1_000, `toast after ${elapsed} ms`);
  assert.equal(await toast.getAttribute('data-severity'), 'CRITICAL');
  await page.getByTestId('alert-count').filter({ hasText: '1' }).waitFor();
  await shot('toast');

  // A second, milder alert; then the alerts page, filtered and acknowledged.
  await signedBridgeCall(hub.baseUrl, project, '/api/internal/saas/alerts', {
    type: 'SLOW_QUERIES', severity: 'INFO', message: 'ShopCore queries slower than usual',
  });
  await page.getByTestId('alert-count').filter({ hasText: '2' }).waitFor();
  await page.getByTestId('alert-bell').click();
  await page.waitForURL((url) => url.pathname === '/alerts');
  const rows = page.getByTestId('alert-row');
  await rows.nth(1).waitFor();
  assert.deepEqual(await rows.getByTestId('alert-message').allTextContents(),
    ['ShopCore: ShopCore queries slower than usual', 'ShopCore: ShopCore node-01 disk at 97 %'], 'newest first, named after the project');
  await page.getByTestId('alert-severity').selectOption('CRITICAL');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="alert-row"]').length === 1);
  await shot('alerts-page-critical');
  await rows.first().getByTestId('alert-acknowledge').click();
  await rows.first().getByTestId('alert-acknowledged').waitFor();
  await page.getByTestId('alert-count').filter({ hasText: '1' }).waitFor();
  await shot('acknowledged');

  // The server agrees: one open alert left.
  const open = await gql(hub.baseUrl, 'query { alerts(acknowledged: false) { totalCount nodes { message } } }', {}, token);
  assert.equal(open.alerts.totalCount, 1);
  assert.equal(open.alerts.nodes[0].message, 'ShopCore: ShopCore queries slower than usual');

  // Which alerts are mailed: WARNING and up, plus one type whatever its severity.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Preferences' }).click();
  await page.waitForURL((url) => url.pathname === '/preferences');
  const settings = page.getByTestId('notification-settings-form');
  await settings.waitFor();
  assert.equal(await settings.getByTestId('notify-severity').inputValue(), 'CRITICAL', 'CRITICAL only by default');
  await settings.getByTestId('notify-severity').selectOption('WARNING');
  await settings.getByTestId('notify-types').fill('slow_queries');
  await settings.getByTestId('notify-save').click();
  await page.getByTestId('notice').waitFor();
  await shot('notification-settings');
  const saved = await gql(hub.baseUrl, 'query { notificationSettings { emailEnabled minSeverity alertTypes } }', {}, token);
  assert.deepEqual(saved.notificationSettings, { emailEnabled: true, minSeverity: 'WARNING', alertTypes: ['SLOW_QUERIES'] });
  await context.close();
});
