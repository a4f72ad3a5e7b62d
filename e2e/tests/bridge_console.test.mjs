// The REST-shim pages end to end: an OWNER registers a child project (key and
// secret shown once), the child's signed heartbeat makes it LIVE, a ping and a
// licensed site go out signed to the child (which verifies them with its own
// crypto), the sync log shows both directions; on an order the OWNER issues a
// registration token, the tenant registers with it, and a queued command's
// webhook reaches the Safety Wrapper after a failed first attempt, then is sent
// again from the page. Screenshots: artifacts/bridge-NN-<step>.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHub } from '../lib/hub.mjs';
import { launchBrowser, artifactsDir } from '../lib/browser.mjs';
import { graphql as gql, setupOwner, createCustomer, createOrder } from '../lib/api.mjs';
import { startChildProject, startSafetyWrapper, signedBridgeCall } from '../lib/peers.mjs';
import { LoginPage } from '../pages/LoginPage.mjs';
import { Layout } from '../pages/Layout.mjs';

const owner = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'correct horse battery staple 42' };

let hub;
let browser;
let child;
let wrapper;
const consoleLines = [];
const ids = {};

before(async () => {
  await mkdir(artifactsDir, { recursive: true });
  child = await startChildProject();
  wrapper = await startSafetyWrapper({ failFirst: 1 });
  // A first failed webhook is retried after about a second, not 30.
  hub = await startHub({
    env: { HUB_RATE_LIMIT__PER_MINUTE: '10000', HUB_WEBHOOKS__BASE_BACKOFF_MS: '1000', HUB_WEBHOOKS__POLL_INTERVAL_MS: '200' },
  });
  browser = await launchBrowser();
  ids.token = await setupOwner(hub.baseUrl, owner);
  ids.customer = (await createCustomer(hub.baseUrl, ids.token, { name: 'Cora Customer', email: 'cora@example.com' })).id;
  ids.order = await createOrder(hub.baseUrl, ids.token, { customerId: ids.customer, domain: 'cora.example.com', tier: 'Build', tools: [] });
});

after(async () => {
  await writeFile(path.join(artifactsDir, 'bridge-console.log'), consoleLines.join('\n')).catch(() => {});
  await browser?.close();
  if (hub) {
    await writeFile(path.join(artifactsDir, 'bridge-hub.log'), hub.logs()).catch(() => {});
    await hub.stop();
  }
  await child?.close();
  await wrapper?.close();
});

