import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { RedisEventBus } from '../../src/bus/redis-bus.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postWebhook, scheduleEnvelope, signedWebhook, testKeys, type TestKeys } from '../helpers/webhooks.js';
import { connect, subscribe, waitFor } from '../helpers/ws-client.js';

const UPDATED =
  'subscription($ids: [ID!], $since: String) { scheduleUpdated(scheduleIds: $ids, since: $since) { eventId sequence cursor schedule { id name } } }';

let upstream: FakeUpstream;
let keys: TestKeys;
let a: TestGateway;
let b: TestGateway;
let clientB: Client;
const prefix = `test-${randomUUID()}:`;

async function redisBus(logSize = 1_000): Promise<RedisEventBus> {
  return RedisEventBus.connect({ url: inject('redisUrl'), logSize, logger: pino({ level: 'silent' }), prefix });
}

beforeAll(async () => {
  keys = await testKeys();
  upstream = await startFakeUpstream();
  a = await startTestGateway({ upstreamUrl: upstream.url, webhookKeys: [keys.publicKey], bus: await redisBus() });
  b = await startTestGateway({ upstreamUrl: upstream.url, webhookKeys: [keys.publicKey], bus: await redisBus() });
  clientB = connect(b.wsUrl);
});
afterAll(async () => {
  await clientB.dispose();
  for (const gateway of [a, b]) {
    await gateway.close();
    await gateway.bus.close();
  }
  await upstream.close();
});

describe('two gateway instances on one Redis act as one', () => {
  it('delivers a webhook received by A to a subscriber on B, and a redelivery to B not again', async () => {
    const subscription = subscribe(clientB, UPDATED, { ids: ['shared-1'] });
    await waitFor(() => b.bus.listenerCount() === 1, 'the subscription on B');
    const token = await signedWebhook(keys.privateKey, scheduleEnvelope({ scheduleId: 'shared-1', sequence: 1, eventId: 'evt-shared' }));
    expect(await postWebhook(a.url, token)).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect((await subscription.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'evt-shared', schedule: { id: 'shared-1' } } });

    expect(await postWebhook(b.url, token)).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    const stale = await signedWebhook(
      keys.privateKey,
      scheduleEnvelope({ scheduleId: 'shared-1', sequence: 1, eventId: 'evt-shared-other-id' }),
    );
    expect(await postWebhook(b.url, stale)).toMatchObject({ status: 200, body: { status: 'stale' } });
    await postWebhook(
      b.url,
      await signedWebhook(keys.privateKey, scheduleEnvelope({ scheduleId: 'shared-1', sequence: 2, eventId: 'evt-shared-2' })),
    );
    expect((await subscription.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'evt-shared-2' } });
    expect(subscription.received).toHaveLength(2);
    subscription.unsubscribe();
    await waitFor(() => b.bus.listenerCount() === 0, 'the subscription to go');
  });

  it('delivers one redelivery raced to both instances at once exactly once', async () => {
    const subscription = subscribe(clientB, UPDATED, { ids: ['race-1'] });
    await waitFor(() => b.bus.listenerCount() === 1, 'the subscription on B');
    const token = await signedWebhook(keys.privateKey, scheduleEnvelope({ scheduleId: 'race-1', sequence: 1, eventId: 'evt-race' }));
    const verdicts = await Promise.all([
      postWebhook(a.url, token),
      postWebhook(b.url, token),
      postWebhook(a.url, token),
      postWebhook(b.url, token),
    ]);
    expect(verdicts.map((v) => v.status)).toEqual([200, 200, 200, 200]);
    expect(verdicts.filter((v) => v.body?.status === 'accepted')).toHaveLength(1);
    await postWebhook(
      a.url,
      await signedWebhook(keys.privateKey, scheduleEnvelope({ scheduleId: 'race-1', sequence: 2, eventId: 'evt-race-2' })),
    );
    expect((await subscription.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'evt-race' } });
    expect((await subscription.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'evt-race-2' } });
    subscription.unsubscribe();
    await waitFor(() => b.bus.listenerCount() === 0, 'the subscription to go');
  });

  it('resumes on B from a cursor received on A, with exactly the missed events in order', async () => {
    const clientA = connect(a.wsUrl);
    const first = subscribe(clientA, UPDATED, { ids: ['resume-r'] });
    await waitFor(() => a.bus.listenerCount() === 1, 'the subscription on A');
    const post = async (seq: number) =>
      postWebhook(
        a.url,
        await signedWebhook(keys.privateKey, scheduleEnvelope({ scheduleId: 'resume-r', sequence: seq, eventId: `evt-r-${seq}` })),
      );
    await post(1);
    const last = (await first.next()).data as { scheduleUpdated: { cursor: string } };
    await clientA.dispose();
    await waitFor(() => a.bus.listenerCount() === 0, 'A to drop the subscription');
    await post(2);
    await post(3);
    await postWebhook(a.url, await signedWebhook(keys.privateKey, scheduleEnvelope({ scheduleId: 'other-r', sequence: 1 })));

    const resumed = subscribe(clientB, UPDATED, { ids: ['resume-r'], since: last.scheduleUpdated.cursor });
    expect((await resumed.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'evt-r-2' } });
    expect((await resumed.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'evt-r-3' } });
    await post(4);
    expect((await resumed.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'evt-r-4' } });
    expect(resumed.received).toHaveLength(3);
    resumed.unsubscribe();
    await waitFor(() => b.bus.listenerCount() === 0, 'the subscription to go');
  });
});

