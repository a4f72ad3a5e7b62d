// A real graphql-ws client (the npm package, over the `ws` WebSocket) for the
// live tests: what an integrator's Node service would use against Hub.

import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { setTimeout as sleep } from 'node:timers/promises';

/** The `ws://` address of `/graphql/ws` beside `baseUrl`. */
export function wsUrl(baseUrl) {
  return `${baseUrl.replace(/^http/, 'ws')}/graphql/ws`;
}

/**
 * Opens a connection as `token` (none: anonymous) and runs one subscription,
 * collecting its results. `closed` resolves with the close event or error.
 */
export function subscribe(baseUrl, token, query, variables = {}) {
  const received = [];
  const errors = [];
  let settle;
  const ended = new Promise((resolve) => { settle = resolve; });
  const client = createClient({
    url: wsUrl(baseUrl),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    lazy: false,
    retryAttempts: 0,
    on: { closed: (event) => settle({ closed: event?.code ?? true, reason: event?.reason }) },
    // A refused connection is an outcome the tests assert, not console noise.
    onNonLazyError: (error) => settle({ closed: error?.code ?? true, reason: error?.reason }),
  });
  let acknowledged = false;
  const connected = new Promise((resolve) => client.on('connected', () => { acknowledged = true; resolve(); }));
  client.subscribe({ query, variables }, {
    next: (result) => (result.errors ? errors.push(result.errors) : received.push(result.data)),
    error: (error) => { errors.push(error); settle({ error }); },
    complete: () => settle({ complete: true }),
  });
  return {
    received,
    errors,
    ended,
    connected,
    get acknowledged() { return acknowledged; },
    /** Resolves once `count` results have arrived, or throws after `ms`. */
    async waitFor(count, ms = 5_000) {
      const deadline = Date.now() + ms;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} results within ${ms} ms, got ${received.length}: ${JSON.stringify(received)}`);
        await sleep(10);
      }
      return received;
    },
    close: () => client.dispose(),
  };
}
