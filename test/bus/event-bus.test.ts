import { describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/bus/cursor.js';
import type { BusEvent, ScheduleChange } from '../../src/bus/events.js';
import { LocalHub } from '../../src/bus/hub.js';
import { MemoryEventBus } from '../../src/bus/memory-bus.js';
import { subscribeWithReplay, type EventLog } from '../../src/bus/subscription.js';

const change = (eventId: string, entityId = 's1', sequence = '1', topics: ScheduleChange['topics'] = ['updated']): ScheduleChange => ({
  eventId,
  instanceId: 'i',
  entityId,
  eventTime: '2026-11-22T00:00:00.000Z',
  sequence,
  topics,
  schedule: { id: entityId, status: 'ACTIVE' },
});

const at = (position: number, eventId = `e${position}`): BusEvent => ({
  ...change(eventId),
  cursor: encodeCursor({ kind: 'm', logId: 'log', position: String(position) }),
});

async function take(iterator: AsyncIterableIterator<BusEvent>, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) ids.push(((await iterator.next()).value as BusEvent).eventId);
  return ids;
}

describe('replay joins live with no gap and no duplicate', () => {
  it('drops live events the replay already covered and keeps those after it', async () => {
    const hub = new LocalHub();
    const log: EventLog = {
      // While the log is read, events 3 and 4 arrive live; the read itself returns 2 and 3.
      async readAfter() {
        hub.dispatch(at(3));
        hub.dispatch(at(4));
        return [at(2), at(3)];
      },
      compare: (a, b) =>
        Number(Buffer.from(a, 'base64url').toString().split(':')[2]) - Number(Buffer.from(b, 'base64url').toString().split(':')[2]),
    };
    const iterator = await subscribeWithReplay(hub, log, { since: at(1).cursor, filter: () => true });
    hub.dispatch(at(5));
    expect(await take(iterator, 4)).toEqual(['e2', 'e3', 'e4', 'e5']);
    await iterator.return?.();
    expect(hub.size).toBe(0);
  });

  it('removes its listener when the log refuses the cursor', async () => {
    const hub = new LocalHub();
    const log: EventLog = { readAfter: () => Promise.reject(new Error('expired')), compare: () => 0 };
    await expect(subscribeWithReplay(hub, log, { since: at(1).cursor, filter: () => true })).rejects.toThrow('expired');
    expect(hub.size).toBe(0);
  });
});

describe('a replay longer than a subscriber may have waiting', () => {
  it('is streamed from the log a chunk at a time while live events arrive, with no gap and no duplicate', async () => {
    const bus = new MemoryEventBus({ logSize: 5_000 });
    const reads: number[] = [];
    const readAfter = bus.readAfter.bind(bus);
    bus.readAfter = async (cursor, limit) => {
      const events = await readAfter(cursor, limit);
      reads.push(events.length);
      return events;
    };
    const since = (await bus.publish(change('e0', 's0'))).event?.cursor;
    for (let n = 1; n <= 1_000; n += 1) await bus.publish(change(`e${n}`, `s${n}`));
    const iterator = await bus.subscribe({ since, filter: () => true, maxQueued: 10 });
    const ids: string[] = [];
    let published = 1_000;
    while (ids.length < 1_300) {
      ids.push(...(await take(iterator, Math.min(7, 1_300 - ids.length))));
      // Bursts larger than may wait arrive during the replay: they are read from the log instead.
      if (published < 1_300)
        for (const end = published + 15; published < end;) {
          published += 1;
          await bus.publish(change(`e${published}`, `s${published}`));
        }
    }
    expect(ids).toEqual(Array.from({ length: 1_300 }, (_, i) => `e${i + 1}`));
    // Never more than what may wait read at once, however far behind the cursor was.
    expect(Math.max(...reads)).toBeLessThanOrEqual(10);
    await iterator.return?.();
    expect(bus.listenerCount()).toBe(0);
  });

  it('ends with CURSOR_EXPIRED when the log moves past a replay that is not read', async () => {
    const bus = new MemoryEventBus({ logSize: 50 });
    const since = (await bus.publish(change('e0', 's0'))).event?.cursor;
    for (let n = 1; n <= 40; n += 1) await bus.publish(change(`e${n}`, `s${n}`));
    const iterator = await bus.subscribe({ since, filter: () => true, maxQueued: 10 });
    expect(await take(iterator, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `e${i + 1}`));
    // Taking the first chunk read the second; the log then moves past it.
    for (let n = 41; n <= 200; n += 1) await bus.publish(change(`e${n}`, `s${n}`));
    expect(await take(iterator, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `e${i + 11}`));
    await expect(iterator.next()).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    expect(bus.listenerCount()).toBe(0);
  });
});

