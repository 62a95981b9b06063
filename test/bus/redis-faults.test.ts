import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { RedisEventBus } from '../../src/bus/redis-bus.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { captureLogs } from '../helpers/log-capture.js';
import { startRedisProcess, type RedisProcess } from '../helpers/redis-process.js';
import { scheduleEnvelope, signedWebhook, testKeys, type TestKeys } from '../helpers/webhooks.js';
import { connect, subscribe, waitFor, type Subscription } from '../helpers/ws-client.js';

/**
 * Redis faults under a stream of webhooks to two instances: whatever was answered 200 reaches the
 * subscribers of both instances (or their cursor is CURSOR_EXPIRED and a fresh subscription gets
 * every later event), and /readyz says what is true.
 */

const UPDATED = 'subscription($since: String) { scheduleUpdated(since: $since) { eventId cursor schedule { id } } }';
/** Another document than the rig's subscribers, so it is not shared with theirs. */
const FRESH = 'subscription { scheduleUpdated { eventId cursor } }';
const WIX_WAITS_MS = 1_250; // Wix gives up on a webhook not answered within this

interface Received {
  scheduleUpdated?: { eventId: string; cursor: string };
}

/** Two gateways on one Redis of the test's own, a subscriber on each, and a webhook sender that retries like Wix. */
interface Rig {
  redis: RedisProcess;
  gateways: TestGateway[];
  /** The log lines of both buses so far. */
  logs(): Array<Record<string, unknown>>;
  subscribers: Subscription[];
  /** Event ids answered 200 (accepted, or duplicate of an earlier attempt). */
  acknowledged: Set<string>;
  /** Answers by status, over all attempts. */
  statuses: Map<number, number>;
  /** Attempts Wix would have abandoned: no answer within 1,250 ms. */
  abandoned: number;
  /** Sends one webhook to the next gateway, retrying 503s, until it is answered 200. */
  send(): Promise<void>;
  /** Sends webhooks in the background until the returned function is called (which waits for the one in flight). */
  pump(): () => Promise<void>;
  ready(gateway: TestGateway): Promise<{ status: number; body: Record<string, unknown> }>;
  resets(gateway: TestGateway): Promise<number>;
}

const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});

