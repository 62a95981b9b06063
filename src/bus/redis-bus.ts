import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ScheduleDto } from '../datasources/schedules.dto.js';
import { CursorExpiredError, EventBusUnavailableError, GatewayError } from '../infra/errors.js';
import type { EventBus, PublishResult, SubscribeOptions } from './bus.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { BusEvent, ScheduleChange, ScheduleTopic } from './events.js';
import { LocalHub } from './hub.js';
import { DEDUPE_TTL_MS } from './memory-bus.js';
import { parseInfo, persistenceWarning, refusalOf, versionProblem } from './redis-health.js';
import { ATTACH_SCRIPT, PUBLISH_SCRIPT } from './redis-scripts.js';
import { subscribeWithReplay, type EventLog } from './subscription.js';

const StoredEvent = z.object({
  eventId: z.string(),
  instanceId: z.string(),
  entityId: z.string(),
  eventTime: z.string(),
  sequence: z.string(),
  schedule: ScheduleDto,
});

const TOPICS = new Set<string>(['created', 'updated', 'cancelled']);
const READ_BATCH = 1_000; // entries per XREAD / XRANGE
const READ_BLOCK_MS = 5_000;
const RETRY_DELAY_MS = 250;
const CONNECT_WAIT_MS = 5_000;
/** Every command but the blocking read: a webhook must be answered (503 if need be) before Wix's 1,250 ms. */
const COMMAND_TIMEOUT_MS = 750;
/** How long a webhook waits for replicas to confirm its event (REDIS_WAIT_REPLICAS), within Wix's 1,250 ms. */
const WAIT_TIMEOUT_MS = 400;
/** How often the bus asks Redis whether it still answers, still holds the stream, and may not evict. */
const CHECK_INTERVAL_MS = 1_000;

export interface RedisBusOptions {
  url: string;
  logSize: number;
  logger: Logger;
  /** Key prefix, so several gateways (or tests) can share one Redis. */
  prefix?: string;
  /** Told, for each event read from the stream, how long after its append it was read (seconds). */
  observeLag?: (seconds: number) => void;
  /** Replicas that must confirm an event (WAIT) before `publish` resolves; default 0. */
  waitReplicas?: number;
}

type Scripted = Redis & {
  publishScheduleEvent(...args: (string | number)[]): Promise<[string, string, string, string]>;
  attachEventStream(...args: string[]): Promise<[string, string]>;
};

/** Orders two stream ids (`<ms>-<seq>`). */
function compareStreamIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map(BigInt);
  const [bm = 0n, bs = 0n] = b.split('-').map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const newEpoch = () => randomBytes(6).toString('hex');

/**
 * The multi-instance bus: a Redis stream is both the replayable log and the fan-out. Every
 * instance tails the stream (XREAD BLOCK) and hands each entry to its own subscribers, so an event
 * accepted on instance A reaches subscribers on B, in the same order everywhere. Every entry and
 * every cursor carries the epoch of the stream, so a stream Redis lost and began again is noticed:
 * the bus re-attaches to the new one, and cursors of the old one are CURSOR_EXPIRED.
 */
export class RedisEventBus implements EventBus, EventLog {
  readonly #hub = new LocalHub();
  readonly #commands: Scripted;
  readonly #reader: Redis;
  readonly #options: RedisBusOptions;
  readonly #keys: { stream: string; counter: string; epoch: string; epochs: string; seen: string; order: string };
  /** The epoch of the stream the reader follows. */
  #epoch = '';
  /** The newest entry of the epochs stream the reader has seen. */
  #epochEntry = '0-0';
  /** Redis holds another epoch than the reader follows: the reader re-attaches before reading on. */
  #epochStale = false;
  #streamResets = 0;
  /** Why Redis may not hold the bus (an evicting policy, too few replicas), when it may not. */
  #refusal: string | undefined;
  /** Why the last check of Redis failed, when it did. */
  #unanswered: string | undefined;
  #checking = false;
  #checkTimer: NodeJS.Timeout | undefined;
  #closed = false;
  #tail: Promise<void> = Promise.resolve();

