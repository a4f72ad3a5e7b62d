// Role gating as a user meets it: a SUPPORT member sees no link to the staff,
// settings, audit or billing pages, typing their addresses shows "No access"
// and fetches none of their data, and the API refuses that data to SUPPORT
// anyway; a customer sees no staff page at all. Screenshots in
// artifacts/gating-<who>-<page>.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHub } from '../lib/hub.mjs';
import { launchBrowser, testRun } from '../lib/browser.mjs';
import { addStaff, createCustomer, graphql, setupOwner } from '../lib/api.mjs';
import { recordGraphql } from '../lib/graphqlLog.mjs';
import { LoginPage } from '../pages/LoginPage.mjs';
import { Layout } from '../pages/Layout.mjs';
import { navLinks } from '../pages/Nav.mjs';
import { noAccess } from '../pages/ConsolePages.mjs';
import { SetPasswordPage } from '../pages/SetPasswordPage.mjs';

const owner = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'owner password long enough 1' };
const support = { name: 'Sam Support', email: 'sam@example.com', password: 'support password long enough 2', role: 'SUPPORT' };
const customer = { name: 'Carla Customer', email: 'carla@acme.example', password: 'carla chooses a long password 3' };

// What each gated page would fetch, by the SPA's operation names (frontend/graphql/*.graphql).
const PAGES = {
  '/staff': { link: 'Staff', operations: ['StaffMembers', 'Invitations', 'InviteStaff'] },
  '/settings': { link: 'Settings', operations: ['Settings', 'UpdateSettings'] },
  '/audit': { link: 'Audit log', operations: ['AuditLog'] },
  '/billing': { link: 'Billing', operations: ['Billing', 'BillingUsage', 'OpenBillingPortal'] },
  '/customers': { link: 'Customers', operations: ['Customers'] },
  '/projects': { link: 'Projects', operations: ['Projects'] },
  '/insights': { link: 'Insights', operations: ['InsightsOverview'] },
  '/sync-log': { link: 'Sync log', operations: ['SyncLogs'] },
};

let hub;
let browser;
let ownerToken;
let run;

before(async () => {
  hub = await startHub({ env: { HUB_RATE_LIMIT__AUTH_PER_MINUTE: '1000' } });
  browser = await launchBrowser();
  run = testRun(browser, 'gating');
  ownerToken = await setupOwner(hub.baseUrl, owner);
});

after(async () => {
  await run?.save(hub);
  await browser?.close();
  await hub?.stop();
});

const newPage = (label) => run.newPage(label);
const shot = (page, name) => run.snap(page, name);

/**
 * Types each address into the bar: the page says "No access" (and no data
 * of that page is asked for) while the signed-in frame stays.
 */
async function assertClosed(page, who, paths, openPage) {
  const graphqlLog = recordGraphql(page);
  // First a page they may open: the recorder sees what such a page fetches.
  await page.goto(`${hub.baseUrl}${openPage.path}`);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.waitForLoadState('networkidle');
  assert.ok(graphqlLog.names().includes(openPage.operation), `${openPage.path} fetched ${graphqlLog.names()}`);
  for (const pathname of paths) {
    graphqlLog.clear();
    await page.goto(`${hub.baseUrl}${pathname}`);
    await new Layout(page).waitUntilSignedIn();
    await noAccess(page).waitFor();
    assert.match(await noAccess(page).textContent(), /No access/);
    // Whatever the page would have loaded had it been open would be on its way by now.
    await page.waitForLoadState('networkidle');
    const forbidden = graphqlLog.names().filter((name) => PAGES[pathname].operations.includes(name));
    assert.deepEqual(forbidden, [], `${who} on ${pathname} fetched ${graphqlLog.names()}`);
    await shot(page, `${who}${pathname.replaceAll('/', '-')}`);
  }
}

test('SUPPORT sees no billing or staff pages, and the API refuses their data', { timeout: 60_000 }, async () => {
  const supportToken = await addStaff(hub.baseUrl, ownerToken, support);
  const { page, context } = await newPage('support');
  const login = new LoginPage(page);
  await login.goto(hub.baseUrl);
  await login.login(support.email, support.password);
  const me = await new Layout(page).currentUser();
  assert.equal(me.role, 'SUPPORT');
  const links = await navLinks(page);
  for (const pathname of ['/staff', '/settings', '/audit', '/billing']) {
    assert.ok(!links.includes(PAGES[pathname].link), `no ${PAGES[pathname].link} link for SUPPORT: ${links}`);
  }
  assert.equal(await page.locator('nav a[href="/staff"], nav a[href="/settings"], nav a[href="/audit"], nav a[href="/billing"]').count(), 0);
  assert.ok(links.includes('Customers') && links.includes('Orders'), `SUPPORT keeps the staff pages they may use: ${links}`);
  await shot(page, 'support-nav');

  await assertClosed(page, 'support', ['/staff', '/settings', '/audit', '/billing'], { path: '/customers', operation: 'Customers' });

  // The server decides, not the menu: the same data asked for directly is refused.
  const refused = [
    '{ staffMembers(first: 5) { totalCount } }',
    '{ settings { key } }',
    '{ auditLog(first: 5) { totalCount } }',
    'mutation { inviteStaff(email: "x@example.com", role: SUPPORT) { token } }',
    ['mutation($v: JSON!) { updateSettings(values: $v) { key } }', { v: { 'support.reply_hours': 1 } }],
    // Billing is the customer's own: staff open no billing portal.
    'mutation { openBillingPortal { url } }',
  ];
  for (const entry of refused) {
    const [query, variables] = Array.isArray(entry) ? entry : [entry, {}];
    await assert.rejects(graphql(hub.baseUrl, query, variables, supportToken), (error) => error.code === 'FORBIDDEN', query);
  }
  await context.close();
});

test('a customer sees no staff pages', { timeout: 60_000 }, async () => {
  const created = await graphql(
    hub.baseUrl,
    'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { setPasswordPath } }',
    { input: { email: customer.email, name: customer.name } },
    ownerToken,
  );
  const { page, context } = await newPage('customer');
  const setPassword = new SetPasswordPage(page);
  await setPassword.goto(`${hub.baseUrl}${created.createCustomer.setPasswordPath}`);
  await setPassword.setPassword(customer.password);
  const me = await new Layout(page).currentUser();
  assert.equal(me.role, 'Customer');
  const staffPages = ['/customers', '/staff', '/settings', '/audit', '/projects', '/insights', '/sync-log'];
  const links = await navLinks(page);
  for (const pathname of staffPages) {
    assert.ok(!links.includes(PAGES[pathname].link), `no ${PAGES[pathname].link} link for a customer: ${links}`);
  }
  const hrefs = await page.getByRole('navigation', { name: 'Main' }).locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(hrefs.filter((href) => staffPages.includes(href)), [], `customer nav: ${hrefs}`);
  assert.ok(links.includes('My orders') && links.includes('Usage'), `a customer's own pages: ${links}`);
  await shot(page, 'customer-nav');

  await assertClosed(page, 'customer', staffPages, { path: '/orders', operation: 'Orders' });
  await context.close();
});
