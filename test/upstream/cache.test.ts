import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { UpstreamPolicy } from '../../src/infra/config.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { callsTo, fakeWix, type FakeWix } from '../helpers/fake-wix.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { connect } from '../helpers/ws-client.js';

const CONNECTIONS = '/bookings/v2/external-calendars/connections';
const EVENTS = '/bookings/v2/external-calendars/events';
const LIST = '{ connections { connections { id syncConfig { syncToCalendar { enabled } } } } }';
const DISABLE_EXPORT = `mutation { updateSyncConfig(connectionId: "conn-1", syncConfig: {
  syncToCalendar: { enabled: false, target: { dedicatedCalendar: true } }
  listEventFromCalendars: { enabled: true, source: { primaryCalendar: true } }
}) { connection { id } userErrors { code } } }`;

let wix: FakeWix;
let upstream: FakeUpstream;
const gateways: TestGateway[] = [];

async function setUp(policy: Partial<UpstreamPolicy>, options: { instances?: number; redis?: boolean; siteId?: string } = {}) {
  wix = fakeWix();
  upstream = await startFakeUpstream(wix.handler);
  const siteId = options.siteId ?? `site-${randomUUID()}`;
  for (let index = 0; index < (options.instances ?? 1); index += 1) {
    gateways.push(
      await startTestGateway({
        upstreamUrl: upstream.url,
        siteId,
        upstream: { cache: true, ...policy },
        ...(options.redis ? { redisUrl: inject('redisUrl') } : {}),
      }),
    );
  }
  return gateways;
}

afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
  await upstream.close();
});

const exportEnabled = (result: {
  data?: { connections: { connections: Array<{ syncConfig: { syncToCalendar: { enabled: boolean } } }> } } | null;
}) => result.data?.connections.connections[0]?.syncConfig.syncToCalendar.enabled;

describe('reads without webhooks: coalesced, kept briefly, invalidated by writes', () => {
  it('makes one upstream call for many identical reads in flight', async () => {
    const [gateway] = await setUp({ cacheTtlMs: 60_000 });
    upstream.handle(async (request) => ({ ...(await wix.handler(request)), delayMs: 200 }));
    const results = await Promise.all(Array.from({ length: 25 }, () => gateway!.graphql(LIST)));
    for (const result of results) expect(result.errors).toBeUndefined();
    expect(callsTo(upstream.requests, 'GET', CONNECTIONS)).toBe(1);
  });

  it('reuses an answer for its time to live, then reads again', async () => {
    const [gateway] = await setUp({ cacheTtlMs: 300 });
    await gateway!.graphql(LIST);
    await gateway!.graphql(LIST);
    expect(callsTo(upstream.requests, 'GET', CONNECTIONS)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 350));
    await gateway!.graphql(LIST);
    expect(callsTo(upstream.requests, 'GET', CONNECTIONS)).toBe(2);
  });

  it('shows the gateway’s own write to the very next read', async () => {
    const [gateway] = await setUp({ cacheTtlMs: 60_000 });
    expect(exportEnabled(await gateway!.graphql(LIST))).toBe(true);
    expect((await gateway!.graphql(DISABLE_EXPORT)).errors).toBeUndefined();
    expect(exportEnabled(await gateway!.graphql(LIST))).toBe(false);
  });

  it('shows a write through one instance to the next read on another (Redis)', async () => {
    const [a, b] = await setUp({ cacheTtlMs: 60_000 }, { instances: 2, redis: true });
    expect(exportEnabled(await b!.graphql(LIST))).toBe(true);
    expect(exportEnabled(await b!.graphql(LIST))).toBe(true);
    expect(callsTo(upstream.requests, 'GET', CONNECTIONS)).toBe(1);
    expect((await a!.graphql(DISABLE_EXPORT)).errors).toBeUndefined();
    expect(exportEnabled(await b!.graphql(LIST))).toBe(false);
  });

  it('keeps answers with and without personal data apart', async () => {
    const [gateway] = await setUp({ cacheTtlMs: 60_000 });
    upstream.handle((request) =>
      request.path === EVENTS
        ? {
            body: {
              events: [
                {
                  scheduleId: 'sched-1',
                  calendarType: 'GOOGLE',
                  start: '2026-12-01T10:00:00Z',
                  end: '2026-12-01T11:00:00Z',
                  ...(request.query.includes('OWN_PI') ? { title: 'Dentist' } : {}),
                },
              ],
              pagingMetadata: { count: 1, cursors: {}, hasNext: false },
              failedProviderIds: [],
            },
          }
        : wix.handler(request),
    );
    const read = (personal: boolean) =>
      gateway!.graphql<{ externalEvents: { edges: Array<{ node: { title: string | null } }> } }>(
        `query($p: Boolean) { externalEvents(filter: { from: "2026-12-01T00:00:00Z", to: "2026-12-02T00:00:00Z", includePersonalData: $p }) { edges { node { title } } } }`,
        { p: personal },
      );
    expect((await read(true)).data?.externalEvents.edges[0]?.node.title).toBe('Dentist');
    expect((await read(false)).data?.externalEvents.edges[0]?.node.title).toBeNull();
    expect((await read(true)).data?.externalEvents.edges[0]?.node.title).toBe('Dentist');
    expect((await read(false)).data?.externalEvents.edges[0]?.node.title).toBeNull();
    expect(callsTo(upstream.requests, 'GET', EVENTS)).toBe(2);
  });
});