/** Polls `check` until it answers truthy or `ms` pass. */
async function eventually(check, what, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

test('bridge and tenant pages: projects, sites, sync log, registration token, webhooks', { timeout: 180_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
  let step = 0;
  const shot = async (name) => {
    step += 1;
    await page.screenshot({ path: path.join(artifactsDir, `bridge-${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  const login = new LoginPage(page);
  await login.goto(hub.baseUrl);
  await login.login(owner.email, owner.password);
  await new Layout(page).waitUntilSignedIn();

  // Register the child project: its key and secret are shown once.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/projects');
  await page.getByTestId('empty').waitFor();
  await page.getByLabel('Slug').fill('shopcore-api');
  await page.getByLabel('Name').fill('ShopCore API');
  await page.getByLabel('Base URL').fill(child.url);
  await page.getByTestId('register-project-submit').click();
  const credentials = page.getByTestId('project-credentials');
  await credentials.waitFor();
  const key = await page.getByTestId('project-key').inputValue();
  const secret = await page.getByTestId('project-secret').inputValue();
  assert.match(key, /\S{16,}/);
  assert.ok(secret.length >= 32, 'a secret worth the name');
  child.project = { slug: 'shopcore-api', key, secret };
  await shot('project-registered-secret-shown-once');
  await credentials.getByRole('button', { name: 'Done, hide the secret' }).click();
  await credentials.waitFor({ state: 'detached' });
  const row = page.getByTestId('project-row').filter({ hasText: 'shopcore-api' });
  assert.equal(await row.getByTestId('status').getAttribute('data-status'), 'NEVER', 'no heartbeat yet');

  // The child's signed heartbeat makes it LIVE; a ping goes out signed.
  const beat = await signedBridgeCall(hub.baseUrl, child.project, '/api/internal/saas/project/heartbeat', {
    machine: { host: 'shopcore-node-01' }, runtime: { version: '2.4.0' }, health: { status: 'ok' },
  });
  assert.equal(beat.status, 200, JSON.stringify(beat.body));
  await page.reload();
  await eventually(async () => (await row.getByTestId('status').getAttribute('data-status')) === 'LIVE', 'the project to be LIVE');
  await row.getByTestId('ping-project').click();
  await eventually(async () => (await row.getByTestId('last-ping').textContent()).startsWith('OK'), 'a successful ping');
  const ping = child.calls.find((c) => c.path === '/api/health');
  assert.ok(ping?.verified, 'the child verified Hub\'s signature on the ping');
  await shot('project-live-and-pinged');

  // A licensed site: the licence through the API, the site through the page.
  await gql(hub.baseUrl, 'mutation($i: CreateLicenseInput!) { createLicense(input: $i) { id } }', {
    i: { customerId: ids.customer, projectSlug: 'shopcore-api', plan: 'PRO', maxSites: 3 },
  }, ids.token);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sites', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/sites');
  const addSite = page.getByTestId('add-site-form');
  await addSite.waitFor();
  const licenceChoices = addSite.getByTestId('site-license').locator('option');
  await eventually(async () => (await licenceChoices.count()) === 2, 'the licence to be offered');
  await addSite.getByTestId('site-license').selectOption({ index: 1 });
  await addSite.getByLabel('Name').fill('Velori');
  await addSite.getByLabel('Slug').fill('velori');
  await addSite.getByLabel('Domain').fill('velori.example.com');
  await addSite.getByTestId('add-site-submit').click();
  const siteRow = page.getByTestId('site-row').filter({ hasText: 'velori' });
  await eventually(async () => (await siteRow.count()) === 1
    && (await siteRow.getByTestId('status').getAttribute('data-status')) === 'ACTIVE', 'the site to be ACTIVE');
  const provision = child.calls.find((c) => c.path === '/api/internal/saas/vendors/provision');
  assert.ok(provision?.verified, 'the child verified Hub\'s signature on provisioning');
  assert.equal(JSON.parse(provision.body).domain, 'velori.example.com');
  await shot('site-active');

  // The sync log has the inbound heartbeat and the outbound calls.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sync log', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/sync-log');
  const logRows = page.getByTestId('sync-log-row');
  await logRows.first().waitFor();
  const logText = (await logRows.allTextContents()).join('\n');
  for (const endpoint of ['project/heartbeat', '/api/health', 'vendors/provision']) {
    assert.ok(logText.includes(endpoint), `the sync log shows ${endpoint}:\n${logText}`);
  }
  await page.getByTestId('sync-direction').selectOption('OUTBOUND');
  await eventually(async () => !(await logRows.allTextContents()).join('\n').includes('project/heartbeat'), 'the OUTBOUND filter');
  await shot('sync-log-outbound');

  // The order: a registration token, shown once, registers the tenant.
  await page.goto(`${hub.baseUrl}/orders/${ids.order}`);
  await page.getByTestId('issue-registration-token').click();
  const registrationToken = (await page.getByTestId('registration-token').textContent()).trim();
  await shot('registration-token-shown-once');
  const registered = await fetch(`${hub.baseUrl}/api/v1/tenant/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ registrationToken, safetyWrapperUrl: wrapper.url }),
  });
  const registeredBody = await registered.json();
  assert.equal(registered.status, 200, JSON.stringify(registeredBody));
  wrapper.secret = registeredBody.data.webhookSecret;
  assert.match(wrapper.secret, /^whsec_/);

  // A queued command is pushed: 503 first, then delivered, both signatures valid.
  await gql(hub.baseUrl, 'mutation($o: UUID!) { queueRemoteCommand(orderId: $o, command: RELOAD_CONFIG) { id } }', { o: ids.order }, ids.token);
  await eventually(() => wrapper.received.length >= 2, 'the retried webhook', 20_000);
  const [first, second] = wrapper.received;
  assert.equal(first.id, second.id, 'the retry carries the same webhook-id');
  assert.equal(second.event, 'command.queued');
  assert.equal(second.path, '/webhooks/command');
  assert.ok(second.letsBeVerified && second.standardVerified, 'both signatures verify');
  const deliveries = page.getByTestId('webhook-row');
  await eventually(async () => {
    await page.reload();
    await deliveries.first().waitFor();
    return (await deliveries.first().getByTestId('status').getAttribute('data-status')) === 'DELIVERED';
  }, 'the delivery to show DELIVERED');
  await shot('webhook-delivered');

  // Sent again from the page: the wrapper gets the same event once more.
  await deliveries.first().getByTestId('redeliver-webhook').click();
  await eventually(() => wrapper.received.length >= 3, 'the redelivered webhook');
  assert.equal(wrapper.received[2].id, first.id);
  assert.ok(wrapper.received[2].standardVerified);
  await shot('webhook-redelivered');
  await context.close();
});