  private constructor(options: RedisBusOptions) {
    this.#options = options;
    const prefix = options.prefix ?? 'calendar-gateway:';
    this.#keys = {
      stream: `${prefix}events`,
      counter: `${prefix}events-count`,
      // The name of the key from before epochs had their own stream, so cursors handed out then stay valid.
      epoch: `${prefix}log-id`,
      epochs: `${prefix}epochs`,
      seen: `${prefix}seen:`,
      order: `${prefix}order:`,
    };
    // Commands fail at once while Redis is away, and after COMMAND_TIMEOUT_MS while it does not
    // answer (the webhook then answers 503 and Wix retries), instead of waiting for an unknown time.
    this.#commands = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: COMMAND_TIMEOUT_MS,
      lazyConnect: true,
    }) as Scripted;
    this.#reader = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: null });
    for (const [name, connection] of [
      ['commands', this.#commands],
      ['reader', this.#reader],
    ] as const) {
      connection.on('error', (error: Error) => options.logger.warn({ connection: name, reason: error.message }, 'redis connection error'));
    }
    this.#commands.defineCommand('publishScheduleEvent', { numberOfKeys: 6, lua: PUBLISH_SCRIPT });
    this.#commands.defineCommand('attachEventStream', { numberOfKeys: 2, lua: ATTACH_SCRIPT });
  }

  static async connect(options: RedisBusOptions): Promise<RedisEventBus> {
    const bus = new RedisEventBus(options);
    const connecting = Promise.all([bus.#commands.connect(), bus.#reader.connect()]);
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, CONNECT_WAIT_MS, 'timeout').unref());
    const outcome = await Promise.race([
      connecting.then(
        () => 'ok' as const,
        (error: unknown) => error,
      ),
      timeout,
    ]);
    if (outcome !== 'ok') {
      await bus.close();
      throw new Error(`REDIS_URL: cannot connect to Redis (${outcome instanceof Error ? outcome.message : 'no answer within 5 s'}).`);
    }
    try {
      // A Redis that may evict is refused for publishing, not for reading: this instance's
      // subscribers still get what other instances accept.
      await bus.#inspect();
      [bus.#epoch, bus.#epochEntry] = await bus.#attach();
      const newest = await bus.#commands.xrevrange(bus.#keys.stream, '+', '-', 'COUNT', 1);
      bus.#tail = bus.#follow(newest[0]?.[0] ?? '0-0');
    } catch (error) {
      await bus.close();
      throw new Error(`REDIS_URL: Redis does not answer as expected (${reasonOf(error)}).`, { cause: error });
    }
    // Each reconnect may be to another server (a restart, a failover): look at it again.
    bus.#commands.on('ready', () => void bus.#inspect().catch(() => undefined));
    bus.#checkTimer = setInterval(() => void bus.#check(), CHECK_INTERVAL_MS).unref();
    return bus;
  }

  /** Reads the server's version, eviction policy and persistence; logs what changed. */
  async #inspect(): Promise<void> {
    const info = parseInfo(await this.#commands.info());
    const tooOld = versionProblem(info);
    if (tooOld) throw new Error(tooOld);
    const save = await this.#commands.config('GET', 'save').then(
      (reply) => (Array.isArray(reply) ? (reply[1] as string | undefined) : undefined),
      () => undefined, // CONFIG may be disabled (managed Redis): then the schedule is unknown
    );
    this.#setRefusal(refusalOf(info, this.#options.waitReplicas ?? 0));
    const warning = persistenceWarning(info, save);
    if (warning) this.#options.logger.warn({ aofEnabled: info.get('aof_enabled') === '1', save }, warning);
  }

  #setRefusal(refusal: string | undefined): void {
    if (refusal === this.#refusal) return;
    if (refusal) this.#options.logger.error({ reason: refusal }, 'event bus refuses this Redis: webhooks are answered 503, /readyz is 503');
    else this.#options.logger.info('event bus accepts Redis again');
    this.#refusal = refusal;
  }

  #setUnanswered(reason: string | undefined): void {
    if (reason === this.#unanswered) return;
    if (reason && !this.#unanswered) this.#options.logger.warn({ reason }, 'Redis cannot take events: event bus not ready');
    if (!reason) this.#options.logger.info('Redis answers again: event bus ready');
    this.#unanswered = reason;
  }

  /** The current epoch (created when Redis lost it) and the newest entry of the epochs stream. */
  #attach(): Promise<[string, string]> {
    return this.#commands.attachEventStream(this.#keys.epoch, this.#keys.epochs, newEpoch());
  }

  /** Asks Redis whether it answers, may not evict, and still holds the stream the reader follows. */
  async #check(): Promise<void> {
    if (this.#checking || this.#closed) return;
    this.#checking = true;
    try {
      const info = parseInfo(await this.#commands.info('server', 'memory', 'replication'));
      this.#setRefusal(refusalOf(info, this.#options.waitReplicas ?? 0));
      const [epoch] = await this.#attach();
      if (epoch !== this.#epoch) this.#epochStale = true;
      this.#setUnanswered(undefined);
    } catch (error) {
      this.#setUnanswered(reasonOf(error));
    } finally {
      this.#checking = false;
    }
  }

  async publish(change: ScheduleChange): Promise<PublishResult> {
    if (this.#refusal) throw new EventBusUnavailableError(this.#refusal);
    const { topics, ...stored } = change;
    let reply: [string, string, string, string];
    try {
      reply = await this.#commands.publishScheduleEvent(
        this.#keys.epoch,
        this.#keys.epochs,
        `${this.#keys.seen}${change.eventId}`,
        `${this.#keys.order}${change.entityId}`,
        this.#keys.stream,
        this.#keys.counter,
        Math.round(DEDUPE_TTL_MS / 1_000),
        change.sequence,
        topics.join(','),
        this.#options.logSize,
        JSON.stringify(stored),
        newEpoch(),
      );
    } catch (error) {
      if (/timed out/i.test(reasonOf(error))) this.#setUnanswered(reasonOf(error));
      throw error;
    }
    const [verdict, id, delivered, epoch] = reply;
    if (epoch !== this.#epoch) this.#epochStale = true;
    await this.#replicated();
    if (verdict !== 'accepted') return { verdict: verdict === 'duplicate' ? 'duplicate' : 'stale' };
    const event: BusEvent = {
      ...change,
      topics: delivered.split(',') as ScheduleTopic[],
      cursor: encodeCursor({ kind: 'r', logId: epoch, position: id }),
    };
    // The schedule replica of this instance sees it before the webhook is answered; subscribers
    // get it from the stream, in the stream's order (the replica takes it again as a no-op).
    this.#hub.notifyObservers(event);
    return { verdict: 'accepted', event };
  }

  /**
   * With REDIS_WAIT_REPLICAS, resolves once that many replicas have everything this connection
   * wrote (the script writes even for a duplicate, so a retry also waits for the original).
   */
  async #replicated(): Promise<void> {
    const wanted = this.#options.waitReplicas ?? 0;
    if (wanted === 0) return;
    const confirmed = await this.#commands.wait(wanted, WAIT_TIMEOUT_MS);
    if (confirmed < wanted) {
      throw new EventBusUnavailableError(`Only ${confirmed} of ${wanted} Redis replicas confirmed the event within ${WAIT_TIMEOUT_MS} ms.`);
    }
  }

  /** The event of a stream entry, or undefined when it is unreadable. Its cursor names the entry's epoch. */
  #toEvent(id: string, values: Map<string, string>): BusEvent | undefined {
    const topics = (values.get('topics') ?? '').split(',').filter((t) => TOPICS.has(t)) as ScheduleTopic[];
    let json: unknown;
    try {
      json = JSON.parse(values.get('event') ?? '');
    } catch {
      json = undefined;
    }
    const parsed = StoredEvent.safeParse(json);
    if (!parsed.success || topics.length === 0) {
      this.#options.logger.warn({ streamId: id }, 'skipping an unreadable event in the Redis stream');
      return undefined;
    }
    const cursor = encodeCursor({ kind: 'r', logId: values.get('epoch') ?? this.#epoch, position: id });
    return { ...parsed.data, topics, cursor };
  }

  /** Follows the stream Redis holds now, from its start when it is a new one; returns where to read from. */
  async #reattach(last: string): Promise<string> {
    const [epoch, entry] = await this.#attach();
    this.#epochEntry = entry;
    this.#epochStale = false;
    if (epoch === this.#epoch) return last;
    this.#streamResets += 1;
    this.#options.logger.warn(
      { previousEpoch: this.#epoch, epoch },
      'the Redis event stream was lost (restart without persistence, flush, failover): following the new one; older cursors expire',
    );
    this.#epoch = epoch;
    return '0-0';
  }

  /** Tails the stream from `after`, handing every entry to this process's subscribers, until closed. */
  async #follow(after: string): Promise<void> {
    let last = after;
    while (!this.#closed) {
      try {
        if (this.#epochStale) {
          last = await this.#reattach(last);
          continue;
        }
        const { stream, epochs } = this.#keys;
        const result = await this.#reader.xread(
          'COUNT',
          READ_BATCH,
          'BLOCK',
          READ_BLOCK_MS,
          'STREAMS',
          stream,
          epochs,
          last,
          this.#epochEntry,
        );
        const read = new Map(result ?? []);
        const epochEntries = read.get(epochs) ?? [];
        // A new epoch: the entries just read may be of a new stream read from the old position.
        if (epochEntries.length > 0) {
          this.#epochStale = true;
          continue;
        }
        for (const [id, fields] of read.get(stream) ?? []) {
          const values = new Map<string, string>();
          for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i] ?? '', fields[i + 1] ?? '');
          const epoch = values.get('epoch');
          if (epoch !== undefined && epoch !== this.#epoch) {
            this.#epochStale = true;
            break;
          }
          last = id;
          const at = Number(values.get('at'));
          if (Number.isFinite(at) && at > 0) this.#options.observeLag?.(Math.max(0, Date.now() - at) / 1_000);
          const event = this.#toEvent(id, values);
          if (event) this.#hub.dispatch(event);
        }
      } catch (error) {
        if (this.#closed) return;
        this.#options.logger.warn({ reason: reasonOf(error) }, 'reading the Redis event stream failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      }
    }
  }

  subscribe(options: SubscribeOptions): Promise<AsyncIterableIterator<BusEvent>> {
    return subscribeWithReplay(this.#hub, this, options);
  }

  async readAfter(cursor: string, limit = Number.POSITIVE_INFINITY): Promise<BusEvent[]> {
    const { kind, logId, position } = decodeCursor(cursor);
    const after = /^(\d+)-0$/.exec(position)?.[1];
    if (kind !== 'r' || after === undefined) throw new CursorExpiredError();
    try {
      return await this.#read(logId, position, BigInt(after), limit);
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      this.#options.logger.warn({ reason: reasonOf(error) }, 'replaying from the Redis event stream failed');
      throw new EventBusUnavailableError();
    }
  }

  async #read(epoch: string, position: string, after: bigint, limit: number): Promise<BusEvent[]> {
    const [current, [oldest], counter] = await Promise.all([
      this.#commands.get(this.#keys.epoch),
      this.#commands.xrange(this.#keys.stream, '-', '+', 'COUNT', 1),
      this.#commands.get(this.#keys.counter),
    ]);
    // A cursor of another stream: one Redis lost since, or another Redis.
    if (current !== epoch) throw new CursorExpiredError();
    const newest = BigInt(counter ?? '0');
    const oldestKept = oldest ? BigInt(oldest[0].split('-')[0] ?? '0') : newest + 1n;
    // Expired when an entry right after the cursor was trimmed, or the cursor is from the future.
    if (after + 1n < oldestKept || after > newest) throw new CursorExpiredError();
    const events: BusEvent[] = [];
    let from = position;
    for (;;) {
      const count = Math.min(READ_BATCH, limit - events.length);
      const entries = await this.#commands.xrange(this.#keys.stream, `(${from}`, '+', 'COUNT', count);
      for (const [id, fields] of entries) {
        const values = new Map<string, string>();
        for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i] ?? '', fields[i + 1] ?? '');
        const event = this.#toEvent(id, values);
        if (event) events.push(event);
        from = id;
      }
      if (entries.length < count || events.length >= limit) return events;
    }
  }

  compare(a: string, b: string): number {
    return compareStreamIds(decodeCursor(a).position, decodeCursor(b).position);
  }

  observe(listener: (event: BusEvent) => void): () => void {
    return this.#hub.observe(listener);
  }

  listenerCount(): number {
    return this.#hub.size;
  }

  earlyEvictions(): number {
    return 0; // ids expire by TTL in Redis; nothing is evicted early
  }

  streamResets(): number {
    return this.#streamResets;
  }

  isReady(): boolean {
    return this.notReadyReason() === undefined;
  }

  notReadyReason(): string | undefined {
    if (this.#closed) return 'closed';
    if (this.#commands.status !== 'ready' || this.#reader.status !== 'ready') return 'Redis is not connected';
    if (this.#refusal) return this.#refusal;
    if (this.#unanswered) return `Redis cannot take events (${this.#unanswered})`;
    if (this.#epochStale) return 'the Redis event stream was lost: re-attaching to the new one';
    return undefined;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#checkTimer);
    this.#reader.disconnect();
    this.#commands.disconnect();
    await this.#tail;
  }
}
