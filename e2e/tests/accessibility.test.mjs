// Accessibility with axe-core: the main pages as the OWNER, a SUPPORT member
// and a customer (and /setup, /login signed out) with real data in them — a
// customer with an order, a tenant's usage and a pending approval — must have
// no violation of impact "serious" or "critical". A failure lists each rule,
// the elements and what axe says to fix.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startHub } from '../lib/hub.mjs';
import { launchBrowser, artifactsDir, testRun } from '../lib/browser.mjs';
import { addStaff, createOrder, graphql, setupOwner } from '../lib/api.mjs';
import { seriousViolations, describeViolations } from '../lib/axe.mjs';
import { registerTenant } from '../lib/tenant.mjs';
import { LoginPage } from '../pages/LoginPage.mjs';
import { Layout } from '../pages/Layout.mjs';
import { SetupPage } from '../pages/SetupPage.mjs';

const owner = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'owner password long enough 1' };
const support = { name: 'Sam Support', email: 'sam@example.com', password: 'support password long enough 2', role: 'SUPPORT' };
const customer = { name: 'Carla Customer', email: 'carla@acme.example', password: 'carla chooses a long password 3' };

let hub;
let browser;
let run;
const found = [];

before(async () => {
  hub = await startHub({ env: { HUB_RATE_LIMIT__AUTH_PER_MINUTE: '1000', HUB_RATE_LIMIT__PER_MINUTE: '10000' } });
  browser = await launchBrowser();
  run = testRun(browser, 'a11y');
});

after(async () => {
  await run?.save(hub);
  await writeFile(path.join(artifactsDir, 'a11y-violations.json'), JSON.stringify(found, null, 2)).catch(() => {});
  await browser?.close();
  await hub?.stop();
});

async function newPage(label) {
  const opened = await run.newPage(label);
  trackRequests(opened.page);
  return opened;
}

/** Counts the page's HTTP requests in flight (the live WebSocket is not one). */
function trackRequests(page) {
  const inFlight = new Set();
  page.on('request', (request) => inFlight.add(request));
  for (const done of ['requestfinished', 'requestfailed']) page.on(done, (request) => inFlight.delete(request));
  page.inFlight = inFlight;
}

/**
 * Waits until the page has loaded what it shows: nothing marked busy and no
 * request in flight, twice 100 ms apart (a response may start another request).
 */
async function settled(page) {
  for (let quiet = 0; quiet < 2; ) {
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"], .loading'));
    quiet = page.inFlight.size === 0 ? quiet + 1 : 0;
    await page.waitForTimeout(100);
  }
}

/** Checks the page as it is now; keeps what axe found under `who path`. */
async function check(page, who, pathname) {
  await settled(page);
  const violations = await seriousViolations(page);
  if (violations.length) {
    found.push({ who, pathname, violations });
    await run.snap(page, `${who}${pathname.replaceAll('/', '-')}`);
  }
}

/** Signs in through /login and checks each page, opened by its address. */
async function visitAs(person, who, pathnames) {
  const { page, context } = await newPage(who);
  const login = new LoginPage(page);
  await login.goto(hub.baseUrl);
  await login.login(person.email, person.password);
  await new Layout(page).waitUntilSignedIn();
  for (const pathname of pathnames) {
    await page.goto(`${hub.baseUrl}${pathname}`);
    await new Layout(page).waitUntilSignedIn();
    await page.locator('main h1').first().waitFor();
    await check(page, who, pathname);
  }
  await context.close();
}

test('the main pages have no serious or critical accessibility violations', { timeout: 120_000 }, async () => {
  // Signed out: the first-run form, then (once there is an owner) the sign-in form.
  const anonymous = await newPage('anonymous');
  await anonymous.page.goto(`${hub.baseUrl}/`);
  await new SetupPage(anonymous.page).waitUntilShown();
  await check(anonymous.page, 'anonymous', '/setup');
  const ownerToken = await setupOwner(hub.baseUrl, owner);
  await new LoginPage(anonymous.page).goto(hub.baseUrl);
  await check(anonymous.page, 'anonymous', '/login');
  await anonymous.context.close();

  // Data for the pages to show: a customer with an order whose tenant used tokens and asks for an approval.
  await addStaff(hub.baseUrl, ownerToken, support);
  const created = await graphql(
    hub.baseUrl,
    'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } setPasswordToken } }',
    { input: { email: customer.email, name: customer.name, company: 'Acme Ltd' } },
    ownerToken,
  );
  const customerId = created.createCustomer.customer.id;
  await graphql(hub.baseUrl, 'mutation($t: String!, $p: String!) { setPassword(token: $t, password: $p) { accessToken } }', {
    t: created.createCustomer.setPasswordToken,
    p: customer.password,
  });
  const orderId = await createOrder(hub.baseUrl, ownerToken, { customerId, tier: 'starter', domain: 'acme.example.com', tools: ['ghost'] });
  const issued = await graphql(hub.baseUrl, 'mutation($o: UUID!) { issueRegistrationToken(orderId: $o) }', { o: orderId }, ownerToken);
  const tenant = await registerTenant(hub.baseUrl, issued.issueRegistrationToken);
  await tenant.heartbeat();
  await tenant.usage('dispatcher', 120_000);
  await tenant.approvalRequest({
    agentId: 'dispatcher', commandClass: 'yellow', toolName: 'send_email', humanReadable: 'Dispatcher wants to send a mail',
  });

  await visitAs(owner, 'owner', [
    '/', '/customers', `/customers/${customerId}`, '/orders', `/orders/${orderId}`, '/approvals', '/alerts', '/staff', '/settings',
    '/audit', '/api-products', '/sites', '/security', '/preferences', '/webhooks', '/projects', '/insights', '/sync-log',
    `/customers/${customerId}/usage`,
  ]);
  await visitAs(support, 'support', ['/', '/customers', '/orders', `/orders/${orderId}`, '/approvals', '/alerts', '/sites', '/staff']);
  await visitAs(customer, 'customer', [
    '/', '/orders', `/orders/${orderId}`, `/orders/${orderId}/agents`, '/approvals', '/alerts', '/usage', '/billing', '/api-products',
    '/sites', '/security', '/preferences',
  ]);

  const report = found.map(({ who, pathname, violations }) => describeViolations(`${who} ${pathname}`, violations)).join('\n\n');
  assert.equal(found.length, 0, `serious or critical accessibility violations:\n\n${report}`);
});
