import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postWebhook, scheduleEnvelope, signedWebhook, testKeys, type TestKeys } from '../helpers/webhooks.js';
import { connect, subscribe, waitFor } from '../helpers/ws-client.js';

let upstream: FakeUpstream;
let gateway: TestGateway;
let keys: TestKeys;

beforeAll(async () => {
  keys = await testKeys();
  upstream = await startFakeUpstream(() => ({ body: { connections: [] } }));
  gateway = await startTestGateway({
    upstreamUrl: upstream.url,
    webhookKeys: [keys.publicKey],
    corsOrigins: ['https://app.example.com'],
    // One bus listener per subscription here (shared execution has its own tests).
    limits: { ratePerMinute: 0, wsMaxSubscriptions: 3, wsMaxQueuedEvents: 20, wsSharedExecution: false },
  });
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});
beforeEach(() => {
  upstream.requests.length = 0;
});

/** `{ connections { connections { schedule { ... } } } }`-shaped nesting through introspection, n levels deep. */
function deepIntrospection(levels: number): string {
  let selection = 'name';
  for (let i = 0; i < levels; i += 1) selection = `ofType { ${selection} }`;
  return `{ __schema { types { ${selection} } } }`;
}

describe('query limits: refused in validation, before any upstream call', () => {
  it('allows the standard introspection query (Sandbox, codegen)', async () => {
    const result = await gateway.graphql(
      getIntrospectionQuery({
        oneOf: true,
        specifiedByUrl: true,
        inputValueDeprecation: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
      }),
    );
    expect(result.errors).toBeUndefined();
  });

  it('refuses a 30-level introspection query', async () => {
    const result = await gateway.graphql(deepIntrospection(30));
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.errors?.[0]?.message).toMatch(/depth/i);
  });

  it('refuses an over-deep query', async () => {
    const result = await gateway.graphql(
      deepIntrospection(20).replace(
        '__schema { types',
        'connections { connections { schedule { permissions { identity { wixUserId } } } } } __schema { types',
      ),
    );
    expect(result.errors?.[0]?.message).toMatch(/depth/i);
    expect(upstream.requests).toHaveLength(0);
  });

  it('refuses an over-aliased query', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `c${i}: connections { failedProviderIds }`).join(' ');
    const result = await gateway.graphql(`{ ${aliases} }`);
    expect(result.errors?.[0]?.message).toMatch(/alias/i);
    expect(upstream.requests).toHaveLength(0);
  });

  it('refuses an over-costly query', async () => {
    const fields =
      'id name status timeZone businessTimeZoneEnabled defaultTitle defaultCapacity appId revision createdDate updatedDate externalId extendedFields';
    const heavy = `connections { connections { id status syncConfig { listEventFromCalendars { enabled source { ... on CalendarSelection { calendars { id name enabled } } } } } schedule { ${fields} defaultLocation { id type name address } defaultConferencingDetails { type hostUrl guestUrl password externalId } permissions { role identity { wixUserId } } } } }`;
    const query = `{ ${Array.from({ length: 25 }, (_, i) => `a${i}: ${heavy}`).join(' ')} }`;
    const result = await gateway.graphql(query);
    expect(result.errors?.[0]?.message).toMatch(/cost/i);
    expect(upstream.requests).toHaveLength(0);
  });

  it('refuses a document with too many tokens', async () => {
    const result = await gateway.graphql(`{ ${'__typename '.repeat(3_000)} }`);
    expect(result.errors?.[0]?.message).toMatch(/token/i);
  });

  it('refuses batched HTTP requests', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(response.status).toBe(400);
  });

  it('applies the same limits over WebSocket', async () => {
    const client = connect(gateway.wsUrl);
    const result = subscribe(client, deepIntrospection(30));
    expect((await result.next()).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    await client.dispose();
  });
});

