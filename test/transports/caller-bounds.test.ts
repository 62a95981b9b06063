import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import type { ScheduleChange } from '../../src/bus/events.js';
import type { ScheduleDto } from '../../src/datasources/schedules.dto.js';
import { wixSchedule } from '../helpers/fixtures.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestGateway, type TestGateway, type TestGatewayOptions } from '../helpers/gateway.js';
import { captureLogs } from '../helpers/log-capture.js';
import { connect, subscribe, waitFor } from '../helpers/ws-client.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const TENANT = 'tenant-a';
const SOCKETS_PER_CALLER = 3;
const BUFFERED_BYTES = 256 * 1_024;
const DOCUMENT_CACHE_BYTES = 1_024 * 1_024;

async function token(subject: string, expiresAt: string | number = '1h'): Promise<string> {
  return new SignJWT({ instanceId: TENANT })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(SECRET));
}

const bearer = async (subject: string) => ({ authorization: `Bearer ${await token(subject)}` });

function change(index: number, schedule: Record<string, unknown> = {}): ScheduleChange {
  const id = `bounded-${index}`;
  return {
    eventId: `evt-${index}`,
    instanceId: TENANT,
    entityId: id,
    eventTime: '2026-12-01T00:00:00.000Z',
    sequence: '1',
    topics: ['updated'],
    schedule: wixSchedule(id, schedule) as unknown as ScheduleDto,
  };
}

let upstream: FakeUpstream;
const started: TestGateway[] = [];

async function gatewayWith(options: Partial<TestGatewayOptions> = {}, limits: TestGatewayOptions['limits'] = {}): Promise<TestGateway> {
  const gateway = await startTestGateway({
    upstreamUrl: upstream.url,
    authenticator: createAuthenticator({ kind: 'jwt', secret: SECRET, tenantClaim: 'instanceId' }),
    ...options,
    limits: {
      wsMaxSocketsPerCaller: SOCKETS_PER_CALLER,
      wsMaxBufferedBytes: BUFFERED_BYTES,
      wsDocumentCacheBytes: DOCUMENT_CACHE_BYTES,
      ...limits,
    },
  });
  started.push(gateway);
  return gateway;
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(async () => {
  for (const gateway of started) await gateway.close();
  await upstream.close();
});

/** A raw graphql-ws socket after `connection_init`: acknowledged, or closed with a code and reason. */
async function openSocket(gateway: TestGateway, authorization: string) {
  const socket = new WebSocket(gateway.wsUrl, 'graphql-transport-ws');
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const outcome = new Promise<{ ack: true } | { code: number; reason: string }>((resolve) => {
    socket.once('message', () => resolve({ ack: true }));
    socket.once('close', (code, reason) => resolve({ code, reason: String(reason) }));
  });
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization } }));
  return { socket, outcome: await outcome };
}

async function alive(gateway: TestGateway): Promise<number> {
  return (await fetch(`${gateway.url}/healthz`)).status;
}

describe('sockets per caller (WS_MAX_SOCKETS_PER_CALLER)', () => {
  it('closes a caller’s sockets past the limit with 1008, counts each caller apart, and frees a slot on close', async () => {
    const gateway = await gatewayWith();
    const alice = `Bearer ${await token('alice')}`;
    const opened = [];
    for (let i = 0; i < 20; i += 1) opened.push(await openSocket(gateway, alice));
    expect(opened.filter(({ outcome }) => 'ack' in outcome)).toHaveLength(SOCKETS_PER_CALLER);
    for (const { outcome } of opened.slice(SOCKETS_PER_CALLER)) {
      expect(outcome).toEqual({ code: 1008, reason: `At most ${SOCKETS_PER_CALLER} sockets per caller` });
    }
    // Another caller of the same tenant has its own allowance.
    const bob = await openSocket(gateway, `Bearer ${await token('bob')}`);
    expect(bob.outcome).toEqual({ ack: true });

    const first = opened[0]!.socket;
    await new Promise((resolve) => {
      first.once('close', resolve);
      first.close();
    });
    let again = await openSocket(gateway, alice);
    for (let attempt = 0; attempt < 50 && !('ack' in again.outcome); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      again = await openSocket(gateway, alice);
    }
    expect(again.outcome).toEqual({ ack: true });
    for (const { socket } of [...opened, bob, again]) socket.terminate();
    expect(await alive(gateway)).toBe(200);
  });
});

