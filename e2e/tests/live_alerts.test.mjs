// Live alerts through a real graphql-ws client (the npm package): customer A,
// customer B and staff subscribe; alerts raised for A and for B by a child
// project over the signed bridge reach exactly the viewers who may see them;
// a client that reconnects with `after` receives exactly what it missed; an
// anonymous connection is refused. Then two `hub serve` processes on one
// PostgreSQL database: subscribe on one, raise on the other.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startHub } from '../lib/hub.mjs';
import { graphql as gql, setupOwner } from '../lib/api.mjs';
import { startChildProject, signedBridgeCall } from '../lib/peers.mjs';
import { subscribe } from '../lib/live.mjs';

const owner = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'correct horse battery staple 42' };
const ALERTS = 'subscription($after: UUID) { alerts(after: $after) { id type severity message customerId } }';

let hub;
let child;
const open = [];

before(async () => {
  child = await startChildProject();
  hub = await startHub({ env: { HUB_RATE_LIMIT__PER_MINUTE: '10000', HUB_RATE_LIMIT__WEBHOOKS_PER_MINUTE: '10000' } });
});

after(async () => {
  for (const s of open) s.close();
  await hub?.stop();
  await child?.close();
});

/** Registers a child project on `baseUrl`; answers `{slug, key, secret}`. */
async function registerProject(baseUrl, token, slug, childUrl) {
  const data = await gql(baseUrl,
    'mutation($i: RegisterProjectInput!) { registerProject(input: $i) { projectKey secret } }',
    { i: { slug, name: slug, baseUrl: childUrl } }, token);
  return { slug, key: data.registerProject.projectKey, secret: data.registerProject.secret };
}

/** A customer who can sign in, with a licensed site on `project`; answers `{id, token, site}`. */
async function customerWithSite(token, project, name) {
  const email = `${name.toLowerCase()}@example.com`;
  const password = `${name} password 1234`;
  const created = await gql(hub.baseUrl,
    'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } setPasswordToken } }',
    { i: { name, email } }, token);
  const session = await gql(hub.baseUrl, 'mutation($t: String!, $p: String!) { setPassword(token: $t, password: $p) { accessToken } }',
    { t: created.createCustomer.setPasswordToken, p: password });
  const id = created.createCustomer.customer.id;
  const licence = await gql(hub.baseUrl, 'mutation($i: CreateLicenseInput!) { createLicense(input: $i) { id } }',
    { i: { customerId: id, projectSlug: project.slug, plan: 'PRO', maxSites: 3 } }, token);
  const slug = name.toLowerCase();
  const site = await gql(hub.baseUrl, 'mutation($l: UUID!, $i: AddSiteInput!) { addSite(licenseId: $l, input: $i) { uuid } }',
    { l: licence.createLicense.id, i: { name, slug, domain: `${slug}.example.com` } }, token);
  return { id, token: session.setPassword.accessToken, site: site.addSite.uuid };
}

/** A child project posts an alert over the signed bridge; about a site when `site` is given. */
async function raiseAlert(baseUrl, project, message, site) {
  const body = { type: 'SITE_DEGRADED', severity: 'WARNING', message, ...(site ? { site_uuid: site } : {}) };
  const answer = await signedBridgeCall(baseUrl, project, '/api/internal/saas/alerts', body);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
}

// Hub prefixes a child's message with the project's name.
const messages = (received) => received.map((r) => r.alerts.message.replace(/^[^:]+: /, ''));

