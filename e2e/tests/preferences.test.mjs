// Preferences and API tokens in Chromium, as a customer: an API token is made
// on /security (its secret shown once, then listed by name), works against
// /graphql; the customer picks Asia/Tokyo and de-DE on /preferences and the
// token's creation time is then shown in that zone and locale (also after a
// reload, which restores the session from the cookie); revoking the token,
// after a confirmation, makes /graphql refuse it. With two-factor on, the
// security page regenerates backup codes: the new ones sign in, the old do not.
// Screenshots: artifacts/preferences-NN-<step>.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startHub } from '../lib/hub.mjs';
import { launchBrowser, artifactsDir, screenshotter } from '../lib/browser.mjs';
import { graphql as gql, setupOwner } from '../lib/api.mjs';
import { freshCode } from '../lib/totp.mjs';
import { LoginPage } from '../pages/LoginPage.mjs';
import { Layout } from '../pages/Layout.mjs';

const owner = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'correct horse battery staple 42' };
const customer = { name: 'Kenji Customer', email: 'kenji@example.com', password: 'correct horse battery staple 43' };

let hub;
let browser;
const consoleLines = [];

before(async () => {
  hub = await startHub({ env: { HUB_RATE_LIMIT__PER_MINUTE: '10000' } });
  browser = await launchBrowser();
});

after(async () => {
  await writeFile(path.join(artifactsDir, 'preferences-console.log'), consoleLines.join('\n')).catch(() => {});
  await browser?.close();
  if (hub) {
    await writeFile(path.join(artifactsDir, 'preferences-hub.log'), hub.logs()).catch(() => {});
    await hub.stop();
  }
});

/** What the console should show for `iso` in `timeZone` and `locale`, spaces evened out. */
function formatted(iso, locale, timeZone) {
  return squash(new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)));
}

/** ICU versions differ in which space they put before "AM"; compare words only. */
function squash(text) {
  return text.replace(/\s+/g, ' ').trim();
}

