// Stripe as seen by Hub's webhook: events signed the way Stripe signs them
// (`Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`).

import { createHmac, randomBytes } from 'node:crypto';

/** A fresh webhook secret for one test run. */
export function webhookSecret() {
  return `whsec_e2e_${randomBytes(16).toString('hex')}`;
}

/** The `Stripe-Signature` header for `payload` (the exact bytes sent). */
export function stripeSignature(secret, payload, t = Math.floor(Date.now() / 1000)) {
  const v1 = createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/**
 * A `checkout.session.completed` event for a paid subscription checkout with
 * Hub's metadata (`hub_plan`, `hub_domain`, optional `hub_tier`, `hub_tools`).
 */
export function checkoutCompleted({ email, name, plan, tier, domain, tools = [] }) {
  const id = (prefix) => `${prefix}_e2e_${randomBytes(8).toString('hex')}`;
  const metadata = { hub_plan: plan, hub_domain: domain };
  if (tier) metadata.hub_tier = tier;
  if (tools.length) metadata.hub_tools = tools.join(',');
  return {
    id: id('evt'),
    object: 'event',
    type: 'checkout.session.completed',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: {
      object: {
        id: id('cs'),
        object: 'checkout.session',
        mode: 'subscription',
        payment_status: 'paid',
        status: 'complete',
        customer: id('cus'),
        subscription: id('sub'),
        customer_details: { email, name },
        metadata,
      },
    },
  };
}

/** Posts `event` to Hub's webhook, signed with `secret`; answers `{ status, body }`. */
export async function deliverWebhook(baseUrl, secret, event) {
  const payload = JSON.stringify(event);
  const response = await fetch(`${baseUrl}/api/v1/webhooks/stripe`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripeSignature(secret, payload) },
    body: payload,
  });
  return { status: response.status, body: await response.json() };
}
