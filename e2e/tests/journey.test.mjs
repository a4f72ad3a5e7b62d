// The whole of Hub in one journey, against the real backend and the built SPA:
// the OWNER sets Hub up in the browser and invites an ADMIN, who accepts in a
// browser of their own; a signed Stripe `checkout.session.completed` creates
// a customer and their order; the ADMIN provisions it and watches the log
// stream in; a tenant host (this test, over the REST shim) registers, reports
// token usage past 80 % of the plan and asks for an approval; the customer,
// signed in through the link Hub mailed them, gets the USAGE_80 toast, sees
// the usage chart and approves; the tenant's next heartbeat carries the
// decision. Every step leaves artifacts/journey-NN-<step>.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHub } from '../lib/hub.mjs';
import { launchBrowser, testRun } from '../lib/browser.mjs';
import { graphql, signInApi } from '../lib/api.mjs';
import { startSmtpSink } from '../lib/smtp.mjs';
import { webhookSecret, checkoutCompleted, deliverWebhook } from '../lib/stripe.mjs';
import { registerTenant } from '../lib/tenant.mjs';
import { SetupPage } from '../pages/SetupPage.mjs';
import { Layout } from '../pages/Layout.mjs';
import { openFromNav } from '../pages/Nav.mjs';
import { StaffPage } from '../pages/StaffPage.mjs';
import { AcceptInvitationPage } from '../pages/AcceptInvitationPage.mjs';
import { SettingsPage } from '../pages/ConsolePages.mjs';
import { OrdersPage } from '../pages/OrdersPage.mjs';
import { OrderPage } from '../pages/OrderPage.mjs';
import { SetPasswordPage } from '../pages/SetPasswordPage.mjs';

const owner = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'owner password long enough 1' };
const admin = { name: 'Adam Admin', email: 'adam@example.com', password: 'admin password long enough 2' };
const buyer = { name: 'Carla Buyer', email: 'carla@acme.example', password: 'carla chooses a long password 3', domain: 'acme.example.com' };

const secret = webhookSecret();
let hub;
let smtp;
let browser;
let run;

before(async () => {
  smtp = await startSmtpSink();
  hub = await startHub({
    env: {
      HUB_STRIPE__WEBHOOK_SECRET: secret,
      HUB_MAIL__SMTP_URL: smtp.url,
      HUB_MAIL__FROM: 'Hub <hub@example.com>',
      HUB_MAIL__POLL_INTERVAL_MS: '200',
      // Slow enough that the log arrives line by line while the page is open.
      HUB_PROVISIONING__SIMULATED_STEP_MS: '250',
      HUB_RATE_LIMIT__AUTH_PER_MINUTE: '1000',
      HUB_RATE_LIMIT__PER_MINUTE: '10000',
      HUB_RATE_LIMIT__WEBHOOKS_PER_MINUTE: '10000',
    },
  });
  browser = await launchBrowser();
  run = testRun(browser, 'journey');
});

after(async () => {
  await run?.save(hub);
  await browser?.close();
  await hub?.stop();
  await smtp?.close();
});

const newPage = (label) => run.newPage(label);
// One numbering across every browser: journey-01-…, journey-02-…
const shot = (page, name) => run.shot(page, name);

/** The first link in a plain-text mail body that starts with `prefix`. */
function linkIn(body, prefix) {
  const found = body.split(/\s+/).find((word) => word.startsWith(prefix));
  assert.ok(found, `a ${prefix}… link in the mail:\n${body}`);
  return found;
}

