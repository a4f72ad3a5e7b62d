// The control plane end to end, against the real backend and the built SPA:
// an ADMIN creates a customer and reads the one-time set-password link, a
// MANAGER creates that customer's order and provisions it (the simulated
// driver, 50 ms a step), and the customer sets a password and sees only
// their own order. Every step leaves artifacts/control-NN-<step>.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startHub } from '../lib/hub.mjs';
import { launchBrowser, artifactsDir } from '../lib/browser.mjs';
import { addStaff, createCustomer, createOrder, setupOwner } from '../lib/api.mjs';
import { LoginPage } from '../pages/LoginPage.mjs';
import { Layout } from '../pages/Layout.mjs';
import { openFromNav, navLinks } from '../pages/Nav.mjs';
import { CustomersPage, CustomerPage } from '../pages/CustomersPage.mjs';
import { OrdersPage } from '../pages/OrdersPage.mjs';
import { OrderPage } from '../pages/OrderPage.mjs';
import { SetPasswordPage } from '../pages/SetPasswordPage.mjs';

const owner = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'owner password long enough 1' };
const admin = { name: 'Adam Admin', email: 'adam@example.com', password: 'admin password long enough 2', role: 'ADMIN' };
const manager = { name: 'Mona Manager', email: 'mona@example.com', password: 'manager password long enough 3', role: 'MANAGER' };
const firstCustomer = {
  email: 'carla@acme.example',
  name: 'Carla Customer',
  company: 'Acme Ltd',
  phone: '+44 20 7946 0000',
  notes: 'Met at the trade fair.',
  password: 'carla chooses a long password 4',
  domain: 'acme.example.com',
};
const secondCustomer = { email: 'bert@globex.example', name: 'Bert Other', domain: 'globex.example.com' };

let hub;
let browser;
const consoleLines = [];

before(async () => {
  hub = await startHub({ env: { HUB_PROVISIONING__SIMULATED_STEP_MS: '50' } });
  browser = await launchBrowser();
});

after(async () => {
  await writeFile(path.join(artifactsDir, 'control-console.log'), consoleLines.join('\n')).catch(() => {});
  await browser?.close();
  if (hub) {
    await writeFile(path.join(artifactsDir, 'control-hub.log'), hub.logs()).catch(() => {});
    await hub.stop();
  }
});