describe('subscription arguments', () => {
  const UPDATED = 'subscription($ids: [ID!]) { scheduleUpdated(scheduleIds: $ids) { eventId } }';

  it('refuses more than 100 scheduleIds, or an id longer than 250 characters, with BAD_USER_INPUT', async () => {
    const gateway = await gatewayWith();
    const client = connect(gateway.wsUrl, { connectionParams: await bearer('carol') });
    const cases = [Array.from({ length: 1_001 }, (_, i) => `s-${i}`), Array.from({ length: 101 }, (_, i) => `s-${i}`), ['x'.repeat(251)]];
    for (const ids of cases) {
      const refused = await subscribe(client, UPDATED, { ids }).next();
      expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(gateway.bus.listenerCount()).toBe(0);

    const longest = Array.from({ length: 100 }, (_, i) => `${i}-`.padEnd(250, 'x'));
    const accepted = subscribe(client, UPDATED, { ids: longest });
    await waitFor(() => gateway.bus.listenerCount() === 1, 'the subscription with 100 ids of 250 characters');
    await gateway.bus.publish({ ...change(1), entityId: longest[99]! });
    expect((await accepted.next()).data).toEqual({ scheduleUpdated: { eventId: 'evt-1' } });
    await client.dispose();
    expect(await alive(gateway)).toBe(200);
  });
});

describe('the WebSocket document cache (WS_DOCUMENT_CACHE_BYTES)', () => {
  it('holds at most its byte bound after many large invalid documents', async () => {
    const gateway = await gatewayWith();
    const client = connect(gateway.wsUrl, { connectionParams: await bearer('dave') });
    for (let i = 0; i < 60; i += 1) {
      // 100 KB each, different each time: invalid, and too long to share.
      const query = `{ nothingHere${i} } # ${'x'.repeat(100 * 1_024)}`;
      expect((await subscribe(client, query).next()).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    const { bytes, documents } = gateway.documentCacheStats();
    expect(bytes).toBeLessThanOrEqual(DOCUMENT_CACHE_BYTES);
    expect(documents).toBeLessThan(60);
    expect(documents).toBeGreaterThan(0);
    await client.dispose();
    expect(await alive(gateway)).toBe(200);
  });
});

describe.each([false, true])('a paused consumer (shared execution: %s)', (shared) => {
  it('is closed once its unsent bytes pass WS_MAX_BUFFERED_BYTES, long before its event limit, with no error logged', async () => {
    const logs = captureLogs('info');
    // The event limit is far away: only the byte bound can close the socket.
    const gateway = await gatewayWith({ logger: logs.logger }, { wsMaxQueuedEvents: 100_000, wsSharedExecution: shared });
    const slow = await openSocket(gateway, `Bearer ${await token('erin')}`);
    expect(slow.outcome).toEqual({ ack: true });
    slow.socket.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: 'subscription { scheduleUpdated { eventId schedule { id extendedFields } } }' },
      }),
    );
    await waitFor(() => gateway.bus.listenerCount() === 1, 'the subscription');
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();

    const EVENT_BYTES = 60 * 1_024;
    const blob = { namespaces: { '@demo/app': { blob: 'x'.repeat(EVENT_BYTES) } } };
    let sent = 0;
    // 400 events of 60 KB (24 MB): the loopback's socket buffers plus the byte bound are far less.
    while (gateway.bus.listenerCount() === 1 && sent < 400) {
      sent += 1;
      await gateway.bus.publish(change(sent, { extendedFields: blob }));
      await new Promise(setImmediate);
    }
    expect(gateway.bus.listenerCount()).toBe(0);
    expect(sent).toBeLessThan(400);
    slow.socket.terminate();
    expect(await alive(gateway)).toBe(200);
    const records = logs.records();
    expect(records.some((record) => record.msg === 'closing a WebSocket too slow to keep up with its events')).toBe(true);
    expect(records.filter((record) => Number(record.level) >= 50)).toEqual([]);
  });
});

describe('a caller token valid for longer than a timer can wait', () => {
  it('keeps its subscription (30 days is past 2^31 - 1 ms)', async () => {
    const gateway = await gatewayWith();
    const thirtyDays = '30d';
    const closes: number[] = [];
    const client = connect(gateway.wsUrl, { connectionParams: { authorization: `Bearer ${await token('frank', thirtyDays)}` } });
    client.on('closed', (event) => closes.push((event as { code: number }).code));
    const subscription = subscribe(client, 'subscription { scheduleUpdated { eventId } }');
    await waitFor(() => gateway.bus.listenerCount() === 1, 'the subscription');
    await gateway.bus.publish(change(1));
    expect((await subscription.next()).data).toEqual({ scheduleUpdated: { eventId: 'evt-1' } });
    await gateway.bus.publish(change(2));
    expect((await subscription.next()).data).toEqual({ scheduleUpdated: { eventId: 'evt-2' } });
    expect(closes).toEqual([]);
    await client.dispose();
  });
});