/** `{ me { email } }` with a bearer token, through plain fetch: answers the e-mail or the error code. */
async function whoIs(token) {
  const response = await fetch(`${hub.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ me { email } }' }),
  });
  const body = await response.json();
  return body.data?.me?.email ?? body.errors?.[0]?.extensions?.code;
}

test('a customer makes and revokes an API token and sees times in their zone and locale', { timeout: 120_000 }, async () => {
  const ownerToken = await setupOwner(hub.baseUrl, owner);
  const created = await gql(hub.baseUrl,
    'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { setPasswordToken } }',
    { i: { name: customer.name, email: customer.email } }, ownerToken);
  const session = await gql(hub.baseUrl, 'mutation($t: String!, $p: String!) { setPassword(token: $t, password: $p) { accessToken } }',
    { t: created.createCustomer.setPasswordToken, p: customer.password });
  const customerToken = session.setPassword.accessToken;

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Europe/Berlin' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
  const shot = await screenshotter(page, 'preferences-');
  const nav = page.getByRole('navigation', { name: 'Main' });
  const login = new LoginPage(page);
  await login.goto(hub.baseUrl);
  await login.login(customer.email, customer.password);
  await new Layout(page).waitUntilSignedIn();

  // A new API token: the secret once, then the list by name.
  await nav.getByRole('link', { name: 'Security' }).click();
  await page.waitForURL((url) => url.pathname === '/security');
  const tokens = page.getByTestId('api-tokens');
  await tokens.getByTestId('api-tokens-empty').waitFor();
  await tokens.getByLabel('Name').fill('deploy script');
  await tokens.getByLabel('Expires after (days)').fill('30');
  await tokens.getByTestId('api-token-create').click();
  const secretInput = tokens.getByTestId('api-token-secret');
  await secretInput.waitFor();
  const secret = await secretInput.inputValue();
  assert.match(secret, /^hubt_/);
  const row = tokens.getByTestId('api-token-row').filter({ hasText: 'deploy script' });
  await row.waitFor();
  assert.equal(await row.getByTestId('status').textContent(), 'Active');
  assert.ok(!(await row.textContent()).includes(secret), 'the list never shows the secret');
  await shot('token-created');
  await tokens.getByTestId('api-token-secret-done').click();
  assert.equal(await tokens.getByTestId('api-token-secret').count(), 0, 'the secret is gone once dismissed');

  // The token works against /graphql as the customer.
  assert.equal(await whoIs(secret), customer.email);
  const listed = await gql(hub.baseUrl, '{ apiTokens { nodes { name createdAt } } }', {}, secret);
  const createdAt = listed.apiTokens.nodes[0].createdAt;

  // By default times read in UTC and en-US, whatever zone the browser is in.
  const createdText = async () => squash((await row.getByTestId('api-token-created').textContent()).replace(/^Created\s*/, ''));
  const before = await createdText();
  assert.equal(before, formatted(createdAt, 'en-US', 'UTC'));

  // Preferences: Asia/Tokyo and de-DE.
  await nav.getByRole('link', { name: 'Preferences' }).click();
  await page.waitForURL((url) => url.pathname === '/preferences');
  const form = page.getByTestId('preferences-form');
  await form.waitFor();
  assert.equal(await form.getByTestId('pref-timezone').inputValue(), 'UTC');
  assert.equal(await form.getByTestId('pref-locale').inputValue(), 'en-US');
  assert.ok(await form.locator('option', { hasText: 'Europe/Berlin (this browser)' }).count() === 1, 'the browser zone is offered');
  await form.getByLabel('Time zone').selectOption('Asia/Tokyo');
  await form.getByLabel('Language and formats').selectOption('de-DE');
  await form.getByTestId('pref-save').click();
  await page.getByTestId('notice').filter({ hasText: 'preferences are saved' }).waitFor();
  await page.getByTestId('notification-settings-form').waitFor();
  await shot('preferences-saved');
  const me = await gql(hub.baseUrl, '{ me { timezone locale } }', {}, secret);
  assert.deepEqual(me.me, { timezone: 'Asia/Tokyo', locale: 'de-DE' });

  // The same timestamp, now in Tokyo time and German formats.
  await nav.getByRole('link', { name: 'Security' }).click();
  await row.waitFor();
  const afterSave = await createdText();
  assert.equal(afterSave, formatted(createdAt, 'de-DE', 'Asia/Tokyo'));
  assert.notEqual(afterSave, before);
  await shot('times-in-tokyo');

  // A reload restores the session from the cookie, preferences included.
  await page.reload();
  await row.waitFor();
  assert.equal(await createdText(), formatted(createdAt, 'de-DE', 'Asia/Tokyo'));

  // Revoking asks first; afterwards the token is refused.
  await row.getByTestId('api-token-revoke').click();
  await row.getByTestId('api-token-revoke-cancel').click();
  assert.equal(await whoIs(secret), customer.email, 'cancelling revokes nothing');
  await row.getByTestId('api-token-revoke').click();
  await shot('revoke-confirm');
  await row.getByTestId('api-token-revoke-confirm').click();
  await row.getByTestId('status').filter({ hasText: 'Revoked' }).waitFor();
  await shot('token-revoked');
  assert.equal(await whoIs(secret), 'UNAUTHORIZED');

  // Backup codes: two-factor turned on (through the API), then new codes from the page.
  const setup = await gql(hub.baseUrl, 'mutation { beginTwoFactorSetup { secret } }', {}, customerToken);
  const { code } = await freshCode(setup.beginTwoFactorSetup.secret);
  const confirmed = await gql(hub.baseUrl, 'mutation($c: String!) { confirmTwoFactorSetup(code: $c) { codes } }', { c: code }, customerToken);
  const oldCodes = confirmed.confirmTwoFactorSetup.codes;
  await page.reload();
  await page.getByTestId('two-factor-status').filter({ hasText: 'is on' }).waitFor();
  await page.getByTestId('regenerate-backup-codes').click();
  await page.getByTestId('backup-codes').waitFor();
  const newCodes = (await page.getByTestId('backup-code').allTextContents()).map((c) => c.trim());
  assert.equal(newCodes.length, 10);
  assert.ok(newCodes.every((c) => !oldCodes.includes(c)), 'all codes are new');
  await shot('backup-codes-regenerated');
  const signIn = async (backupCode) => {
    const pending = await gql(hub.baseUrl, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { pendingToken } }',
      { e: customer.email, p: customer.password });
    return gql(hub.baseUrl, 'mutation($t: String!, $c: String!) { verifyTwoFactor(pendingToken: $t, code: $c) { user { email } } }',
      { t: pending.login.pendingToken, c: backupCode }).then((d) => d.verifyTwoFactor.user.email, (e) => e.code);
  };
  assert.equal(await signIn(oldCodes[0]), 'UNAUTHORIZED', 'an old backup code no longer works');
  assert.equal(await signIn(newCodes[0]), customer.email, 'a new backup code signs in');
  await context.close();
});