async function newPage(label) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (message) => consoleLines.push(`[${label}] [${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`[${label}] [pageerror] ${error.message}`));
  return { context, page };
}

// One numbering across both browsers: control-01-…, control-02-…
let step = 0;
async function shot(page, name) {
  step += 1;
  await mkdir(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, `control-${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
}

async function signIn(page, person) {
  const login = new LoginPage(page);
  const layout = new Layout(page);
  await login.goto(hub.baseUrl);
  await login.login(person.email, person.password);
  const user = await layout.currentUser();
  assert.equal(user.email, person.email);
  return layout;
}

test('admin creates a customer, manager provisions their order, the customer sees only their own', { timeout: 240_000 }, async () => {
  // Staff through the API: the UI flows for setup and invitations have their own tests.
  const ownerToken = await setupOwner(hub.baseUrl, owner);
  await addStaff(hub.baseUrl, ownerToken, admin);
  await addStaff(hub.baseUrl, ownerToken, manager);

  const staff = await newPage('staff');
  const page = staff.page;

  // The ADMIN creates the first customer and reads the one-time link.
  let layout = await signIn(page, admin);
  const adminNav = await navLinks(page);
  assert.ok(adminNav.includes('Customers') && adminNav.includes('Orders'), `staff navigation: ${adminNav}`);
  assert.ok(!adminNav.includes('My orders'));
  await openFromNav(page, 'Customers', '/customers');
  const customers = new CustomersPage(page);
  await customers.waitUntilShown();
  assert.match(await customers.totalCount.textContent(), /^0 customers/);
  await shot(page, 'admin-customers-empty');
  await customers.createCustomer(firstCustomer);
  const link = await customers.setPasswordLink();
  assert.ok(link.startsWith(`${hub.baseUrl}/set-password?token=`), `absolute set-password link: ${link}`);
  await customers.waitForRow(firstCustomer.name);
  assert.match(await customers.totalCount.textContent(), /^1 customer$/);
  await shot(page, 'admin-customer-created');

  // Its record; an ADMIN may also edit it.
  await customers.open(firstCustomer.name);
  const record = new CustomerPage(page);
  await record.waitUntilShown();
  assert.equal((await record.email.textContent()).trim(), firstCustomer.email);
  assert.equal(await record.fact('Company'), firstCustomer.company);
  assert.equal(await record.fact('Subscription'), 'None');
  await record.changePhone('+44 20 7946 0999');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="customer-detail"] dd')].some((dd) => dd.textContent.includes('0999')));
  await shot(page, 'admin-customer-detail');
  await layout.logout();

  // The MANAGER creates an order for that customer and provisions it.
  layout = await signIn(page, manager);
  await openFromNav(page, 'Orders', '/orders');
  const orders = new OrdersPage(page);
  await orders.waitUntilShown();
  const plans = await orders.planLabels();
  assert.ok(plans.length > 1, 'the plan select lists the catalogue');
  await shot(page, 'manager-orders');
  await orders.createOrder({
    customerSearch: firstCustomer.email,
    planLabel: plans[1],
    domain: firstCustomer.domain,
    tools: 'ghost, n8n',
  });
  const order = new OrderPage(page);
  await order.waitUntilShown();
  const firstOrderId = order.id();
  assert.equal((await order.domain.textContent()).trim(), firstCustomer.domain);
  assert.equal(await order.statusValue(), 'PAYMENT_CONFIRMED');
  assert.equal((await page.getByTestId('order-tools').textContent()).trim(), 'ghost, n8n');
  const planName = (await page.getByTestId('order-plan-name').textContent()).trim();
  assert.ok(plans[1].startsWith(`${planName} (`), `the plan is named: ${planName}`);
  await shot(page, 'manager-order-created');

  await order.provision();
  await order.waitForStatus('FULFILLED');
  const lines = await order.logMessages();
  assert.ok(lines.length >= 2, `the provisioning log shows lines: ${lines}`);
  assert.equal(await order.provisionButton.count(), 0, 'a fulfilled order offers no provisioning');
  await shot(page, 'manager-order-fulfilled');

  await order.queueCommand('RUN_BACKUP', '{"reason": "e2e"}');
  const [queued] = await order.commands();
  assert.equal(queued.status, 'QUEUED');
  assert.match(queued.args, /"reason":\s*"e2e"/);
  await shot(page, 'manager-command-queued');
  await layout.logout();
  await staff.context.close();

  // A second customer with an order, through the API.
  const second = await createCustomer(hub.baseUrl, ownerToken, { email: secondCustomer.email, name: secondCustomer.name });
  const secondOrderId = await createOrder(hub.baseUrl, ownerToken, {
    customerId: second.id,
    tier: 'starter',
    domain: secondCustomer.domain,
    tools: [],
  });

  // The first customer, in a browser of their own, opens the link.
  const customer = await newPage('customer');
  const cpage = customer.page;
  const setPassword = new SetPasswordPage(cpage);
  await setPassword.goto(link);
  await shot(cpage, 'customer-set-password');
  await setPassword.setPassword(firstCustomer.password);
  const customerLayout = new Layout(cpage);
  const me = await customerLayout.currentUser();
  assert.equal(me.email, firstCustomer.email);
  assert.equal(me.role, 'Customer');
  assert.equal(new URL(cpage.url()).pathname, '/');
  const customerNav = await navLinks(cpage);
  assert.ok(customerNav.includes('My orders') && !customerNav.includes('Customers'), `customer navigation: ${customerNav}`);
  await shot(cpage, 'customer-signed-in');

  await openFromNav(cpage, 'My orders', '/orders');
  const myOrders = new OrdersPage(cpage);
  await myOrders.waitUntilShown();
  assert.equal((await myOrders.title.textContent()).trim(), 'My orders');
  const domains = await myOrders.domains();
  assert.deepEqual(domains, [firstCustomer.domain]);
  assert.ok(!domains.includes(secondCustomer.domain), 'the other customer’s order is not listed');
  assert.equal(await myOrders.form.count(), 0, 'customers get no "New order" form');
  await shot(cpage, 'customer-my-orders');

  const own = new OrderPage(cpage);
  await own.goto(hub.baseUrl, firstOrderId);
  await own.waitUntilShown();
  assert.equal(await own.statusValue(), 'FULFILLED');
  assert.equal(await own.actions.count(), 0, 'customers get no order actions');
  await shot(cpage, 'customer-own-order');

  const other = new OrderPage(cpage);
  await other.goto(hub.baseUrl, secondOrderId);
  const { text, code } = await other.errorMessage();
  assert.match(text, /not found/i);
  assert.equal(code, 'NotFound');
  assert.equal(await cpage.getByText(secondCustomer.domain).count(), 0);
  await shot(cpage, 'customer-other-order-not-found');
  await customer.context.close();
});