describe('one budget per site', () => {
  const connection = (gateway: TestGateway, id: string) => gateway.graphql(`{ connection(id: "${id}") { id } }`);

  it('is shared by two instances on Redis, and a refused read says when to retry', async () => {
    const [a, b] = await setUp({ ratePerMinute: 5, cacheTtlMs: 60_000 }, { instances: 2, redis: true });
    // Reads may use 90 % of 5: 4 calls, whichever instance makes them.
    const results = [];
    for (let index = 0; index < 8; index += 1) results.push(await connection(index % 2 ? a! : b!, `conn-x${index}`));
    expect(upstream.requests).toHaveLength(4);
    const refused = results.slice(4);
    for (const result of refused) {
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
      expect(result.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(50);
      expect(result.status).toBe(200);
    }
    // A write still has its reserve.
    expect((await a!.graphql(DISABLE_EXPORT)).errors).toBeUndefined();
  });

  it('answers from the cache, with the age of the data, when the budget is spent', async () => {
    const [gateway] = await setUp({ ratePerMinute: 3, cacheTtlMs: 100 });
    expect(exportEnabled(await gateway!.graphql(LIST))).toBe(true);
    await connection(gateway!, 'conn-y1');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const stale = await gateway!.graphql<never>(LIST);
    expect(stale.errors).toBeUndefined();
    expect(exportEnabled(stale as never)).toBe(true);
    const body = stale as unknown as { extensions?: { staleData?: { ageSeconds: number; reason: string } } };
    expect(body.extensions?.staleData).toEqual({ ageSeconds: expect.any(Number), reason: 'UPSTREAM_RATE_LIMITED' });
    expect(body.extensions?.staleData?.ageSeconds).toBeGreaterThanOrEqual(0.1);
  });

  it('says so over WebSocket too', async () => {
    const [gateway] = await setUp({ ratePerMinute: 3, cacheTtlMs: 100 });
    await gateway!.graphql(LIST);
    await connection(gateway!, 'conn-w1');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const client = connect(gateway!.wsUrl);
    try {
      const { value } = await client.iterate({ query: LIST }).next();
      expect((value as { errors?: unknown }).errors).toBeUndefined();
      expect((value as { extensions?: { staleData?: unknown } }).extensions?.staleData).toEqual({
        ageSeconds: expect.any(Number),
        reason: 'UPSTREAM_RATE_LIMITED',
      });
    } finally {
      await client.dispose();
    }
  });

  it('never answers a read with data from before the gateway’s own write, even over budget', async () => {
    const [gateway] = await setUp({ ratePerMinute: 3, cacheTtlMs: 100 });
    await gateway!.graphql(LIST);
    await gateway!.graphql(DISABLE_EXPORT);
    await connection(gateway!, 'conn-z1');
    const result = await gateway!.graphql(LIST);
    expect(result.errors?.[0]?.extensions?.code).toBe('UPSTREAM_RATE_LIMITED');
  });
});

describe('a 429 from Wix', () => {
  const tooMany = (retryAfter?: string) => ({
    status: 429,
    body: { message: 'Too many requests', details: { applicationError: { code: 'TOO_MANY_REQUESTS' } } },
    ...(retryAfter ? { headers: { 'retry-after': retryAfter } } : {}),
  });

  it('with Retry-After: holds every call of the site for that long, no retry storm', async () => {
    const [gateway] = await setUp({ ratePerMinute: 200, cacheTtlMs: 60_000 });
    wix.override = () => tooMany('30');
    const first = await gateway!.graphql(LIST);
    expect(first.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', retryAfterSeconds: 30 });
    for (let index = 0; index < 5; index += 1) await gateway!.graphql(`{ connection(id: "c${index}") { id } }`);
    expect(upstream.requests).toHaveLength(1);
  });

  it('leaves /readyz ready and shows in /metrics', async () => {
    const [gateway] = await setUp({ ratePerMinute: 200, cacheTtlMs: 60_000 });
    wix.override = () => tooMany('30');
    for (let index = 0; index < 12; index += 1) await gateway!.graphql(`{ connection(id: "r${index}") { id } }`);
    expect((await fetch(`${gateway!.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${gateway!.url}/metrics`)).text();
    expect(metrics).toMatch(/gateway_upstream_budget_refusals_total\{kind="read"\} 11/);
    expect(metrics).toMatch(/gateway_upstream_site_calls_total\{site="site-[\w-]+"\} 1/);
    expect(metrics).toMatch(/gateway_upstream_cache_total\{namespace="externalCalendars",result="miss"\} 12/);
    expect(metrics).toMatch(/gateway_upstream_budget_remaining\{site="site-[\w-]+"\} 199/);
  });

  it('without Retry-After: backs off for a while all the same', async () => {
    const [gateway] = await setUp({ ratePerMinute: 200, cacheTtlMs: 60_000 });
    wix.override = () => tooMany();
    const first = await gateway!.graphql(LIST);
    expect(first.errors?.[0]?.extensions?.code).toBe('UPSTREAM_RATE_LIMITED');
    await gateway!.graphql('{ connection(id: "c1") { id } }');
    expect(upstream.requests).toHaveLength(1);
  });

  it('with a short Retry-After: waits and tries once more', async () => {
    const [gateway] = await setUp({ ratePerMinute: 200, cacheTtlMs: 60_000 });
    let refusals = 1;
    wix.override = () => (refusals-- > 0 ? tooMany('1') : undefined);
    const result = await gateway!.graphql(LIST);
    expect(result.errors).toBeUndefined();
    expect(upstream.requests).toHaveLength(2);
  });
});
