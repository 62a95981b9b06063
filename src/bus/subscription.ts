import { AsyncQueue } from './async-queue.js';
import type { SubscribeOptions } from './bus.js';
import type { BusEvent } from './events.js';
import type { LocalHub } from './hub.js';

/** The replayable log behind a bus. */
export interface EventLog {
  /** Events after `cursor` (exclusive), oldest first; throws CursorExpiredError when the log no longer covers it. */
  readAfter(cursor: string): Promise<BusEvent[]>;
  /** Orders two cursors of this log. */
  compare(a: string, b: string): number;
}

/** Default of the events one subscriber may have waiting before it is ended as too slow. */
const QUEUE_LIMIT = 10_000;

/**
 * Subscribes to the hub first, then reads the log after `since`: live events that arrive during
 * the read wait, and those the replay already covered are dropped, so replay and live join with no
 * gap and no duplicate.
 */
export async function subscribeWithReplay(
  hub: LocalHub,
  log: EventLog,
  options: SubscribeOptions,
): Promise<AsyncIterableIterator<BusEvent>> {
  const { since, filter, entityIds, maxQueued = QUEUE_LIMIT, onOverflow } = options;
  let pending: BusEvent[] | undefined = since === undefined ? undefined : [];
  const queue: AsyncQueue<BusEvent> = new AsyncQueue(() => remove());
  const push = (event: BusEvent) => {
    if (queue.size >= maxQueued) {
      queue.end(new Error('Subscriber too slow: too many undelivered events.'));
      onOverflow?.();
      return;
    }
    queue.push(event);
  };
  const remove = hub.add((event) => {
    if (!filter(event)) return;
    if (pending) pending.push(event);
    else push(event);
  }, entityIds);
  if (since === undefined) return queue;

  let replay: BusEvent[];
  try {
    replay = await log.readAfter(since);
  } catch (error) {
    queue.end();
    throw error;
  }
  let last = since;
  for (const event of replay) {
    if (filter(event)) push(event);
    last = event.cursor;
  }
  for (const event of pending ?? []) if (log.compare(event.cursor, last) > 0) push(event);
  pending = undefined;
  return queue;
}
