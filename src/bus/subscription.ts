import { ErrorCode, GatewayError } from '../infra/errors.js';
import { AsyncQueue } from './async-queue.js';
import type { SubscribeOptions } from './bus.js';
import type { BusEvent } from './events.js';
import type { LocalHub } from './hub.js';

/** The replayable log behind a bus. */
export interface EventLog {
  /**
   * At most `limit` events after `cursor` (exclusive), oldest first; throws CursorExpiredError when
   * the log no longer covers it.
   */
  readAfter(cursor: string, limit: number): Promise<BusEvent[]>;
  /** Orders two cursors of this log. */
  compare(a: string, b: string): number;
}

/** Default of the events one subscriber may have waiting before it is ended as too slow. */
const QUEUE_LIMIT = 10_000;

/** Events a resumer's replay reads from the log at a time, and holds at most. */
const REPLAY_CHUNK = 100;

/** The size of an event as delivered, roughly: computed once per event, however many queues hold it. */
const sizes = new WeakMap<BusEvent, number>();
function eventBytes(event: BusEvent): number {
  let bytes = sizes.get(event);
  if (bytes === undefined) {
    bytes = Buffer.byteLength(JSON.stringify(event));
    sizes.set(event, bytes);
  }
  return bytes;
}

/**
 * Subscribes to the hub first, then streams the log after `since`, one chunk at a time as the
 * consumer takes them (however far behind the cursor is, a resumer holds at most one chunk), then
 * goes live. Live events that arrive during the replay wait, and those the replay already covered
 * are dropped, so replay and live join with no gap and no duplicate. Were more live events to
 * arrive during the replay than may wait, they are let go and read from the log instead (every
 * event a subscriber is handed is already in the log). Live events past `maxQueued` events, or
 * past the budget's bytes, end the subscription as too slow.
 */
export async function subscribeWithReplay(
  hub: LocalHub,
  log: EventLog,
  options: SubscribeOptions,
): Promise<AsyncIterableIterator<BusEvent>> {
  const { since, filter, entityIds, maxQueued = QUEUE_LIMIT, budget, onOverflow } = options;
  /** Live events received while the replay runs; undefined once live. */
  let pending: BusEvent[] | undefined = since === undefined ? undefined : [];
  /** How many times `pending` was let go: a read that overlapped one cannot end the replay. */
  let letGo = 0;
  let reading = false;
  let last = since ?? '';
  /** Bytes of live events waiting, taken from the budget. */
  const reserved = new Map<BusEvent, number>();
  const chunk = Math.min(REPLAY_CHUNK, maxQueued);

  const queue: AsyncQueue<BusEvent> = new AsyncQueue(
    () => {
      remove();
      for (const bytes of reserved.values()) budget?.release(bytes);
      reserved.clear();
    },
    (event) => {
      const bytes = reserved.get(event);
      if (bytes !== undefined) {
        reserved.delete(event);
        budget?.release(bytes);
      }
      if (pending && !reading && queue.size === 0) readMore().catch((error: unknown) => queue.end(error));
    },
  );
  const pushLive = (event: BusEvent) => {
    const bytes = budget ? eventBytes(event) : 0;
    if (queue.size >= maxQueued || (budget && !budget.reserve(bytes))) {
      queue.end(new SlowConsumerError());
      onOverflow?.();
      return;
    }
    if (budget) reserved.set(event, bytes);
    queue.push(event);
  };
  const remove = hub.add((event) => {
    if (!filter(event)) return;
    if (!pending) {
      // On Redis the live copy of an event can come after the replay already read it from the
      // log (the tail of the stream is another connection): it was delivered then.
      if (since !== undefined && log.compare(event.cursor, last) <= 0) return;
      pushLive(event);
      return;
    }
    pending.push(event);
    if (pending.length > maxQueued) {
      pending = [];
      letGo += 1;
    }
  }, entityIds);

  /** Reads the log on from `last` until something is waiting for the consumer, or the replay caught up. */
  async function readMore(): Promise<void> {
    reading = true;
    try {
      for (;;) {
        const generation = letGo;
        const events = await log.readAfter(last, chunk);
        if (queue.closed) return;
        for (const event of events) {
          if (filter(event)) queue.push(event);
          last = event.cursor;
        }
        const waiting = (pending ?? []).filter((event) => log.compare(event.cursor, last) > 0);
        if (events.length < chunk && generation === letGo) {
          pending = undefined;
          for (const event of waiting) pushLive(event);
          return;
        }
        pending = waiting;
        if (queue.size > 0) return;
      }
    } finally {
      reading = false;
    }
  }

  if (since === undefined) return queue;
  try {
    await readMore();
  } catch (error) {
    queue.end();
    throw error;
  }
  return queue;
}

/**
 * A subscriber that did not read its events: its subscription ends (and its socket is closed). A
 * client's doing, not a fault of the gateway: no stack trace is logged for it.
 */
export class SlowConsumerError extends GatewayError {
  constructor() {
    super('Subscriber too slow: too many undelivered events.', ErrorCode.SLOW_CONSUMER);
  }
}