describe('CORS', () => {
  it('allows configured origins on HTTP and refuses others', async () => {
    const allowed = await fetch(`${gateway.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await fetch(`${gateway.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('checks the WebSocket handshake Origin against the same list', async () => {
    const refused = new WebSocket(gateway.wsUrl, 'graphql-transport-ws', { origin: 'https://evil.example.com' });
    const status = await new Promise<number | undefined>((resolve) => {
      refused.on('unexpected-response', (_req, res) => resolve(res.statusCode));
      refused.on('open', () => resolve(undefined));
    });
    expect(status).toBe(401);
    const accepted = new WebSocket(gateway.wsUrl, 'graphql-transport-ws', { origin: 'https://app.example.com' });
    await new Promise((resolve, reject) => {
      accepted.on('open', resolve);
      accepted.on('error', reject);
    });
    accepted.close();
  });
});

describe('WebSocket protections', () => {
  it('caps the operations of one socket', async () => {
    const client = connect(gateway.wsUrl);
    const query = 'subscription { scheduleUpdated { eventId } }';
    const open = [subscribe(client, query), subscribe(client, query), subscribe(client, query)];
    await waitFor(() => gateway.bus.listenerCount() === 3, 'three subscriptions');
    const fourth = subscribe(client, query);
    expect((await fourth.next()).errors?.[0]?.extensions?.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    for (const s of open) s.unsubscribe();
    await client.dispose();
    await waitFor(() => gateway.bus.listenerCount() === 0, 'the subscriptions to end');
  });

  it('closes a consumer that stops reading while the others keep receiving', async () => {
    // A raw socket that subscribes, then stops reading (its TCP receive window fills up).
    const slow = new WebSocket(gateway.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => slow.on('open', resolve));
    slow.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((resolve) => slow.once('message', resolve));
    slow.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: 'subscription { scheduleUpdated { eventId schedule { id name extendedFields } } }' },
      }),
    );
    const healthy = connect(gateway.wsUrl);
    const live = subscribe(healthy, 'subscription { scheduleUpdated { eventId } }');
    await waitFor(() => gateway.bus.listenerCount() === 2, 'both subscriptions');
    slow.pause(); // stops reading from its TCP socket: the gateway's writes pile up

    const big = { namespaces: { '@demo/app': { blob: 'x'.repeat(60_000) } } };
    let sent = 0;
    // The gateway closes the slow socket, which ends its subscription: one listener is left.
    while (gateway.bus.listenerCount() === 2 && sent < 1_000) {
      sent += 1;
      const envelope = scheduleEnvelope({
        scheduleId: `big-${sent}`,
        sequence: 1,
        eventId: `big-${sent}`,
        schedule: { id: `big-${sent}`, name: 'big', extendedFields: big },
      });
      expect((await postWebhook(gateway.url, await signedWebhook(keys.privateKey, envelope))).status).toBe(200);
    }
    expect(gateway.bus.listenerCount()).toBe(1);
    for (let i = 0; i < sent; i += 1) await live.next();
    expect(live.received).toHaveLength(sent);
    await healthy.dispose();
    slow.terminate();
    await waitFor(() => gateway.bus.listenerCount() === 0, 'the subscriptions to end');
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After once a caller spent its budget of the minute', async () => {
    const limited = await startTestGateway({ upstreamUrl: upstream.url, limits: { ratePerMinute: 5 } });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 7; i += 1) {
        const response = await fetch(`${limited.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"query":"{ __typename }"}',
        });
        statuses.push(response.status);
        if (response.status === 429) retryAfter = response.headers.get('retry-after');
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe('CORS and the gateway’s own pages', () => {
  it('lets the gateway’s own origin open a socket even when CORS_ORIGINS does not list it', async () => {
    const own = new WebSocket(gateway.wsUrl, 'graphql-transport-ws', { origin: gateway.url });
    await new Promise((resolve, reject) => {
      own.on('open', resolve);
      own.on('error', reject);
    });
    own.close();
  });
});
