// The other side of Hub's machine-to-machine routes, played by the test: a
// child project on the signed bridge and a tenant's Safety Wrapper. Each is a
// real HTTP server on 127.0.0.1 that checks Hub's signatures with Node's own
// crypto (not Hub's code) and records what it received.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

/** Hex HMAC-SHA256 of the bridge string `{ts}.{METHOD}.{path without /}.{body}`. */
export function bridgeSignature(secret, timestamp, method, path, body) {
  return createHmac('sha256', secret).update(`${timestamp}.${method}.${path.replace(/^\//, '')}.${body}`).digest('hex');
}

/** Sends a signed bridge request to Hub as the child project `project`. */
export async function signedBridgeCall(baseUrl, project, path, payload) {
  const body = JSON.stringify(payload);
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Mintreu-Project': project.slug,
      'X-Mintreu-Key': project.key,
      'X-Mintreu-Timestamp': String(timestamp),
      'X-Mintreu-Signature': bridgeSignature(project.secret, timestamp, 'POST', path, body),
    },
    body,
  });
  return { status: response.status, body: await response.json() };
}

function equalHex(a, b) {
  const x = Buffer.from(a ?? '', 'utf8');
  const y = Buffer.from(b ?? '', 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

async function listen(handler) {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { server, url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

function reply(res, status, payload) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(payload));
}

/**
 * A child project: answers `GET /api/health` and `POST …/vendors/provision`
 * once it knows its credentials (`child.project = {slug, key, secret}`), and
 * refuses any call whose `X-Mintreu-*` headers do not verify.
 */
export async function startChildProject() {
  const child = { project: null, calls: [] };
  const peer = await listen((req, res, body) => {
    const path = new URL(req.url, 'http://x').pathname;
    const h = req.headers;
    const expected = child.project && bridgeSignature(child.project.secret, h['x-mintreu-timestamp'], req.method, path, body);
    const verified = Boolean(expected)
      && h['x-mintreu-project'] === child.project.slug
      && h['x-mintreu-key'] === child.project.key
      && equalHex(h['x-mintreu-signature'], expected);
    child.calls.push({ method: req.method, path, verified, body });
    if (!verified) return reply(res, 401, { success: false, error: { message: 'signature refused by the child' } });
    if (req.method === 'GET' && path === '/api/health') return reply(res, 200, { status: 'ok' });
    if (req.method === 'POST' && path === '/api/internal/saas/vendors/provision') {
      const asked = JSON.parse(body);
      return reply(res, 201, { success: true, data: { vendor_id: 101, site_id: 81, url: `https://${asked.domain}` } });
    }
    return reply(res, 404, { success: false, error: { message: 'no such route' } });
  });
  return Object.assign(child, { url: peer.url, close: peer.close });
}

/**
 * A Safety Wrapper: answers 503 to the first `failFirst` webhooks, then 200;
 * records each with whether both of Hub's signatures verified against
 * `wrapper.secret` (`whsec_…`, set once the tenant has registered).
 */
export async function startSafetyWrapper({ failFirst = 0 } = {}) {
  const wrapper = { secret: null, received: [] };
  const peer = await listen((req, res, body) => {
    const h = req.headers;
    const key = wrapper.secret ? Buffer.from(wrapper.secret.replace(/^whsec_/, ''), 'base64') : Buffer.alloc(0);
    const letsBe = createHmac('sha256', key).update(body).digest('hex');
    const standard = createHmac('sha256', key).update(`${h['webhook-id']}.${h['webhook-timestamp']}.${body}`).digest('base64');
    const signatures = (h['webhook-signature'] ?? '').split(' ');
    wrapper.received.push({
      path: new URL(req.url, 'http://x').pathname,
      event: h['x-letsbe-event'],
      id: h['webhook-id'],
      letsBeVerified: equalHex(h['x-letsbe-signature'], letsBe),
      standardVerified: signatures.some((s) => equalHex(s, `v1,${standard}`)),
      body: JSON.parse(body || 'null'),
    });
    if (wrapper.received.length <= failFirst) return reply(res, 503, { error: 'starting up' });
    return reply(res, 200, { ok: true });
  });
  return Object.assign(wrapper, { url: peer.url, close: peer.close });
}
