// The staff console (issue 7) end to end, as an ADMIN: revoking a pending
// invitation makes its accept link fail; the webhook deliveries page lists
// every order's deliveries and filters them by status; a customer's token
// usage opens from the customer's page. Screenshots: artifacts/staff-NN-<step>.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHub } from '../lib/hub.mjs';
import { launchBrowser, artifactsDir, screenshotter } from '../lib/browser.mjs';
import { graphql as gql, setupOwner, addStaff, createCustomer, createOrder } from '../lib/api.mjs';
import { startSafetyWrapper } from '../lib/peers.mjs';
import { LoginPage } from '../pages/LoginPage.mjs';
import { Layout } from '../pages/Layout.mjs';

const owner = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'correct horse battery staple 42' };
const admin = { name: 'Adam Admin', email: 'adam@example.com', password: 'admin password 42 staple', role: 'ADMIN' };

let hub;
let browser;
let wrapper;
const consoleLines = [];
const ids = {};

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

/** Registers the order's server with `url` as its Safety Wrapper; answers its hub key. */
async function registerTenant(token, orderId, url) {
  const issued = await gql(hub.baseUrl, 'mutation($o: UUID!) { issueRegistrationToken(orderId: $o) }', { o: orderId }, token);
  const response = await fetch(`${hub.baseUrl}/api/v1/tenant/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ registrationToken: issued.issueRegistrationToken, safetyWrapperUrl: url }),
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.data.hubApiKey;
}

async function queueCommand(token, orderId) {
  await gql(hub.baseUrl, 'mutation($o: UUID!) { queueRemoteCommand(orderId: $o, command: RELOAD_CONFIG) { id } }', { o: orderId }, token);
}

before(async () => {
  await mkdir(artifactsDir, { recursive: true });
  wrapper = await startSafetyWrapper();
  hub = await startHub({ env: { HUB_RATE_LIMIT__PER_MINUTE: '10000', HUB_WEBHOOKS__POLL_INTERVAL_MS: '200' } });
  browser = await launchBrowser();
  const token = await setupOwner(hub.baseUrl, owner);
  await addStaff(hub.baseUrl, token, admin);
  ids.customer = (await createCustomer(hub.baseUrl, token, { name: 'Cora Customer', email: 'cora@example.com' })).id;
  ids.delivered = await createOrder(hub.baseUrl, token, { customerId: ids.customer, domain: 'cora.example.com', tier: 'Build', tools: [] });
  ids.stuck = await createOrder(hub.baseUrl, token, { customerId: ids.customer, domain: 'cora-two.example.com', tier: 'Build', tools: [] });
  // One server answers its webhooks; the other's address takes nothing, so its
  // delivery stays PENDING, retried.
  const hubKey = await registerTenant(token, ids.delivered, wrapper.url);
  await registerTenant(token, ids.stuck, 'http://127.0.0.1:9');
  await queueCommand(token, ids.delivered);
  await queueCommand(token, ids.stuck);
  await eventually(() => wrapper.received.length >= 1, 'the first webhook to arrive');
  // An hour of token usage reported by the customer's server.
  const hour = new Date(Date.now() - 3_600_000).toISOString().slice(0, 13) + ':00:00Z';
  const usage = await fetch(`${hub.baseUrl}/api/v1/tenant/usage`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${hubKey}` },
    body: JSON.stringify({ buckets: [{
      agentId: 'secretary', model: 'claude-sonnet', bucketHour: hour, tokensInput: 1200, tokensOutput: 300,
      tokensCacheRead: 0, tokensCacheWrite: 0, webSearchCount: 0, webFetchCount: 0, costCents: 4,
    }] }),
  });
  assert.equal(usage.status, 200, await usage.text());
  const invited = await gql(hub.baseUrl, 'mutation { inviteStaff(email: "ivy@example.com", role: SUPPORT) { token } }', {}, token);
  ids.invitationLink = `${hub.baseUrl}/accept-invitation?token=${encodeURIComponent(invited.inviteStaff.token)}`;
});