describe('the Redis log is bounded', () => {
  it('answers CURSOR_EXPIRED for a cursor whose following events were trimmed', async () => {
    const small = await RedisEventBus.connect({
      url: inject('redisUrl'),
      logSize: 10,
      logger: pino({ level: 'silent' }),
      prefix: `small-${randomUUID()}:`,
    });
    try {
      const change = (n: number) => ({
        eventId: `e-${n}`,
        instanceId: 'i',
        entityId: `s-${n}`,
        eventTime: new Date().toISOString(),
        sequence: '1',
        topics: ['updated' as const],
        schedule: { id: `s-${n}`, status: 'ACTIVE' as const },
      });
      const first = await small.publish(change(0));
      for (let n = 1; n <= 500; n += 1) await small.publish(change(n));
      await expect(small.subscribe({ since: first.event?.cursor ?? '', filter: () => true })).rejects.toMatchObject({
        code: 'CURSOR_EXPIRED',
      });
      const recent = await small.publish(change(501));
      const replay = await small.subscribe({ since: recent.event?.cursor ?? '', filter: () => true });
      await replay.return?.();
    } finally {
      await small.close();
    }
  });

  it('reports not ready once Redis is gone', async () => {
    const bus = await redisBus();
    expect(bus.isReady()).toBe(true);
    await bus.close();
    expect(bus.isReady()).toBe(false);
  });
});

describe('the dedupe mark and the log entry are written together', () => {
  const change = (eventId: string, entityId: string) => ({
    eventId,
    instanceId: 'i',
    entityId,
    eventTime: new Date().toISOString(),
    sequence: '1',
    topics: ['updated' as const],
    schedule: { id: entityId, status: 'ACTIVE' as const },
  });

  it('leaves no "seen" mark when the entry cannot be appended, so the retry is accepted and delivered', async () => {
    const own = `atomic-${randomUUID()}:`;
    const bus = await RedisEventBus.connect({ url: inject('redisUrl'), logSize: 100, logger: pino({ level: 'silent' }), prefix: own });
    const redis = new Redis(inject('redisUrl'));
    try {
      const first = await bus.publish(change('before', 'sched-a'));
      // The stream key holding something else makes the append fail, as a Redis out of memory would.
      await redis.rename(`${own}events`, `${own}events-aside`);
      await redis.set(`${own}events`, 'not a stream');
      await expect(bus.publish(change('retried', 'sched-b'))).rejects.toThrow();
      await redis.del(`${own}events`);
      await redis.rename(`${own}events-aside`, `${own}events`);

      const retry = await bus.publish(change('retried', 'sched-b'));
      expect(retry.verdict).toBe('accepted');
      const replay = await bus.subscribe({ since: first.event?.cursor ?? '', filter: () => true });
      expect((await replay.next()).value).toMatchObject({ eventId: 'retried', entityId: 'sched-b' });
      await replay.return?.();
    } finally {
      redis.disconnect();
      await bus.close();
    }
  });

  it('appends after a lost entry counter (as an evicting Redis loses it) instead of failing forever', async () => {
    const own = `counter-${randomUUID()}:`;
    const bus = await RedisEventBus.connect({ url: inject('redisUrl'), logSize: 100, logger: pino({ level: 'silent' }), prefix: own });
    const redis = new Redis(inject('redisUrl'));
    try {
      for (let n = 0; n < 3; n += 1) await bus.publish(change(`e-${n}`, `s-${n}`));
      await redis.del(`${own}events-count`);
      const next = await bus.publish(change('after-loss', 's-x'));
      expect(next).toMatchObject({ verdict: 'accepted' });
      const again = await bus.publish(change('after-loss-2', 's-y'));
      expect(again).toMatchObject({ verdict: 'accepted' });
      const replay = await bus.subscribe({ since: next.event?.cursor ?? '', filter: () => true });
      expect((await replay.next()).value).toMatchObject({ eventId: 'after-loss-2' });
      await replay.return?.();
    } finally {
      redis.disconnect();
      await bus.close();
    }
  });
});

describe('observers of the bus (the schedule replica)', () => {
  it('see an event accepted by this instance before its publish resolves, not only when the stream brings it', async () => {
    const bus = await redisBus();
    try {
      const seen: string[] = [];
      bus.observe((event) => seen.push(event.eventId));
      const eventId = `observed-${randomUUID()}`;
      const entityId = `schedule-${randomUUID()}`;
      const result = await bus.publish({
        eventId,
        instanceId: 'instance-1',
        entityId,
        eventTime: '2026-12-02T10:00:00.000Z',
        sequence: '1',
        topics: ['updated'],
        schedule: { id: entityId, status: 'ACTIVE' },
      });
      expect(result.verdict).toBe('accepted');
      expect(seen).toContain(eventId);
    } finally {
      await bus.close();
    }
  });
});