test('owner → admin → Stripe checkout → live provisioning → tenant usage and approval → customer approves', { timeout: 120_000 }, async () => {
  // 1. The OWNER sets Hub up in the browser: a fresh install sends every page to /setup.
  const ownerTab = await newPage('owner');
  const setup = new SetupPage(ownerTab.page);
  await ownerTab.page.goto(`${hub.baseUrl}/`);
  await setup.waitUntilShown();
  await setup.fill(owner);
  await shot(ownerTab.page, 'owner-setup');
  await setup.submit();
  const ownerMe = await new Layout(ownerTab.page).currentUser();
  assert.deepEqual([ownerMe.email, ownerMe.role], [owner.email, 'OWNER']);
  await shot(ownerTab.page, 'owner-signed-in');

  // 2. The OWNER invites an ADMIN on /staff; Hub also mails the link.
  await openFromNav(ownerTab.page, 'Staff', '/staff');
  const staff = new StaffPage(ownerTab.page);
  await staff.list.waitFor();
  const inviteLink = await staff.invite(admin.email, 'ADMIN');
  assert.ok(inviteLink.startsWith(`${hub.baseUrl}/accept-invitation?token=`), inviteLink);
  await shot(ownerTab.page, 'owner-invited-admin');
  const invitationMail = await smtp.waitForMail(admin.email);
  assert.equal(linkIn(invitationMail.body, `${hub.baseUrl}/accept-invitation?token=`), inviteLink, 'the mailed link is the one shown');

  // 3. The ADMIN accepts in a browser of their own.
  const adminTab = await newPage('admin');
  const accept = new AcceptInvitationPage(adminTab.page);
  await accept.accept(inviteLink, admin);
  const adminLayout = new Layout(adminTab.page);
  const adminMe = await adminLayout.currentUser();
  assert.deepEqual([adminMe.email, adminMe.role], [admin.email, 'ADMIN']);
  await shot(adminTab.page, 'admin-accepted');

  // 4. Orders from checkouts wait for a person: the ADMIN sets the automation to MANUAL.
  const settings = new SettingsPage(adminTab.page);
  await settings.goto(hub.baseUrl);
  await settings.add('billing.checkout_automation_mode', 'MANUAL');
  await settings.notice.filter({ hasText: 'Saved 1 setting' }).waitFor();
  await shot(adminTab.page, 'admin-checkout-manual');

  // 5. Stripe reports a paid checkout, signed with the webhook secret.
  // (The test reads the catalogue as the ADMIN, to know what the plan includes.)
  const { plans } = await graphql(hub.baseUrl, '{ plans { code tier tokenAllotment } }', {}, await signInApi(hub.baseUrl, admin));
  const plan = plans.find((p) => p.tokenAllotment > 0);
  assert.ok(plan, `a plan with an allotment: ${JSON.stringify(plans)}`);
  const event = checkoutCompleted({ email: buyer.email, name: buyer.name, plan: plan.code, tier: plan.tier, domain: buyer.domain, tools: ['ghost'] });
  const forged = await fetch(`${hub.baseUrl}/api/v1/webhooks/stripe`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
    body: JSON.stringify(event),
  });
  assert.equal(forged.status, 400, 'a forged signature is refused');
  const delivered = await deliverWebhook(hub.baseUrl, secret, event);
  assert.equal(delivered.status, 200, JSON.stringify(delivered.body));
  assert.equal(delivered.body.data.outcome, 'APPLIED', JSON.stringify(delivered.body));

  // 6. The ADMIN finds the new order and provisions it, the log streaming in.
  await openFromNav(adminTab.page, 'Orders', '/orders');
  const orders = new OrdersPage(adminTab.page);
  await orders.waitUntilShown();
  await adminTab.page.getByRole('link', { name: buyer.domain }).click();
  const order = new OrderPage(adminTab.page);
  await order.waitUntilShown();
  assert.equal(await order.statusValue(), 'PAYMENT_CONFIRMED');
  assert.equal((await adminTab.page.getByTestId('order-mode').textContent()).trim(), 'Manual');
  assert.match(await adminTab.page.getByTestId('order-customer').textContent(), new RegExp(buyer.name));
  await shot(adminTab.page, 'admin-order-paid');

  // Count the log lines as they are added, and mark the document: a reload would lose the mark.
  await adminTab.page.evaluate(() => {
    window.__journey = { sameDocument: true, arrivals: [] };
    new MutationObserver(() => {
      const count = document.querySelectorAll('[data-testid="log-line"]').length;
      const last = window.__journey.arrivals.at(-1);
      if (count && count !== last) window.__journey.arrivals.push(count);
    }).observe(document.body, { childList: true, subtree: true });
  });
  await adminTab.page.getByTestId('log-empty').waitFor();
  assert.equal(await order.logLines.count(), 0, 'nothing logged before provisioning');
  await order.provision();
  await order.logLines.first().waitFor();
  await shot(adminTab.page, 'admin-provisioning-live');
  await order.waitForStatus('FULFILLED');
  const streamed = await adminTab.page.evaluate(() => window.__journey);
  assert.equal(streamed.sameDocument, true, 'no reload');
  const lines = await order.logMessages();
  assert.ok(lines.length >= 3, `the log shows the steps: ${lines}`);
  assert.ok(streamed.arrivals.length >= 2, `lines arrived one batch after another: ${JSON.stringify(streamed.arrivals)}`);
  await shot(adminTab.page, 'admin-order-fulfilled');

  // 7. The ADMIN issues the tenant's registration token; the tenant registers.
  await adminTab.page.getByTestId('issue-registration-token').click();
  const registrationToken = (await adminTab.page.getByTestId('registration-token').textContent()).trim();
  assert.match(registrationToken, /^hubreg_/);
  await shot(adminTab.page, 'admin-registration-token');
  const tenant = await registerTenant(hub.baseUrl, registrationToken);
  assert.equal(tenant.orderId, order.id());
  const firstBeat = await tenant.heartbeat();
  assert.deepEqual(firstBeat.pendingApprovals, []);

  // 8. The customer's set-password link came by mail; they sign in in their own browser.
  const welcome = await smtp.waitForMail(buyer.email, (m) => /password/i.test(m.subject));
  const setPasswordLink = linkIn(welcome.body, `${hub.baseUrl}/set-password?token=`);
  const customerTab = await newPage('customer');
  const setPassword = new SetPasswordPage(customerTab.page);
  await setPassword.goto(setPasswordLink);
  await shot(customerTab.page, 'customer-set-password');
  await setPassword.setPassword(buyer.password);
  const customerMe = await new Layout(customerTab.page).currentUser();
  assert.deepEqual([customerMe.email, customerMe.role], [buyer.email, 'Customer']);
  // The live alert feed is connected once the bell has its count.
  await customerTab.page.getByTestId('alert-bell').waitFor();
  await shot(customerTab.page, 'customer-signed-in');

  // 9. The tenant reports usage past 80 % of the plan's allotment: a USAGE_80 toast.
  const used = Math.ceil(plan.tokenAllotment * 0.85);
  const accepted = await tenant.usage('dispatcher', used);
  assert.equal(accepted.accepted, 1);
  const toast = customerTab.page.getByTestId('alert-toast').filter({ hasText: 'USAGE_80' });
  await toast.waitFor();
  assert.match(await toast.getByTestId('alert-toast-message').textContent(), /8\d %/);
  await shot(customerTab.page, 'customer-usage-80-toast');
  // Dismissed, the toasts leave the page in view.
  await toast.getByRole('button', { name: 'Dismiss alert' }).click();
  await toast.waitFor({ state: 'detached' });
  await customerTab.page.getByRole('button', { name: 'Dismiss alert' }).evaluateAll((buttons) => buttons.forEach((b) => b.click()));
  await customerTab.page.waitForFunction(() => !document.querySelector('[data-testid="alert-toast"]'));

  // 10. The usage chart on /usage.
  await openFromNav(customerTab.page, 'Usage', '/usage');
  await customerTab.page.getByTestId('usage-chart').waitFor();
  const row = customerTab.page.getByTestId('usage-row').filter({ hasText: 'dispatcher' });
  await row.waitFor();
  await shot(customerTab.page, 'customer-usage-chart');

  // 11. The tenant asks for an approval; the customer approves it on /approvals.
  const asked = await tenant.approvalRequest({
    agentId: 'dispatcher', commandClass: 'red', toolName: 'file_delete', toolArgs: { path: '/srv/old-backups' },
    humanReadable: 'Dispatcher wants to delete /srv/old-backups',
  });
  assert.equal(asked.status, 'PENDING');
  await openFromNav(customerTab.page, 'Approvals', '/approvals');
  const approval = customerTab.page.getByTestId('approval-row').filter({ hasText: 'Dispatcher wants to delete /srv/old-backups' });
  await approval.waitFor();
  await shot(customerTab.page, 'customer-approval-pending');
  await approval.getByTestId('approval-reason').fill('old backups, fine');
  await approval.getByTestId('approve').click();
  await approval.getByTestId('approval-decision').waitFor();
  assert.match(await approval.getByTestId('approval-decision').textContent(), /approved/i);
  await shot(customerTab.page, 'customer-approved');

  // 12. The tenant's next heartbeat carries the decision, once.
  const beat = await tenant.heartbeat();
  assert.equal(beat.pendingApprovals.length, 1, JSON.stringify(beat));
  assert.deepEqual(
    [beat.pendingApprovals[0].id, beat.pendingApprovals[0].status, beat.pendingApprovals[0].action, beat.pendingApprovals[0].reason],
    [asked.id, 'APPROVED', 'approve', 'old backups, fine'],
  );
  assert.deepEqual((await tenant.heartbeat()).pendingApprovals, [], 'each decision goes out once');

  await Promise.all([ownerTab.context.close(), adminTab.context.close(), customerTab.context.close()]);
});
