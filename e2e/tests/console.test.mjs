// The operator console end to end: agents on an order (ADMIN deploys and
// tunes, the customer edits what they may), staff invitations, a role gate,
// the audit trail and the approvals list. Data the console does not create
// (owner, admin, customer, order) is made through the GraphQL API.
// Approvals can only be requested by a tenant (a later issue), so the test
// checks the empty state. Screenshots: artifacts/console-NN-<step>.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startHub } from '../lib/hub.mjs';
import { launchBrowser, artifactsDir } from '../lib/browser.mjs';
import { graphql as gql } from '../lib/api.mjs';
import { LoginPage } from '../pages/LoginPage.mjs';
import { Layout } from '../pages/Layout.mjs';
import { AgentsPage } from '../pages/AgentsPage.mjs';
import { StaffPage } from '../pages/StaffPage.mjs';
import { AcceptInvitationPage } from '../pages/AcceptInvitationPage.mjs';
import { ApprovalsPage, AuditPage, SettingsPage, noAccess } from '../pages/ConsolePages.mjs';

const password = 'correct horse battery staple 42';
const owner = { name: 'Olivia Owner', email: 'olivia@example.com', password };
const admin = { name: 'Adam Admin', email: 'adam@example.com', password };
const customer = { name: 'Cora Customer', email: 'cora@example.com', password };
const support = { name: 'Sam Support', email: 'sam@example.com', password };

let hub;
let browser;
const consoleLines = [];
const ids = {};

before(async () => {
  await mkdir(artifactsDir, { recursive: true });
  // Several people sign in from one address within a minute: lift the limits.
  hub = await startHub({ env: { HUB_RATE_LIMIT__AUTH_PER_MINUTE: '1000', HUB_RATE_LIMIT__PER_MINUTE: '10000' } });
  browser = await launchBrowser();

  const url = hub.baseUrl;
  const ownerToken = (await gql(url, 'mutation($i: SetupInput!) { setup(input: $i) { accessToken } }', { i: owner })).setup.accessToken;
  const invited = await gql(url, 'mutation { inviteStaff(email: "adam@example.com", role: ADMIN) { token } }', {}, ownerToken);
  await gql(url, 'mutation($t: String!, $n: String!, $p: String!) { acceptInvitation(token: $t, name: $n, password: $p) { accessToken } }', {
    t: invited.inviteStaff.token, n: admin.name, p: admin.password,
  });
  const created = await gql(url, 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } setPasswordToken } }',
    { i: { name: customer.name, email: customer.email } }, ownerToken);
  ids.customer = created.createCustomer.customer.id;
  await gql(url, 'mutation($t: String!, $p: String!) { setPassword(token: $t, password: $p) { accessToken } }', {
    t: created.createCustomer.setPasswordToken, p: customer.password,
  });
  const order = await gql(url, 'mutation($i: CreateOrderInput!) { createOrder(input: $i) { id } }',
    { i: { customerId: ids.customer, domain: 'cora.example.com', tier: 'Build', tools: ['ghost'] } }, ownerToken);
  ids.order = order.createOrder.id;
});

after(async () => {
  await writeFile(path.join(artifactsDir, 'console-console.log'), consoleLines.join('\n')).catch(() => {});
  await browser?.close();
  if (hub) {
    await writeFile(path.join(artifactsDir, 'console-hub.log'), hub.logs()).catch(() => {});
    await hub.stop();
  }
});

