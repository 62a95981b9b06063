import type { BusEvent, ScheduleChange } from './events.js';

/** What became of a published change. Only `accepted` changes reach subscribers. */
export type PublishVerdict = 'accepted' | 'duplicate' | 'stale';

export interface PublishResult {
  verdict: PublishVerdict;
  /** The event as logged, when accepted (its topics may be fewer than the change's: see ordering). */
  event?: BusEvent;
}

export interface SubscribeOptions {
  /** Resume after this cursor: replay what the log holds after it, then go live. */
  since?: string | undefined;
  filter: (event: BusEvent) => boolean;
  /**
   * When set, only events of these entities (schedule ids) can pass `filter`: the bus then hands
   * the subscriber only those, instead of asking its filter about every event.
   */
  entityIds?: ReadonlySet<string> | undefined;
  /** Events that may wait for the consumer; past it the subscription ends and `onOverflow` runs. */
  maxQueued?: number;
  /** Bytes that may wait for the consumer, shared with the rest of its connection; past it, as above. */
  budget?: QueueBudget | undefined;
  onOverflow?: (() => void) | undefined;
}

/** A byte allowance for events waiting for one consumer (a WebSocket's, shared by its subscriptions). */
export interface QueueBudget {
  /** Takes `bytes` from the allowance; false (and nothing taken) when they do not fit. */
  reserve(bytes: number): boolean;
  /** Gives back what `reserve` took, once the event was taken by the consumer or dropped. */
  release(bytes: number): void;
}

/**
 * The event bus: deduplication on the Wix event id, ordering per schedule by
 * `entityEventSequence`, a bounded replayable log, and fan-out to subscribers. One interface, an
 * in-memory implementation for one process and a Redis one for several.
 */
export interface EventBus {
  /** Resolves once the change is safely on the bus (or known as a duplicate or stale). */
  publish(change: ScheduleChange): Promise<PublishResult>;
  /**
   * Matching events, replayed from `since` then live. Throws BadUserInputError for a malformed
   * cursor and CursorExpiredError for one the log no longer covers.
   */
  subscribe(options: SubscribeOptions): Promise<AsyncIterableIterator<BusEvent>>;
  /**
   * Calls `listener` with every accepted event this process receives, before its subscribers
   * (the schedule replica). Not a subscription: no replay, no queue, not in `listenerCount`.
   */
  observe(listener: (event: BusEvent) => void): () => void;
  /** Subscriptions currently attached in this process. */
  listenerCount(): number;
  /** Event ids the bus forgot before their 48 hours because its store was full (in memory only). */
  earlyEvictions(): number;
  /** Times the bus found its Redis stream lost and began following a new one (Redis only). */
  streamResets(): number;
  /**
   * Whether the bus can serve: with Redis, connected, answering, not allowed to evict, and
   * following the stream Redis holds now.
   */
  isReady(): boolean;
  /** Why it cannot serve, when it cannot. */
  notReadyReason(): string | undefined;
  close(): Promise<void>;
}