after(async () => {
  await writeFile(path.join(artifactsDir, 'staff-console.log'), consoleLines.join('\n')).catch(() => {});
  await browser?.close();
  if (hub) {
    await writeFile(path.join(artifactsDir, 'staff-hub.log'), hub.logs()).catch(() => {});
    await hub.stop();
  }
  await wrapper?.close();
});

test('an ADMIN revokes an invitation, filters webhook deliveries and reads a customer\'s usage', { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
  const shot = await screenshotter(page, 'staff-');
  const login = new LoginPage(page);
  await login.goto(hub.baseUrl);
  await login.login(admin.email, admin.password);
  await new Layout(page).waitUntilSignedIn();
  const nav = page.getByRole('navigation', { name: 'Main' });

  // The invitation is open until the ADMIN revokes it; then its link fails.
  await page.goto(`${hub.baseUrl}/staff`);
  const invitation = page.getByTestId('invitation-row').filter({ hasText: 'ivy@example.com' });
  await invitation.waitFor();
  await page.getByTestId('invitations-pager').waitFor();
  await invitation.getByTestId('invitation-revoke').click();
  await shot('revoke-confirm');
  await invitation.getByTestId('invitation-revoke-confirm').click();
  await invitation.waitFor({ state: 'detached' });
  await page.getByText('Invitation revoked').waitFor();
  await shot('invitation-revoked');
  await page.goto(ids.invitationLink);
  await page.getByTestId('invitation-error').waitFor();
  assert.equal(await page.getByTestId('accept-invitation-form').count(), 0, 'no form for a revoked invitation');
  await shot('revoked-link-fails');

  // Every order's deliveries, then only the DELIVERED one, with its attempts.
  await page.goto(`${hub.baseUrl}/`);
  await nav.getByRole('link', { name: 'Webhooks', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/webhooks');
  const rows = page.getByTestId('webhook-row');
  await eventually(async () => (await rows.count()) === 2, 'both orders\' deliveries');
  await page.getByTestId('webhooks-pager').waitFor();
  await shot('webhooks-all');
  await eventually(async () => {
    await page.getByTestId('webhook-status-filter').selectOption('PENDING');
    await page.getByTestId('webhook-status-filter').selectOption('DELIVERED');
    await sleep(300);
    return (await rows.count()) === 1;
  }, 'the DELIVERED filter');
  const delivered = rows.first();
  assert.equal(await delivered.getAttribute('data-status'), 'DELIVERED');
  await delivered.getByTestId('webhook-attempts').locator('summary').click();
  assert.match(await delivered.getByTestId('webhook-attempts').textContent(), /#1 · .* · HTTP 200/);
  assert.equal(await delivered.getByRole('link', { name: 'Order' }).getAttribute('href'), `/orders/${ids.delivered}`);
  await shot('webhooks-delivered');
  await page.getByTestId('webhook-status-filter').selectOption('PENDING');
  await eventually(async () => (await rows.count()) === 1 && (await rows.first().getAttribute('data-status')) === 'PENDING', 'the PENDING filter');
  assert.equal(await rows.first().getByRole('link', { name: 'Order' }).getAttribute('href'), `/orders/${ids.stuck}`);
  await shot('webhooks-pending');

  // The customer's usage, from the customer's page.
  await page.goto(`${hub.baseUrl}/customers/${ids.customer}`);
  await page.getByTestId('customer-usage-link').click();
  await page.waitForURL((url) => url.pathname === `/customers/${ids.customer}/usage`);
  const usageRow = page.getByTestId('usage-row').filter({ hasText: 'secretary' });
  await usageRow.waitFor();
  assert.match(await usageRow.textContent(), /1\.5k|1,500|1500/);
  await shot('customer-usage');
  await context.close();
});
