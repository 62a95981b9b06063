import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EventBus } from '../../src/bus/bus.js';
import type { ScheduleChange } from '../../src/bus/events.js';
import { MemoryEventBus } from '../../src/bus/memory-bus.js';
import { RedisEventBus } from '../../src/bus/redis-bus.js';
import type { ScheduleDto } from '../../src/datasources/schedules.dto.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestGateway } from '../helpers/gateway.js';
import { captureLogs } from '../helpers/log-capture.js';
import { connect, subscribe, waitFor } from '../helpers/ws-client.js';

const UPDATED = 'subscription($since: String) { scheduleUpdated(since: $since) { eventId } }';
/** Events a subscriber may have waiting (WS_MAX_QUEUED_EVENTS). */
const MAX_QUEUED = 100;
/** Far more than a subscriber may have waiting: the replay must stream. */
const MISSED = 1_500;
/** A burst of live events, within what may wait. */
const LIVE = 50;

const change = (index: number): ScheduleChange => ({
  eventId: `evt-${index}`,
  instanceId: 'tenant',
  entityId: `replayed-${index}`,
  eventTime: '2026-12-01T00:00:00.000Z',
  sequence: '1',
  topics: ['updated'],
  schedule: { id: `replayed-${index}`, name: `Schedule ${index}`, status: 'ACTIVE' } satisfies ScheduleDto,
});

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(async () => {
  await upstream.close();
});

const buses: Record<'memory' | 'redis', () => Promise<EventBus>> = {
  memory: () => Promise.resolve(new MemoryEventBus({ logSize: 5_000 })),
  redis: () =>
    RedisEventBus.connect({ url: inject('redisUrl'), logSize: 5_000, logger: pino({ level: 'silent' }), prefix: `test-${randomUUID()}:` }),
};

describe.each(['memory', 'redis'] as const)('resume on the %s bus', (kind) => {
  it(`gets all ${MISSED} missed events, then live ones, with no gap and no duplicate, and logs no error`, async () => {
    const logs = captureLogs('info');
    const bus = await buses[kind]();
    const gateway = await startTestGateway({
      upstreamUrl: upstream.url,
      bus,
      logger: logs.logger,
      limits: { wsMaxQueuedEvents: MAX_QUEUED, wsSharedExecution: false },
    });
    try {
      const since = (await bus.publish(change(0))).event!.cursor;
      for (let i = 1; i <= MISSED; i += 1) await bus.publish(change(i));

      const client = connect(gateway.wsUrl);
      const resumed = subscribe(client, UPDATED, { since });
      const ids: string[] = [];
      const take = async () => ids.push(((await resumed.next()).data as { scheduleUpdated: { eventId: string } }).scheduleUpdated.eventId);
      for (let i = 0; i < MISSED / 2; i += 1) await take();
      // Live events while the replay is half way: they follow the replayed ones.
      for (let i = MISSED + 1; i <= MISSED + LIVE; i += 1) await bus.publish(change(i));
      for (let i = MISSED / 2; i < MISSED + LIVE; i += 1) await take();
      await bus.publish(change(MISSED + LIVE + 1));
      await take();

      expect(ids).toEqual(Array.from({ length: MISSED + LIVE + 1 }, (_, i) => `evt-${i + 1}`));
      expect(resumed.received.every((result) => result.errors === undefined)).toBe(true);
      await client.dispose();
      await waitFor(() => bus.listenerCount() === 0, 'the subscription to end');
      expect(logs.records().filter((record) => Number(record.level) >= 40)).toEqual([]);
    } finally {
      await gateway.close();
      await bus.close();
    }
  });
});
