import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { DEMO_SCHEDULE_IDS, PROVIDER_IDS } from '../../src/emulator/index.js';
import { captureLogs } from '../helpers/log-capture.js';
import { postWebhook, scheduleEnvelope, signedWebhook } from '../helpers/webhooks.js';
import { startTestApp } from '../helpers/app.js';
import { gatewayOverEmulator } from '../helpers/suite.js';

const SECRET = 'observability-test-secret-long-enough!!';
const PASSWORD = 'Sup3r-Secret-Passw0rd!';
const logs = captureLogs('info');
const { emulator, gateway, keys } = gatewayOverEmulator({
  logger: logs.logger,
  authenticator: createAuthenticator({ kind: 'jwt', secret: SECRET, tenantClaim: 'instanceId' }),
});
let bearer: string;
beforeAll(async () => {
  bearer = await new SignJWT({ instanceId: emulator.instanceId, roles: ['calendar:write'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));
});

async function graphql(query: string, variables?: Record<string, unknown>, requestId?: string) {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}`, ...(requestId ? { 'x-request-id': requestId } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: unknown; errors?: unknown[] };
}

/** The value of one series in Prometheus text, 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

const metricsText = async () => (await fetch(`${gateway.url}/metrics`)).text();

describe('metrics', () => {
  it('moves the operation, upstream and webhook series with traffic', async () => {
    const before = await metricsText();
    await graphql('query ListConnections { connections { connections { id schedule { name } } } }');
    await graphql('query Missing { connection(id: "nope") { id } }');
    const token = await signedWebhook(keys.privateKey, scheduleEnvelope({ eventId: 'obs-1', sequence: 1 }));
    await postWebhook(gateway.url, token);
    await postWebhook(gateway.url, token);
    await postWebhook(gateway.url, 'garbage');
    const after = await metricsText();

    const moved = (series: string, by: number) =>
      expect({ series, delta: sample(after, series) - sample(before, series) }).toEqual({ series, delta: by });
    moved('gateway_operation_duration_seconds_count{operation_name="ListConnections",operation_type="query",outcome="ok"}', 1);
    moved('gateway_operation_duration_seconds_count{operation_name="Missing",operation_type="query",outcome="ok"}', 1);
    moved('gateway_upstream_call_duration_seconds_count{endpoint="externalCalendars.listConnections",status="200"}', 1);
    moved('gateway_upstream_call_duration_seconds_count{endpoint="schedules.query",status="200"}', 1);
    moved('gateway_upstream_errors_total{endpoint="externalCalendars.getConnection",status="404"}', 1);
    moved('gateway_webhooks_total{verdict="accepted",event_type="wix.calendar.v3.schedule_updated"}', 1);
    moved('gateway_webhooks_total{verdict="duplicate",event_type="wix.calendar.v3.schedule_updated"}', 1);
    moved('gateway_webhooks_total{verdict="refused",event_type="unknown"}', 1);
    moved('gateway_webhook_delivery_seconds_count', 2);
    expect(after).toContain('gateway_active_websockets ');
    expect(after).toContain('gateway_active_subscriptions ');
    expect(after).toContain('process_cpu_seconds_total');
  });

  it('can be moved to its own port and protected with a token (METRICS_PORT, METRICS_TOKEN)', async () => {
    const app = await startTestApp({ METRICS_PORT: '0', METRICS_TOKEN: 'scrape-me' });
    try {
      expect((await fetch(`${app.gateway.url}/metrics`)).status).toBe(404);
      const metricsUrl = `${app.gateway.metricsUrl ?? ''}/metrics`;
      expect((await fetch(metricsUrl)).status).toBe(401);
      const scraped = await fetch(metricsUrl, { headers: { authorization: 'Bearer scrape-me' } });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('gateway_webhooks_total');
    } finally {
      await app.close();
    }
  });
});

describe('logs', () => {
  it('are JSON lines that carry the request id from the request into upstream calls and the log', async () => {
    emulator.clearCalls();
    await graphql('{ connections { connections { id } } }', undefined, 'req-obs-42');
    expect(emulator.calls[0]?.headers['x-request-id']).toBe('req-obs-42');
    const mine = logs.records().filter((r) => r.requestId === 'req-obs-42');
    expect(mine.map((r) => r.msg)).toEqual(expect.arrayContaining(['upstream call', 'graphql operation']));
    expect(mine.find((r) => r.msg === 'upstream call')).toMatchObject({
      endpoint: 'externalCalendars.listConnections',
      status: 200,
      attempt: 1,
    });
    for (const line of logs.lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it('log one line per webhook with its verdict, and the reason of a refusal', async () => {
    await postWebhook(gateway.url, 'not-a-jwt');
    expect(
      logs
        .records()
        .filter((r) => r.msg === 'webhook')
        .at(-1),
    ).toMatchObject({ verdict: 'refused', status: 400, reason: 'body is not a JWT' });
  });

  it('never contain a token or a password', async () => {
    await graphql(
      'mutation($p: String!) { connectByCredentials(providerId: "' +
        PROVIDER_IDS.apple +
        '", scheduleId: "' +
        DEMO_SCHEDULE_IDS.noahNutrition +
        '", email: "noah@icloud.com", password: $p) { connection { id } userErrors { code } } }',
      { p: PASSWORD },
    );
    await graphql(
      'mutation($p: String!) { connectByCredentials(providerId: "x", scheduleId: "y", email: "e@example.com", password: $p) { userErrors { code } } }',
      { p: PASSWORD },
    );
    const everything = logs.lines.join('\n');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(bearer);
    expect(everything).not.toContain(bearer.split('.')[2] ?? 'unreachable');
    expect(everything).not.toContain(emulator.apiKey);
  });
});
