// A tiny SMTP sink for the tests: accepts every mail on 127.0.0.1 (Hub speaks
// plain SMTP to a loopback relay, no STARTTLS) and keeps it, decoded, so a
// test can wait for the mail a flow sends and follow the link in it.

import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Decodes a body sent as quoted-printable, base64 or plain 7/8 bit. */
function decodeBody(encoding, body) {
  switch ((encoding ?? '').toLowerCase()) {
    case 'quoted-printable':
      return Buffer.from(
        body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16))),
        'latin1',
      ).toString('utf8');
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    default:
      return body;
  }
}

/** Splits a message into lower-case headers (unfolded) and its decoded body. */
export function parseMessage(raw) {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split + 4);
  const headers = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, subject: headers.subject ?? '', body: decodeBody(headers['content-transfer-encoding'], body) };
}

/**
 * Listens on a free loopback port. `url` is what Hub's `HUB_MAIL__SMTP_URL`
 * takes; `mails` holds `{ from, to, subject, headers, body }` in arrival order.
 */
export async function startSmtpSink() {
  const mails = [];
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.setEncoding('latin1');
    let buffer = '';
    let data = null; // the DATA being received, or null while in commands
    let envelope = { from: '', to: [] };
    const reply = (line) => socket.write(`${line}\r\n`);
    reply('220 sink.test ESMTP ready');
    socket.on('data', (chunk) => {
      buffer += chunk;
      for (;;) {
        if (data !== null) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          // Undo dot-stuffing: a line starting with ".." was sent as "."
          const raw = (data + buffer.slice(0, end)).replace(/\r\n\.\./g, '\r\n.').replace(/^\.\./, '.');
          buffer = buffer.slice(end + 5);
          data = null;
          mails.push({ from: envelope.from, to: envelope.to, ...parseMessage(Buffer.from(raw, 'latin1').toString('utf8')) });
          envelope = { from: '', to: [] };
          reply('250 2.0.0 queued');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') {
          reply('250-sink.test');
          reply('250-8BITMIME');
          reply('250 SMTPUTF8');
        } else if (verb === 'HELO') reply('250 sink.test');
        else if (verb === 'MAIL') {
          envelope.from = line.replace(/^MAIL FROM:\s*<?([^>\s]*)>?.*$/i, '$1');
          reply('250 2.1.0 ok');
        } else if (verb === 'RCPT') {
          envelope.to.push(line.replace(/^RCPT TO:\s*<?([^>\s]*)>?.*$/i, '$1'));
          reply('250 2.1.5 ok');
        } else if (verb === 'DATA') {
          data = '';
          reply('354 end with <CRLF>.<CRLF>');
        } else if (verb === 'RSET') {
          envelope = { from: '', to: [] };
          reply('250 ok');
        } else if (verb === 'NOOP') reply('250 ok');
        else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
        } else reply('502 5.5.2 not implemented');
      }
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    /** Resolves with the first mail to `to` that `match` accepts, or throws after `ms`. */
    async waitForMail(to, match = () => true, ms = 20_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = mails.find((m) => m.to.includes(to) && match(m));
        if (found) return found;
        if (Date.now() > deadline) {
          throw new Error(`no mail to ${to} within ${ms} ms; received: ${JSON.stringify(mails.map((m) => [m.to, m.subject]))}`);
        }
        await sleep(50);
      }
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