async function startRig(redisArgs: string[] = []): Promise<Rig> {
  const keys: TestKeys = await testKeys();
  const redis = await startRedisProcess(redisArgs);
  opened.push(() => redis.stop());
  const upstream: FakeUpstream = await startFakeUpstream();
  opened.push(() => upstream.close());
  const prefix = `faults-${randomUUID()}:`;
  const gateways: TestGateway[] = [];
  const clients: Client[] = [];
  const subscribers: Subscription[] = [];
  const captures: Array<ReturnType<typeof captureLogs>> = [];
  for (let i = 0; i < 2; i += 1) {
    const capture = captureLogs('info');
    captures.push(capture);
    const bus = await RedisEventBus.connect({ url: redis.url, logSize: 10_000, logger: capture.logger, prefix });
    const gateway = await startTestGateway({ upstreamUrl: upstream.url, webhookKeys: [keys.publicKey], bus });
    opened.push(async () => {
      await gateway.close();
      await bus.close();
    });
    const client = connect(gateway.wsUrl);
    opened.push(async () => {
      await client.dispose();
    });
    gateways.push(gateway);
    clients.push(client);
    subscribers.push(subscribe(client, UPDATED));
    await waitFor(() => bus.listenerCount() === 1, `the subscriber on instance ${i}`);
  }

  const acknowledged = new Set<string>();
  const statuses = new Map<number, number>();
  let sent = 0;
  let halted = false;
  const rig: Rig = {
    redis,
    gateways,
    logs: () => captures.flatMap((capture) => capture.records()),
    subscribers,
    acknowledged,
    statuses,
    abandoned: 0,
    async send() {
      const n = (sent += 1);
      const eventId = `evt-${n}`;
      const token = await signedWebhook(keys.privateKey, scheduleEnvelope({ scheduleId: `s-${n}`, sequence: 1, eventId }));
      const target = gateways[n % gateways.length] as TestGateway;
      for (let attempt = 0; attempt < 1_000 && !halted; attempt += 1) {
        let status: number;
        try {
          const response = await fetch(`${target.url}/webhooks/wix`, {
            method: 'POST',
            body: token,
            signal: AbortSignal.timeout(WIX_WAITS_MS),
          });
          status = response.status;
          await response.arrayBuffer();
        } catch {
          rig.abandoned += 1;
          status = 0;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 200) {
          acknowledged.add(eventId);
          return;
        }
        if (status !== 503 && status !== 0) throw new Error(`webhook ${eventId} answered ${status}`);
        await new Promise((resolve) => setTimeout(resolve, 50)); // Wix's retries are spaced too
      }
      if (!halted) throw new Error(`webhook ${eventId} never answered 200`);
    },
    pump() {
      let running = true;
      const loop = (async () => {
        while (running && !halted) await rig.send();
      })();
      const stop = async () => {
        running = false;
        await loop;
      };
      opened.push(async () => {
        halted = true; // a failed test leaves no sender retrying
        await stop().catch(() => undefined);
      });
      return stop;
    },
    async ready(gateway) {
      const response = await fetch(`${gateway.url}/readyz`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    async resets(gateway) {
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      return Number(/^gateway_event_bus_stream_resets_total (\d+)$/m.exec(text)?.[1] ?? 'NaN');
    },
  };
  return rig;
}

function eventIds(subscription: Subscription): Set<string> {
  return new Set(subscription.received.map((result) => (result.data as Received | undefined)?.scheduleUpdated?.eventId ?? ''));
}

/** Every acknowledged event reached every subscriber. */
async function allDelivered(rig: Rig, subscribers = rig.subscribers, acknowledged = rig.acknowledged): Promise<void> {
  await waitFor(
    () => subscribers.every((s) => [...acknowledged].every((id) => eventIds(s).has(id))),
    'every acknowledged webhook on every subscriber',
    15_000,
  ).catch((error: Error) => {
    const missing = subscribers.map((s) => [...acknowledged].filter((id) => !eventIds(s).has(id)).length);
    throw new Error(`${error.message}: missing per subscriber ${missing.join(', ')} of ${acknowledged.size}`);
  });
}

async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function readyStatuses(rig: Rig): Promise<number[]> {
  return Promise.all(rig.gateways.map(async (g) => (await rig.ready(g)).status));
}

function lastCursor(subscription: Subscription): string {
  const last = subscription.received.at(-1)?.data as Received | undefined;
  return last?.scheduleUpdated?.cursor ?? '';
}

/** Sends `count` more webhooks while the rig keeps them, then checks them on the subscribers. */
async function moreDelivered(rig: Rig, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) await rig.send();
  await allDelivered(rig);
}

/** After a lost stream: the old cursor is expired on both instances, and a fresh subscription gets every later event. */
async function oldCursorExpiredFreshGetsLater(rig: Rig, oldCursor: string): Promise<void> {
  for (const [i, gateway] of rig.gateways.entries()) {
    const client = connect(gateway.wsUrl);
    opened.push(async () => {
      await client.dispose();
    });
    const resumed = subscribe(client, UPDATED, { since: oldCursor });
    expect((await resumed.next()).errors?.[0]?.extensions).toMatchObject({ code: 'CURSOR_EXPIRED' });
    const fresh = subscribe(client, FRESH);
    await waitFor(() => gateway.bus.listenerCount() === 2, `the fresh subscriber on instance ${i}`);
    const later = new Set<string>();
    const before = new Set(rig.acknowledged);
    for (let k = 0; k < 6; k += 1) await rig.send();
    for (const id of rig.acknowledged) if (!before.has(id)) later.add(id);
    await allDelivered(rig, [fresh], later);
    fresh.unsubscribe();
    await waitFor(() => gateway.bus.listenerCount() === 1, 'the fresh subscriber to go');
  }
}

describe('a Redis that loses its data', () => {
  it('restarted without persistence: the stream is re-attached, old cursors expire, nothing acknowledged is lost', async () => {
    const rig = await startRig();
    // Persistence off is allowed, with a warning saying what it costs.
    expect(rig.logs().filter((line) => line['level'] === 40 && /persistence is off/.test(String(line['msg'])))).toHaveLength(2);
    const stop = rig.pump();
    await waitFor(() => rig.acknowledged.size >= 30, 'a first stream of webhooks');
    await stop(); // whatever was acknowledged before the crash is on both subscribers before it
    await allDelivered(rig);
    const oldCursor = lastCursor(rig.subscribers[0] as Subscription);

    await rig.redis.kill();
    const during = rig.pump();
    await eventually(async () => (await readyStatuses(rig)).every((s) => s === 503), '/readyz 503 on both while Redis is down');
    const client = connect(rig.gateways[1]?.wsUrl ?? '');
    opened.push(async () => {
      await client.dispose();
    });
    const resumed = subscribe(client, UPDATED, { since: oldCursor });
    expect((await resumed.next()).errors?.[0]?.extensions).toMatchObject({ code: 'EVENT_BUS_UNAVAILABLE' });
    await rig.redis.restart();
    await eventually(async () => (await readyStatuses(rig)).every((s) => s === 200), '/readyz 200 on both once re-attached');
    await waitFor(() => rig.acknowledged.size >= 60, 'webhooks after the restart');
    await during();

    await allDelivered(rig);
    await moreDelivered(rig, 10);
    for (const gateway of rig.gateways) expect(await rig.resets(gateway)).toBe(1);
    await oldCursorExpiredFreshGetsLater(rig, oldCursor);
  }, 60_000);

  it('flushed (FLUSHALL) under a stream of webhooks: both instances re-attach at once', async () => {
    const rig = await startRig();
    const stop = rig.pump();
    await waitFor(() => rig.acknowledged.size >= 30, 'a first stream of webhooks');
    await stop();
    await allDelivered(rig);
    const oldCursor = lastCursor(rig.subscribers[1] as Subscription);

    await rig.redis.command('FLUSHALL');
    const after = rig.pump();
    await waitFor(() => rig.acknowledged.size >= 80, 'webhooks after the flush');
    await after();
    await allDelivered(rig);
    for (const gateway of rig.gateways) {
      expect(await rig.resets(gateway)).toBe(1);
      expect((await rig.ready(gateway)).status).toBe(200);
    }
    await oldCursorExpiredFreshGetsLater(rig, oldCursor);
  }, 60_000);

  it('flushed with no webhook flowing: /readyz and the metrics say so, and the next webhook is delivered', async () => {
    const rig = await startRig();
    await moreDelivered(rig, 5);
    await rig.redis.command('FLUSHALL');
    await eventually(async () => (await rig.resets(rig.gateways[0] as TestGateway)) === 1, 'the reset to be counted on A');
    await eventually(async () => (await rig.resets(rig.gateways[1] as TestGateway)) === 1, 'the reset to be counted on B');
    expect(await readyStatuses(rig)).toEqual([200, 200]);
    await moreDelivered(rig, 5);
  }, 30_000);
});

describe('a Redis that may evict', () => {
  it('is refused (/readyz 503, webhooks 503) until its policy is noeviction, and refused again when it changes back', async () => {
    const rig = await startRig(['--maxmemory', '256mb', '--maxmemory-policy', 'allkeys-lru']);
    for (const gateway of rig.gateways) {
      const ready = await rig.ready(gateway);
      expect(ready.status).toBe(503);
      expect(String(ready.body['eventBusReason'])).toMatch(/maxmemory-policy/);
    }
    const refusals = rig.logs().filter((line) => line['level'] === 50 && /refuses this Redis/.test(String(line['msg'])));
    expect(refusals.map((line) => line['reason'])).toEqual([
      expect.stringMatching(/maxmemory-policy is allkeys-lru/),
      expect.stringMatching(/maxmemory-policy is allkeys-lru/),
    ]);
    const first = rig.pump();
    await waitFor(() => (rig.statuses.get(503) ?? 0) >= 4, 'webhooks refused while Redis may evict');
    expect(rig.acknowledged.size).toBe(0);

    await rig.redis.command('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    await eventually(async () => (await readyStatuses(rig)).every((s) => s === 200), '/readyz 200 once Redis may not evict');
    await waitFor(() => rig.acknowledged.size >= 20, 'webhooks accepted');
    await rig.redis.command('CONFIG', 'SET', 'maxmemory-policy', 'volatile-lru');
    await eventually(async () => (await readyStatuses(rig)).every((s) => s === 503), '/readyz 503 once Redis may evict again');
    const refusedBefore = rig.statuses.get(503) ?? 0;
    await waitFor(() => (rig.statuses.get(503) ?? 0) >= refusedBefore + 4, 'webhooks refused again');
    await rig.redis.command('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    await first();
    await allDelivered(rig);
  }, 60_000);
});

describe('a paused Redis (SIGSTOP)', () => {
  it('for 30 s: webhooks answer 503 before Wix gives up, /readyz 503, and everything recovers after SIGCONT', async () => {
    const rig = await startRig();
    const stop = rig.pump();
    await waitFor(() => rig.acknowledged.size >= 20, 'a first stream of webhooks');
    rig.redis.pause();
    const pausedAt = Date.now();
    await eventually(async () => (await readyStatuses(rig)).every((s) => s === 503), '/readyz 503 on both while Redis is paused');
    await waitFor(() => (rig.statuses.get(503) ?? 0) >= 5, 'webhooks answered 503 while Redis is paused', 20_000);
    // The scenario is a 30 s pause: wait out the rest of it.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 30_000 - (Date.now() - pausedAt))));
    rig.redis.resume();
    await eventually(async () => (await readyStatuses(rig)).every((s) => s === 200), '/readyz 200 on both after SIGCONT');
    const resumedWith = rig.acknowledged.size;
    await waitFor(() => rig.acknowledged.size >= resumedWith + 20, 'webhooks after SIGCONT');
    await stop();
    expect(rig.abandoned).toBe(0);
    await allDelivered(rig);
  }, 90_000);
});
