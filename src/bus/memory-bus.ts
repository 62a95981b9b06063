import { randomBytes } from 'node:crypto';
import { CursorExpiredError } from '../infra/errors.js';
import type { EventBus, PublishResult, SubscribeOptions } from './bus.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { compareSequences, type BusEvent, type ScheduleChange, type ScheduleTopic } from './events.js';
import { LocalHub } from './hub.js';
import { RecencyMap } from './recency-map.js';
import { subscribeWithReplay, type EventLog } from './subscription.js';

export const DEDUPE_TTL_MS = 48 * 60 * 60 * 1_000; // Wix retries for about 47 hours

export interface MemoryBusOptions {
  /** Events kept for resuming. */
  logSize?: number;
  /** Event ids (and schedules' last sequences) remembered at most. */
  dedupeCapacity?: number;
  dedupeTtlMs?: number;
  now?: () => number;
}

interface Ordering {
  sequence: string;
  topics: Set<ScheduleTopic>;
  expiresAt: number;
}

/**
 * The one-process bus: everything in memory, bounded. Publishing is synchronous, so the event is
 * on the bus before the webhook is acknowledged.
 */
export class MemoryEventBus implements EventBus, EventLog {
  readonly #hub = new LocalHub();
  readonly #logId = randomBytes(6).toString('hex');
  readonly #log: (BusEvent | undefined)[];
  #lastPosition = 0;
  /** Event id → when it may be forgotten; set in time order with one TTL, so oldest is first to expire. */
  readonly #seen = new RecencyMap<number>();
  /** Schedule id → its last delivered sequence; oldest is the least recently changed schedule. */
  readonly #order = new RecencyMap<Ordering>();
  readonly #capacity: number;
  readonly #ttlMs: number;
  #earlyEvictions = 0;
  readonly #now: () => number;

  constructor(options: MemoryBusOptions = {}) {
    this.#log = new Array<BusEvent | undefined>(options.logSize ?? 10_000);
    this.#capacity = options.dedupeCapacity ?? 200_000;
    this.#ttlMs = options.dedupeTtlMs ?? DEDUPE_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  publish(change: ScheduleChange): Promise<PublishResult> {
    return Promise.resolve(this.#publish(change));
  }

  #publish(change: ScheduleChange): PublishResult {
    const now = this.#now();
    this.#forgetExpired(now);
    if (this.#seen.has(change.eventId)) return { verdict: 'duplicate' };
    this.#remember(this.#seen, change.eventId, now + this.#ttlMs, (expiresAt) => {
      if (expiresAt > now) this.#earlyEvictions += 1;
    });

    const known = this.#order.get(change.entityId);
    let topics = change.topics;
    let delivered = new Set(topics);
    if (known && known.expiresAt > now) {
      const order = compareSequences(change.sequence, known.sequence);
      if (order < 0) return { verdict: 'stale' };
      if (order === 0) {
        // The same change told twice (an update to CANCELLED, then a cancelled webhook):
        // deliver only what was not delivered yet at this sequence.
        topics = topics.filter((topic) => !known.topics.has(topic));
        if (topics.length === 0) return { verdict: 'stale' };
        delivered = new Set([...known.topics, ...topics]);
      }
    }
    this.#order.delete(change.entityId); // when full, the least recently changed schedule goes, not this one
    this.#remember(this.#order, change.entityId, { sequence: change.sequence, topics: delivered, expiresAt: now + this.#ttlMs });

    this.#lastPosition += 1;
    const event: BusEvent = {
      ...change,
      topics,
      cursor: encodeCursor({ kind: 'm', logId: this.#logId, position: String(this.#lastPosition) }),
    };
    this.#log[this.#lastPosition % this.#log.length] = event;
    this.#hub.dispatch(event);
    return { verdict: 'accepted', event };
  }

  /** Bounded insert: when full, the oldest entry goes first (`onEvict` is told of it). */
  #remember<V>(map: RecencyMap<V>, key: string, value: V, onEvict?: (value: V) => void): void {
    if (map.size >= this.#capacity) {
      const oldest = map.oldest();
      if (oldest) {
        map.delete(oldest[0]);
        onEvict?.(oldest[1]);
      }
    }
    map.set(key, value);
  }

  /** Ids are inserted in time order with one TTL, so expired ones are always at the front. */
  #forgetExpired(now: number): void {
    for (let oldest = this.#seen.oldest(); oldest && oldest[1] <= now; oldest = this.#seen.oldest()) this.#seen.delete(oldest[0]);
  }

  subscribe(options: SubscribeOptions): Promise<AsyncIterableIterator<BusEvent>> {
    return subscribeWithReplay(this.#hub, this, options);
  }

  readAfter(cursor: string, limit = Number.POSITIVE_INFINITY): Promise<BusEvent[]> {
    const { kind, logId, position } = decodeCursor(cursor);
    const after = Number(position);
    const oldest = Math.max(1, this.#lastPosition - this.#log.length + 1);
    if (kind !== 'm' || logId !== this.#logId || after > this.#lastPosition || after < oldest - 1) {
      return Promise.reject(new CursorExpiredError());
    }
    const events: BusEvent[] = [];
    for (let p = after + 1; p <= this.#lastPosition && events.length < limit; p += 1) {
      const event = this.#log[p % this.#log.length];
      if (event) events.push(event);
    }
    return Promise.resolve(events);
  }

  compare(a: string, b: string): number {
    return Number(decodeCursor(a).position) - Number(decodeCursor(b).position);
  }

  observe(listener: (event: BusEvent) => void): () => void {
    return this.#hub.observe(listener);
  }

  listenerCount(): number {
    return this.#hub.size;
  }

  earlyEvictions(): number {
    return this.#earlyEvictions;
  }

  streamResets(): number {
    return 0; // one log in this process, never lost while it runs
  }

  isReady(): boolean {
    return true;
  }

  notReadyReason(): string | undefined {
    return undefined;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