describe('in-memory bus', () => {
  it('remembers event ids for 48 hours, then forgets them', async () => {
    let now = 0;
    const bus = new MemoryEventBus({ now: () => now });
    expect((await bus.publish(change('a', 's1', '1'))).verdict).toBe('accepted');
    now = 47 * 3_600_000;
    expect((await bus.publish(change('a', 's1', '1'))).verdict).toBe('duplicate');
    now = 48 * 3_600_000 + 1;
    expect((await bus.publish(change('a', 's2', '1'))).verdict).toBe('accepted');
  });

  it('counts ids forgotten early because the store was full', async () => {
    const bus = new MemoryEventBus({ dedupeCapacity: 3 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) await bus.publish(change(id, id));
    expect(bus.earlyEvictions()).toBe(2);
    expect((await bus.publish(change('e', 'e'))).verdict).toBe('duplicate');
  });

  it('delivers a cancellation told twice at one sequence once per topic', async () => {
    const bus = new MemoryEventBus();
    const first = await bus.publish(change('u', 's1', '7', ['updated', 'cancelled']));
    expect(first.event?.topics).toEqual(['updated', 'cancelled']);
    expect((await bus.publish(change('c', 's1', '7', ['cancelled']))).verdict).toBe('stale');
    const other = new MemoryEventBus();
    await other.publish(change('c', 's1', '7', ['cancelled']));
    const late = await other.publish(change('u', 's1', '7', ['updated', 'cancelled']));
    expect(late).toMatchObject({ verdict: 'accepted', event: { topics: ['updated'] } });
  });

  it('replays from a cursor and expires cursors of another log or past its size', async () => {
    const bus = new MemoryEventBus({ logSize: 3 });
    const cursors: string[] = [];
    for (let n = 1; n <= 5; n += 1) cursors.push((await bus.publish(change(`e${n}`, `s${n}`))).event?.cursor ?? '');
    expect((await bus.readAfter(cursors[2] ?? '')).map((e) => e.eventId)).toEqual(['e4', 'e5']);
    expect((await bus.readAfter(cursors[1] ?? '')).map((e) => e.eventId)).toEqual(['e3', 'e4', 'e5']);
    await expect(bus.readAfter(cursors[0] ?? '')).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    await expect(new MemoryEventBus().readAfter(cursors[4] ?? '')).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
  });
});

describe('in-memory bus at the capacity of its dedupe store', () => {
  // How fast it publishes when full is measured in bench/, not asserted here: this checks what it forgets.
  it('forgets the oldest event ids first, one per new event, and keeps the newest', async () => {
    const bus = new MemoryEventBus({ dedupeCapacity: 1_000 });
    for (let i = 0; i < 2_500; i += 1) await bus.publish(change(`evt-${i}`, `s-${i}`));
    expect(bus.earlyEvictions()).toBe(1_500);
    // The newest 1,000 ids are still known: a redelivery of one is a duplicate.
    expect((await bus.publish(change('evt-2499', 's-2499'))).verdict).toBe('duplicate');
    expect((await bus.publish(change('evt-1500', 's-1500'))).verdict).toBe('duplicate');
    // The older ones were forgotten, the oldest first: a redelivery of one is taken as new.
    expect((await bus.publish(change('evt-1499', 's-1499'))).verdict).toBe('accepted');
    expect((await bus.publish(change('evt-0', 's-0'))).verdict).toBe('accepted');
  });
});