test('each viewer receives only the alerts they may see, and resumes without gap or duplicate', { timeout: 60_000 }, async () => {
  const token = await setupOwner(hub.baseUrl, owner);
  const project = await registerProject(hub.baseUrl, token, 'shopcore-api', child.url);
  child.project = project;
  const a = await customerWithSite(token, project, 'Alma');
  const b = await customerWithSite(token, project, 'Boris');

  const staff = subscribe(hub.baseUrl, token, ALERTS);
  const alma = subscribe(hub.baseUrl, a.token, ALERTS);
  const boris = subscribe(hub.baseUrl, b.token, ALERTS);
  open.push(staff, alma, boris);
  await Promise.all([staff.connected, alma.connected, boris.connected]);
  // graphql-transport-ws has no "subscribed" acknowledgement: give the
  // server a moment to register the three streams.
  await new Promise((resolve) => setTimeout(resolve, 300));

  await raiseAlert(hub.baseUrl, project, 'for Alma 1', a.site);
  await raiseAlert(hub.baseUrl, project, 'for Boris 1', b.site);
  await raiseAlert(hub.baseUrl, project, 'for staff only');
  await staff.waitFor(3);
  await alma.waitFor(1);
  await boris.waitFor(1);
  // Anything wrongly routed would have arrived by now, well inside this wait.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.deepEqual(messages(staff.received), ['for Alma 1', 'for Boris 1', 'for staff only']);
  assert.deepEqual(messages(alma.received), ['for Alma 1']);
  assert.deepEqual(messages(boris.received), ['for Boris 1']);
  assert.equal(alma.received[0].alerts.customerId, a.id);

  // Alma goes offline; three alerts are raised meanwhile, two of them hers.
  const lastSeen = alma.received.at(-1).alerts.id;
  alma.close();
  await alma.ended;
  await raiseAlert(hub.baseUrl, project, 'for Alma 2', a.site);
  await raiseAlert(hub.baseUrl, project, 'for Boris 2', b.site);
  await raiseAlert(hub.baseUrl, project, 'for Alma 3', a.site);
  const resumed = subscribe(hub.baseUrl, a.token, ALERTS, { after: lastSeen });
  open.push(resumed);
  await resumed.waitFor(2);
  await raiseAlert(hub.baseUrl, project, 'for Alma 4', a.site);
  await resumed.waitFor(3);
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.deepEqual(messages(resumed.received), ['for Alma 2', 'for Alma 3', 'for Alma 4'], 'missed ones first, then live, each once');
  assert.deepEqual(resumed.errors, []);
});

test('an anonymous connection_init is refused', { timeout: 15_000 }, async () => {
  const anonymous = subscribe(hub.baseUrl, null, ALERTS);
  open.push(anonymous);
  const outcome = await anonymous.ended;
  assert.equal(anonymous.acknowledged, false, 'no connection_ack for an anonymous client');
  assert.ok(outcome.closed, `the server closed the connection: ${JSON.stringify(outcome)}`);
  assert.match(String(outcome.reason), /sign in/i, 'and says why');
  assert.deepEqual(anonymous.received, []);
});

test('two hub serve processes on one PostgreSQL: raised on one, received on the other within a second', { timeout: 90_000 }, async () => {
  const admin = process.env.HUB_TEST_DATABASE_URL;
  assert.ok(admin, 'HUB_TEST_DATABASE_URL (a PostgreSQL admin URL) is set by scripts/test-all.sh');
  const name = `hub_test_e2e_${randomBytes(6).toString('hex')}`;
  execFileSync('psql', [admin, '-qc', `CREATE DATABASE ${name}`]);
  const databaseUrl = `${admin.slice(0, admin.lastIndexOf('/'))}/${name}`;
  const env = {
    HUB_DATABASE_URL: databaseUrl,
    HUB_MASTER_KEY: randomBytes(32).toString('base64'),
    HUB_RATE_LIMIT__PER_MINUTE: '10000',
  };
  const one = await startHub({ env });
  const two = await startHub({ env });
  const peer = await startChildProject();
  try {
    const token = await setupOwner(one.baseUrl, owner);
    const project = await registerProject(one.baseUrl, token, 'replica-child', peer.url);
    const staff = subscribe(one.baseUrl, token, ALERTS);
    open.push(staff);
    await staff.connected;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sent = Date.now();
    await raiseAlert(two.baseUrl, project, 'raised on replica two');
    await staff.waitFor(1, 1_000);
    const elapsed = Date.now() - sent;
    assert.deepEqual(messages(staff.received), ['raised on replica two']);
    assert.ok(elapsed < 1_000, `received after ${elapsed} ms`);
  } finally {
    await one.stop();
    await two.stop();
    await peer.close();
    execFileSync('psql', [admin, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
  }
});