/** A fresh browser context signed in as `who`; `width` 390 is a phone. */
async function signedIn(who, width = 1024) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (message) => consoleLines.push(`[${who.email}] [${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`[${who.email}] [pageerror] ${error.message}`));
  const login = new LoginPage(page);
  await login.goto(hub.baseUrl);
  await login.login(who.email, who.password);
  await new Layout(page).waitUntilSignedIn();
  return { context, page };
}

test('console: agents, staff invitations, role gates, audit log and approvals', { timeout: 240_000 }, async () => {
  // One numbering across contexts: console-01-…, console-02-…
  let step = 0;
  const shot = async (page, name) => {
    step += 1;
    const file = path.join(artifactsDir, `console-${String(step).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
  };

  // ADMIN deploys an agent from a template, then raises its autonomy.
  const adminSession = await signedIn(admin);
  const adminPage = adminSession.page;
  const agents = new AgentsPage(adminPage);
  await agents.goto(hub.baseUrl, ids.order);
  const v0 = await agents.version();
  await shot(adminPage, 'admin-agents-empty');
  await agents.deploy('dispatcher');
  await agents.card('dispatcher').waitFor();
  const v1 = await agents.waitForVersionAbove(v0);
  await shot(adminPage, 'admin-agent-deployed');
  await agents.setAutonomy('dispatcher', 4);
  await agents.save('dispatcher');
  await agents.waitForNotice('Agent saved.');
  const v2 = await agents.waitForVersionAbove(v1);
  assert.ok(v2 > v1 && v1 > v0, `configVersion goes up: ${v0} → ${v1} → ${v2}`);
  assert.equal(await agents.card('dispatcher').getByTestId('agent-autonomy').inputValue(), '4');
  await shot(adminPage, 'admin-autonomy-saved');

  // The customer, at phone width, edits only what a customer may.
  const customerSession = await signedIn(customer, 390);
  const custPage = customerSession.page;
  const custAgents = new AgentsPage(custPage);
  await custAgents.goto(hub.baseUrl, ids.order);
  const card = custAgents.card('dispatcher');
  await card.waitFor();
  assert.equal(await card.getByTestId('agent-name').count(), 0, 'no name input for a customer');
  assert.equal(await card.getByTestId('agent-tools-denied').count(), 0, 'no denied-tools input for a customer');
  assert.equal(await custPage.getByTestId('deploy-form').count(), 0, 'no deploy form for a customer');
  assert.equal(await card.getByTestId('agent-remove').count(), 0, 'no remove button for a customer');
  const before = await custAgents.version();
  await shot(custPage, 'customer-agents');
  const persona = 'You are a calm dispatcher for Cora. Answer briefly.';
  await custAgents.setPersonality('dispatcher', persona);
  await custAgents.save('dispatcher');
  await custAgents.waitForNotice('Agent saved.');
  await custAgents.waitForVersionAbove(before);
  assert.equal(await card.getByTestId('agent-soul').inputValue(), persona);
  await shot(custPage, 'customer-personality-saved');
  // At phone width the menu folds behind "Menu"; opening it shows the
  // customer's entries: Approvals, but no staff pages.
  const menu = custPage.getByTestId('menu-toggle');
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.equal(await custPage.getByRole('navigation', { name: 'Main' }).count(), 0, 'the folded menu is hidden');
  await menu.click();
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  const custNav = custPage.getByRole('navigation', { name: 'Main' });
  await custNav.waitFor();
  const width = await custPage.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `nothing wider than the phone screen (${width} px)`);
  assert.equal(await custNav.getByRole('link', { name: 'Approvals' }).count(), 1);
  assert.equal(await custNav.getByRole('link', { name: 'Staff' }).count(), 0);
  await customerSession.context.close();

  // The ADMIN deploys a second agent and removes it again (with a confirm step).
  await agents.deploy('secretary');
  await agents.card('secretary').waitFor();
  await agents.remove('secretary');
  assert.equal(await agents.cards.count(), 1, 'only the dispatcher is left');
  await shot(adminPage, 'admin-agent-removed');

  // The OWNER invites a SUPPORT member and sees the accept link once.
  const ownerSession = await signedIn(owner);
  const staff = new StaffPage(ownerSession.page);
  await staff.goto(hub.baseUrl);
  await shot(ownerSession.page, 'owner-staff');
  const link = await staff.invite(support.email, 'SUPPORT');
  assert.ok(link.startsWith(`${hub.baseUrl}/accept-invitation?token=`), `absolute accept link: ${link}`);
  await staff.invitations.filter({ hasText: support.email }).waitFor();
  await shot(ownerSession.page, 'owner-invite-link');
  await ownerSession.context.close();

  // The SUPPORT member accepts, then types /settings: no access.
  const supportContext = await browser.newContext({ viewport: { width: 1024, height: 900 } });
  const supportPage = await supportContext.newPage();
  supportPage.setDefaultTimeout(15_000);
  await new AcceptInvitationPage(supportPage).accept(link, support);
  const who = await new Layout(supportPage).currentUser();
  assert.equal(who.role, 'SUPPORT');
  const supportNav = supportPage.getByRole('navigation', { name: 'Main' });
  assert.equal(await supportNav.getByRole('link', { name: 'Settings' }).count(), 0, 'no Settings entry for SUPPORT');
  await supportPage.goto(`${hub.baseUrl}/settings`);
  await noAccess(supportPage).waitFor();
  await shot(supportPage, 'support-settings-no-access');
  await supportContext.close();

  // The ADMIN finds the deployment in the audit log.
  const audit = new AuditPage(adminPage);
  await audit.goto(hub.baseUrl);
  await audit.filterByAction('agent.');
  const row = await audit.rowFor('agent.deployed');
  assert.match(row, /Adam Admin/);
  await shot(adminPage, 'admin-audit-log');

  // The ADMIN adds a setting, then changes it in place; a bad key is flagged
  // next to its input.
  const settings = new SettingsPage(adminPage);
  await settings.goto(hub.baseUrl);
  await settings.add('Bad Key', '1');
  await adminPage.locator('#new-setting-key-error').waitFor();
  await shot(adminPage, 'admin-settings-bad-key');
  await settings.add('support.reply_hours', '24');
  await settings.notice.filter({ hasText: 'Saved 1 setting' }).waitFor();
  const hours = settings.row('support.reply_hours').locator('input');
  assert.equal(await hours.inputValue(), '24');
  await hours.fill('48');
  await Promise.all([
    adminPage.waitForResponse((r) => r.url().endsWith('/graphql') && r.request().postData()?.includes('UpdateSettings')),
    settings.save.click(),
  ]);
  await settings.notice.filter({ hasText: 'Saved 1 setting' }).waitFor();
  await settings.goto(hub.baseUrl);
  assert.equal(await settings.row('support.reply_hours').locator('input').inputValue(), '48');
  await shot(adminPage, 'admin-settings-saved');

  // No tenant has asked for anything yet: the approvals list is empty.
  const approvals = new ApprovalsPage(adminPage);
  await approvals.goto(hub.baseUrl);
  await approvals.empty.waitFor();
  assert.equal(await approvals.rows.count(), 0);
  await shot(adminPage, 'admin-approvals-empty');
  await adminSession.context.close();
});
