// The dashboards in Chromium. A customer with an order sees its server NEVER
// heard from, then ONLINE once the tenant heartbeats over REST; an approval the
// tenant asks for appears on the dashboard live (no reload) and is approved
// there. A staff OWNER sees the overview: what needs attention and the
// insights charts. Screenshots: artifacts/dashboard-NN-<step>.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startHub } from '../lib/hub.mjs';
import { launchBrowser, artifactsDir, screenshotter } from '../lib/browser.mjs';
import { graphql as gql, setupOwner } from '../lib/api.mjs';
import { LoginPage } from '../pages/LoginPage.mjs';
import { Layout } from '../pages/Layout.mjs';

const password = 'correct horse battery staple 42';
const owner = { name: 'Olivia Owner', email: 'olivia@example.com', password };
const customer = { name: 'Cora Customer', email: 'cora@example.com', password };

let hub;
let browser;
let ownerToken;
let orderId;
const consoleLines = [];

/** Calls the tenant REST shim; answers `{ status, body }`. */
async function tenant(pathname, key, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  const response = await fetch(`${hub.baseUrl}/api/v1/tenant/${pathname}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

before(async () => {
  hub = await startHub({ env: { HUB_RATE_LIMIT__AUTH_PER_MINUTE: '1000', HUB_RATE_LIMIT__PER_MINUTE: '10000' } });
  browser = await launchBrowser();
  const url = hub.baseUrl;
  ownerToken = await setupOwner(url, owner);
  const created = await gql(url, 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } setPasswordToken } }',
    { i: { name: customer.name, email: customer.email } }, ownerToken);
  await gql(url, 'mutation($t: String!, $p: String!) { setPassword(token: $t, password: $p) { accessToken } }', {
    t: created.createCustomer.setPasswordToken, p: customer.password,
  });
  const order = await gql(url, 'mutation($i: CreateOrderInput!) { createOrder(input: $i) { id } }',
    { i: { customerId: created.createCustomer.customer.id, domain: 'cora.example.com', tier: 'Build', tools: ['ghost'] } }, ownerToken);
  orderId = order.createOrder.id;
});

after(async () => {
  await writeFile(path.join(artifactsDir, 'dashboard-console.log'), consoleLines.join('\n')).catch(() => {});
  await browser?.close();
  if (hub) {
    await writeFile(path.join(artifactsDir, 'dashboard-hub.log'), hub.logs()).catch(() => {});
    await hub.stop();
  }
});

/** Resolves when the page's next live connection is acknowledged by the server. */
function nextAck(page) {
  return new Promise((resolve) => {
    page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
      if (String(payload).includes('connection_ack')) resolve();
    }));
  });
}

async function signIn(person, prefix) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (message) => consoleLines.push(`[${prefix}${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`[${prefix}pageerror] ${error.message}`));
  const login = new LoginPage(page);
  await login.goto(hub.baseUrl);
  await login.login(person.email, person.password);
  await new Layout(page).waitUntilSignedIn();
  await page.getByTestId('greeting').waitFor();
  return { context, page, shot: await screenshotter(page, `dashboard-${prefix}`) };
}

test('a customer sees the server come online and approves a request that arrives live', { timeout: 180_000 }, async () => {
  const { context, page, shot } = await signIn(customer, 'customer-');
  const servers = page.getByRole('region', { name: 'Your servers' });
  const state = servers.getByTestId('server-state');
  await state.waitFor();
  assert.equal(await state.getAttribute('data-status'), 'NEVER');
  assert.match(await servers.getByTestId('server-heartbeat').textContent(), /No heartbeat yet/);
  assert.equal(await servers.getByTestId('dashboard-order-link').getAttribute('href'), `/orders/${orderId}`);
  await page.getByTestId('dashboard-usage-chart').locator('svg').waitFor();
  await page.getByTestId('dashboard-no-approvals').waitFor();
  await page.getByTestId('dashboard-activity').waitFor();
  await shot('never');

  // The tenant registers and heartbeats over REST; a reload shows it ONLINE.
  const issued = await gql(hub.baseUrl, 'mutation($o: UUID!) { issueRegistrationToken(orderId: $o) }', { o: orderId }, ownerToken);
  const registered = await tenant('register', null, { registrationToken: issued.issueRegistrationToken });
  assert.equal(registered.status, 200, JSON.stringify(registered.body));
  const key = registered.body.data.hubApiKey;
  const beat = await tenant('heartbeat', key, {
    status: 'healthy', configVersion: 1, openclawVersion: 'v2026.2.1', safetyWrapperVersion: 'v1.0.3',
    resources: { cpuPercent: 23, memoryUsedMb: 4096, memoryTotalMb: 16384, diskUsedGb: 45, diskTotalGb: 90 },
  });
  assert.equal(beat.status, 200, JSON.stringify(beat.body));
  const acknowledged = nextAck(page);
  await page.reload();
  await page.getByTestId('greeting').waitFor();
  await page.locator('[data-testid="server-state"][data-status="ONLINE"]').waitFor();
  const heard = await page.getByTestId('server-heartbeat').textContent();
  assert.match(heard, /Last heartbeat/);
  assert.match(heard, /CPU 23 %/);
  assert.match(heard, /Disk 50 %/);
  await shot('online');

  // The tenant asks for an approval: it appears without a reload.
  await acknowledged;
  await page.waitForTimeout(300); // the subscribe messages follow the ack
  const asked = await tenant('approval-request', key, {
    agentId: 'it-admin', commandClass: 'red', toolName: 'file_delete', toolArgs: { path: '/tmp' },
    humanReadable: 'IT Admin wants to delete /tmp/cache',
  });
  assert.equal(asked.status, 201, JSON.stringify(asked.body));
  const approvals = page.getByTestId('dashboard-approvals');
  const row = approvals.getByTestId('approval-row').filter({ hasText: 'IT Admin wants to delete /tmp/cache' });
  await row.waitFor({ timeout: 5_000 });
  await shot('approval-live');
  await row.getByTestId('approve').click();
  await row.getByTestId('approval-decision').waitFor();
  assert.match(await row.getByTestId('approval-decision').textContent(), /APPROVED by you/);
  await shot('approved');

  // The tenant hears the decision.
  const answer = await fetch(`${hub.baseUrl}/api/v1/tenant/approval-response/${asked.body.data.id}`, { headers: { Authorization: `Bearer ${key}` } });
  assert.equal((await answer.json()).data.status, 'APPROVED');
  await context.close();
});

test('a staff owner sees the overview with the insights charts', { timeout: 120_000 }, async () => {
  const { context, page, shot } = await signIn(owner, 'owner-');
  const insights = page.getByRole('region', { name: 'Last 30 days' });
  await insights.waitFor();
  assert.equal(await insights.getAttribute('data-testid'), 'overview-insights');
  await insights.locator('svg').first().waitFor();
  assert.ok(await insights.locator('svg').count() >= 2, 'tokens and site errors per day');
  const counts = page.getByRole('region', { name: 'Needs attention' });
  await counts.getByTestId('overview-pending-approvals').waitFor();
  assert.equal(await counts.getByTestId('overview-pending-approvals').getByTestId('count').textContent(), '0');
  assert.equal(await counts.getByTestId('overview-open-alerts').getAttribute('href'), '/alerts');
  assert.equal(await page.getByTestId('dashboard-server').count(), 0, 'no customer sections for staff');
  await shot('overview');
  // An order count opens the orders list already filtered to that status.
  await counts.getByTestId('overview-failed').click();
  await page.waitForURL('**/orders?status=FAILED');
  assert.equal(await page.getByTestId('order-status-filter').inputValue(), 'FAILED');
  await context.close();
});
