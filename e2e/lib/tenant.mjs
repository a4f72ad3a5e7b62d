// A tenant host's Safety Wrapper, driven by the test over Hub's REST shim
// (`/api/v1/tenant/*`): register with a one-time token, then heartbeats,
// usage buckets and approval requests under the hub key it was given.

async function call(baseUrl, path, { key, body } = {}) {
  const headers = { 'Content-Type': 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  const response = await fetch(`${baseUrl}/api/v1/tenant/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok || !answer.success) {
    throw new Error(`${path}: HTTP ${response.status} ${JSON.stringify(answer)}`);
  }
  return answer.data;
}

/** The start of the current UTC hour, as RFC 3339. */
export function currentHour() {
  const now = new Date();
  now.setUTCMinutes(0, 0, 0);
  return now.toISOString().replace('.000Z', 'Z');
}

/** Registers with `registrationToken`; answers a tenant bound to its hub key. */
export async function registerTenant(baseUrl, registrationToken) {
  const registered = await call(baseUrl, 'register', { body: { registrationToken } });
  const key = registered.hubApiKey;
  let configVersion = 0;
  return {
    orderId: registered.orderId,
    key,
    async heartbeat() {
      const reply = await call(baseUrl, 'heartbeat', {
        key,
        body: {
          status: 'healthy',
          configVersion,
          openclawVersion: 'v2026.2.1',
          safetyWrapperVersion: 'v1.0.3',
          resources: { cpuPercent: 12, memoryUsedMb: 2048 },
        },
      });
      configVersion = reply.configVersion;
      return reply;
    },
    /** One hourly bucket of `tokens` input tokens for `agentId`, this hour. */
    usage(agentId, tokens, model = 'deepseek/deepseek-v3.2') {
      const bucket = {
        agentId, model, bucketHour: currentHour(), tokensInput: tokens, tokensOutput: 0, tokensCacheRead: 0,
        tokensCacheWrite: 0, webSearchCount: 0, webFetchCount: 0, costCents: 0,
      };
      return call(baseUrl, 'usage', { key, body: { buckets: [bucket] } });
    },
    approvalRequest(request) {
      return call(baseUrl, 'approval-request', { key, body: request });
    },
  };
}
