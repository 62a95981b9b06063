import { describe, expect, it } from 'vitest';
import type { BusEvent } from '../../src/bus/events.js';
import { LocalHub } from '../../src/bus/hub.js';
import { MemoryEventBus } from '../../src/bus/memory-bus.js';

const event = (entityId: string) => ({ entityId, eventId: `e-${entityId}` }) as unknown as BusEvent;

describe('LocalHub', () => {
  it('calls a listener of given entities only for their events, and a listener of everything for all', () => {
    const hub = new LocalHub();
    const seen: string[] = [];
    const removeA = hub.add((e) => seen.push(`a:${e.entityId}`), ['s1', 's2', 's1']);
    const removeAll = hub.add((e) => seen.push(`all:${e.entityId}`));
    const removeB = hub.add((e) => seen.push(`b:${e.entityId}`), new Set(['s2']));
    expect(hub.size).toBe(3);
    for (const id of ['s1', 's2', 's3']) hub.dispatch(event(id));
    expect(seen.sort()).toEqual(['a:s1', 'a:s2', 'all:s1', 'all:s2', 'all:s3', 'b:s2'].sort());

    removeA();
    removeA(); // twice is harmless
    seen.length = 0;
    hub.dispatch(event('s1'));
    hub.dispatch(event('s2'));
    expect(seen.sort()).toEqual(['all:s1', 'all:s2', 'b:s2']);
    removeAll();
    removeB();
    expect(hub.size).toBe(0);
    seen.length = 0;
    hub.dispatch(event('s2'));
    expect(seen).toEqual([]);
  });

  it('asks the filter of a subscriber of some schedules only about events of those schedules', async () => {
    const bus = new MemoryEventBus();
    const asked: string[] = [];
    const stream = await bus.subscribe({
      filter: (e) => {
        asked.push(e.entityId);
        return true;
      },
      entityIds: new Set(['watched']),
    });
    const change = (entityId: string, n: number) => ({
      eventId: `ev-${entityId}-${n}`,
      entityId,
      instanceId: 'i',
      eventTime: new Date(0).toISOString(),
      sequence: String(n),
      topics: ['updated' as const],
      schedule: { id: entityId } as never,
    });
    for (let n = 1; n <= 50; n += 1) await bus.publish(change(`other-${n}`, n));
    await bus.publish(change('watched', 1));
    expect(((await stream.next()).value as BusEvent | undefined)?.entityId).toBe('watched');
    expect(asked).toEqual(['watched']);
    await stream.return?.();
    expect(bus.listenerCount()).toBe(0);
    await bus.close();
  });
});
