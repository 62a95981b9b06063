import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisEventBus } from '../../src/bus/redis-bus.js';
import type { ScheduleChange } from '../../src/bus/events.js';
import { loadConfig } from '../../src/infra/config.js';
import { startRedisProcess } from '../helpers/redis-process.js';
import { waitFor } from '../helpers/ws-client.js';

const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});

const change = (eventId: string, entityId: string): ScheduleChange => ({
  eventId,
  instanceId: 'i',
  entityId,
  eventTime: new Date().toISOString(),
  sequence: '1',
  topics: ['updated'],
  schedule: { id: entityId, status: 'ACTIVE' },
});

describe('REDIS_WAIT_REPLICAS', () => {
  it('is validated at start-up, naming the variable', () => {
    expect(loadConfig({}).redisWaitReplicas).toBe(0);
    expect(loadConfig({ REDIS_WAIT_REPLICAS: '1' }).redisWaitReplicas).toBe(1);
    expect(() => loadConfig({ REDIS_WAIT_REPLICAS: 'two' })).toThrow(/REDIS_WAIT_REPLICAS/);
    expect(() => loadConfig({ REDIS_WAIT_REPLICAS: '-1' })).toThrow(/REDIS_WAIT_REPLICAS/);
  });

  it('acknowledges an event (and a redelivery of it) only once a replica has it', async () => {
    const primary = await startRedisProcess();
    opened.push(() => primary.stop());
    const connectBus = async () => {
      const bus = await RedisEventBus.connect({ url: primary.url, logSize: 100, logger: pino({ level: 'silent' }), waitReplicas: 1 });
      opened.push(() => bus.close());
      return bus;
    };
    const bus = await connectBus();
    // Another instance, where Wix's retry lands: it wrote nothing itself that a WAIT would cover.
    const other = await connectBus();

    // No replica: not ready, and nothing is acknowledged.
    expect(bus.notReadyReason()).toMatch(/0 replicas online/);
    await expect(bus.publish(change('alone', 's-1'))).rejects.toMatchObject({ code: 'EVENT_BUS_UNAVAILABLE' });

    const replica = await startRedisProcess(['--replicaof', '127.0.0.1', String(primary.port)]);
    opened.push(() => replica.stop());
    await waitFor(() => bus.isReady() && other.isReady(), 'the buses to see the replica', 15_000);
    expect(await bus.publish(change('replicated', 's-2'))).toMatchObject({ verdict: 'accepted' });

    // A replica that does not confirm: the event is refused, and so is Wix's retry of it…
    replica.pause();
    await expect(bus.publish(change('unconfirmed', 's-3'))).rejects.toMatchObject({ code: 'EVENT_BUS_UNAVAILABLE' });
    await expect(other.publish(change('unconfirmed', 's-3'))).rejects.toMatchObject({ code: 'EVENT_BUS_UNAVAILABLE' });
    // …until the replica has it: then the retry is a duplicate, acknowledged.
    replica.resume();
    expect(await other.publish(change('unconfirmed', 's-3'))).toMatchObject({ verdict: 'duplicate' });
  }, 30_000);
});
