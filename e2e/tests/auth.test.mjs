// The sign-in journey end to end, against the real backend and the built SPA:
// first-run setup, log out/in, a wrong password, enabling TOTP two-factor,
// and signing in with it. Every step leaves a screenshot in artifacts/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startHub } from '../lib/hub.mjs';
import { launchBrowser, screenshotter, artifactsDir } from '../lib/browser.mjs';
import { freshCode } from '../lib/totp.mjs';
import { SetupPage } from '../pages/SetupPage.mjs';
import { LoginPage } from '../pages/LoginPage.mjs';
import { Layout } from '../pages/Layout.mjs';
import { SecurityPage } from '../pages/SecurityPage.mjs';

const owner = {
  name: 'Olivia Owner',
  email: 'olivia@example.com',
  password: 'correct horse battery staple 42',
};

let hub;
let browser;
const consoleLines = [];

before(async () => {
  hub = await startHub();
  browser = await launchBrowser();
});

after(async () => {
  await writeFile(path.join(artifactsDir, 'auth-console.log'), consoleLines.join('\n')).catch(() => {});
  await browser?.close();
  if (hub) {
    await writeFile(path.join(artifactsDir, 'auth-hub.log'), hub.logs()).catch(() => {});
    await hub.stop();
  }
});

test('owner sets up Hub, signs in, enables two-factor and signs in with a TOTP code', { timeout: 180_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
  const shot = await screenshotter(page, 'auth-');

  const setup = new SetupPage(page);
  const login = new LoginPage(page);
  const layout = new Layout(page);
  const security = new SecurityPage(page);

  // A fresh install sends every page to /setup.
  await page.goto(`${hub.baseUrl}/`);
  await setup.waitUntilShown();
  await shot('setup-form');

  await setup.fill(owner);
  await shot('setup-filled');
  await setup.submit();
  const signedIn = await layout.currentUser();
  assert.equal(signedIn.name, owner.name);
  assert.equal(signedIn.email, owner.email);
  assert.equal(signedIn.role, 'OWNER');
  await shot('signed-in-after-setup');

  await layout.logout();
  await login.waitUntilShown();
  await shot('logged-out');

  // A wrong password shows an error and keeps the form.
  await login.login(owner.email, 'not the password at all');
  const error = await login.errorMessage();
  assert.ok(error.length > 0, 'a wrong password shows a message');
  assert.equal(await login.email.inputValue(), owner.email, 'the form keeps the email');
  assert.equal(new URL(page.url()).pathname, '/login');
  await shot('wrong-password');

  await login.login(owner.email, owner.password);
  await layout.waitUntilSignedIn();
  assert.equal((await layout.currentUser()).name, owner.name);
  await shot('signed-in');

  // Enrol in TOTP with the secret the page shows.
  await layout.openSecurity();
  await security.waitUntilShown();
  assert.match(await security.statusText(), /\bis off\b/i);
  await shot('security');
  const secret = await security.beginEnrolment();
  assert.match(secret, /^[A-Z2-7]+=*$/, 'the secret is base32');
  await shot('two-factor-qr');
  const enrolment = await freshCode(secret);
  await security.confirm(enrolment.code);
  const codes = await security.backupCodes();
  assert.equal(codes.length, 10, 'ten backup codes are shown');
  assert.equal(new Set(codes).size, 10, 'the backup codes differ');
  assert.match(await security.statusText(), /\bis on\b/i);
  await shot('backup-codes');

  await layout.logout();
  await login.waitUntilShown();
  await login.login(owner.email, owner.password);
  await login.waitForTwoFactorStep();
  await shot('two-factor-step');

  // The confirm code's time step is spent; freshCode waits for the next one.
  const second = await freshCode(secret, [enrolment.step]);
  await login.submitCode(second.code);
  const afterTwoFactor = await layout.currentUser();
  assert.equal(afterTwoFactor.name, owner.name);
  assert.equal(afterTwoFactor.role, 'OWNER');
  await shot('signed-in-with-two-factor');

  await context.close();
});
