// TOTP codes as an authenticator app would compute them (RFC 6238:
// SHA1, 6 digits, 30 s steps).

import * as OTPAuth from 'otpauth';
import { setTimeout as sleep } from 'node:timers/promises';

const PERIOD_S = 30;

export function stepAt(ms = Date.now()) {
  return Math.floor(ms / 1000 / PERIOD_S);
}

/**
 * The current code for `secret`, never from a time step in `usedSteps`:
 * the server refuses a code whose step was already used, so when the last
 * code came from this same step we wait for the next one.
 * @returns {Promise<{ code: string, step: number }>}
 */
export async function freshCode(secret, usedSteps = []) {
  const totp = new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_S,
  });
  for (;;) {
    const now = Date.now();
    const step = stepAt(now);
    if (!usedSteps.includes(step)) {
      return { code: totp.generate({ timestamp: now }), step };
    }
    const nextStepMs = (step + 1) * PERIOD_S * 1000;
    await sleep(nextStepMs - now + 250);
  }
}
