import { describe, expect, it } from 'vitest';
import type { BusEvent } from '../../src/bus/events.js';
import { LocalHub } from '../../src/bus/hub.js';
import { subscribeWithReplay, type EventLog } from '../../src/bus/subscription.js';

const event = (position: number): BusEvent => ({
  eventId: `e${position}`,
  instanceId: 'instance',
  entityId: 'schedule',
  eventTime: '2026-12-02T10:00:00.000Z',
  sequence: String(position),
  topics: ['updated'],
  schedule: { id: 'schedule', status: 'ACTIVE' },
  cursor: String(position),
});

/** A log of the given events, cursors being their positions. */
function logOf(events: BusEvent[]): EventLog {
  return {
    readAfter: (cursor, limit = Number.POSITIVE_INFINITY) =>
      Promise.resolve(events.filter((e) => Number(e.cursor) > Number(cursor)).slice(0, limit)),
    compare: (a, b) => Number(a) - Number(b),
  };
}

describe('a resumed subscription joining replay and live events', () => {
  it('does not deliver again the live copy of an event the replay already read (as the Redis tail can bring it late)', async () => {
    const hub = new LocalHub();
    const stored = [event(1), event(2), event(3)];
    const events = await subscribeWithReplay(hub, logOf(stored), { since: '0', filter: () => true });
    const next = async () => ((await events.next()) as IteratorYieldResult<BusEvent>).value.eventId;
    const seen: string[] = [];
    for (let index = 0; index < 3; index += 1) seen.push(await next());
    // The replay has caught up and gone live; now the stream's tail hands out event 3, then 4.
    hub.dispatch(event(3));
    stored.push(event(4));
    hub.dispatch(event(4));
    seen.push(await next());
    expect(seen).toEqual(['e1', 'e2', 'e3', 'e4']);
    await events.return?.();
  });
});
