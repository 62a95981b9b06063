import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ScheduleDto } from '../datasources/schedules.dto.js';
import { CursorExpiredError } from '../infra/errors.js';
import type { EventBus, PublishResult, SubscribeOptions } from './bus.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { BusEvent, ScheduleChange, ScheduleTopic } from './events.js';
import { LocalHub } from './hub.js';
import { DEDUPE_TTL_MS } from './memory-bus.js';
import { subscribeWithReplay, type EventLog } from './subscription.js';

/**
 * Dedupe, ordering and append in one atomic step, so two instances that get the same redelivery
 * at once still deliver it once. Entries get dense ids `<n>-0` from a counter, so a trimmed gap
 * after a cursor is visible (Redis 7.0 does not record what MAXLEN trimmed).
 * KEYS: seen-id key, ordering hash, stream, counter. ARGV: TTL (s), sequence,
 * topics (comma-separated), stream max length, event JSON. Sequences are int64 decimal strings
 * compared by length then bytes (Lua numbers are doubles and would lose precision).
 */
const PUBLISH_SCRIPT = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return {'duplicate'} end
local seq, topics = ARGV[2], ARGV[3]
local function cmp(a, b)
  if #a ~= #b then return #a < #b and -1 or 1 end
  if a == b then return 0 end
  return a < b and -1 or 1
end
local known = redis.call('HMGET', KEYS[2], 'seq', 'topics')
local deliver, all = topics, topics
if known[1] then
  local order = cmp(seq, known[1])
  if order < 0 then return {'stale'} end
  if order == 0 then
    local had, fresh = {}, {}
    for t in string.gmatch(known[2] or '', '[^,]+') do had[t] = true end
    for t in string.gmatch(topics, '[^,]+') do if not had[t] then table.insert(fresh, t) end end
    if #fresh == 0 then return {'stale'} end
    deliver = table.concat(fresh, ',')
    all = (known[2] or '') .. ',' .. deliver
  end
end
redis.call('HSET', KEYS[2], 'seq', seq, 'topics', all)
redis.call('EXPIRE', KEYS[2], ARGV[1])
local now = redis.call('TIME')
local at = now[1] * 1000 + math.floor(now[2] / 1000)
local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], redis.call('INCR', KEYS[4]) .. '-0', 'topics', deliver, 'at', at, 'event', ARGV[5])
return {'accepted', id, deliver}
`;

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

export interface RedisBusOptions {
  url: string;
  logSize: number;
  logger: Logger;
  /** Key prefix, so several gateways (or tests) can share one Redis. */
  prefix?: string;
  /** Told, for each event read from the stream, how long after its append it was read (seconds). */
  observeLag?: (seconds: number) => void;
}

/** Orders two stream ids (`<ms>-<seq>`). */
function compareStreamIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map(BigInt);
  const [bm = 0n, bs = 0n] = b.split('-').map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

/**
 * The multi-instance bus: a Redis stream is both the replayable log and the fan-out. Every
 * instance tails the stream (XREAD BLOCK) and hands each entry to its own subscribers, so an event
 * accepted on instance A reaches subscribers on B, in the same order everywhere.
 */
export class RedisEventBus implements EventBus, EventLog {
  readonly #hub = new LocalHub();
  readonly #commands: Redis;
  readonly #reader: Redis;
  readonly #options: RedisBusOptions;
  readonly #keys: { stream: string; counter: string; logId: string; seen: string; order: string };
  #logId = '';
  #closed = false;
  #tail: Promise<void> = Promise.resolve();

  private constructor(options: RedisBusOptions) {
    this.#options = options;
    const prefix = options.prefix ?? 'calendar-gateway:';
    this.#keys = {
      stream: `${prefix}events`,
      counter: `${prefix}events-count`,
      logId: `${prefix}log-id`,
      seen: `${prefix}seen:`,
      order: `${prefix}order:`,
    };
    // Commands fail at once while Redis is away (the webhook then answers 503 and Wix retries)
    // instead of queueing for an unknown time.
    this.#commands = new Redis(options.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    this.#reader = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: null });
    for (const [name, connection] of [
      ['commands', this.#commands],
      ['reader', this.#reader],
    ] as const) {
      connection.on('error', (error: Error) => options.logger.warn({ connection: name, reason: error.message }, 'redis connection error'));
    }
    this.#commands.defineCommand('publishScheduleEvent', { numberOfKeys: 4, lua: PUBLISH_SCRIPT });
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
    // The log id tells cursors of this Redis's stream from those of a Redis that lost its data.
    await bus.#commands.set(bus.#keys.logId, randomBytes(6).toString('hex'), 'NX');
    bus.#logId = (await bus.#commands.get(bus.#keys.logId)) ?? '';
    const newest = await bus.#commands.xrevrange(bus.#keys.stream, '+', '-', 'COUNT', 1);
    bus.#tail = bus.#follow(newest[0]?.[0] ?? '0-0');
    return bus;
  }

  async publish(change: ScheduleChange): Promise<PublishResult> {
    const { topics, ...stored } = change;
    const reply = await (
      this.#commands as unknown as {
        publishScheduleEvent(...args: (string | number)[]): Promise<[string, string?, string?]>;
      }
    ).publishScheduleEvent(
      `${this.#keys.seen}${change.eventId}`,
      `${this.#keys.order}${change.entityId}`,
      this.#keys.stream,
      this.#keys.counter,
      Math.round(DEDUPE_TTL_MS / 1_000),
      change.sequence,
      topics.join(','),
      this.#options.logSize,
      JSON.stringify(stored),
    );
    const [verdict, id, delivered] = reply;
    if (verdict !== 'accepted' || !id) return { verdict: verdict === 'duplicate' ? 'duplicate' : 'stale' };
    return {
      verdict: 'accepted',
      event: { ...change, topics: (delivered ?? '').split(',') as ScheduleTopic[], cursor: this.#cursorOf(id) },
    };
  }

  #cursorOf(streamId: string): string {
    return encodeCursor({ kind: 'r', logId: this.#logId, position: streamId });
  }

  #toEvent(id: string, fields: string[]): BusEvent | undefined {
    const values = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i] ?? '', fields[i + 1] ?? '');
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
    return { ...parsed.data, topics, cursor: this.#cursorOf(id) };
  }

  /** Tails the stream from `after`, handing every entry to this process's subscribers, until closed. */
  async #follow(after: string): Promise<void> {
    let last = after;
    while (!this.#closed) {
      try {
        const result = await this.#reader.xread('COUNT', READ_BATCH, 'BLOCK', READ_BLOCK_MS, 'STREAMS', this.#keys.stream, last);
        for (const [, entries] of result ?? []) {
          for (const [id, fields] of entries) {
            last = id;
            const at = Number(fields[fields.indexOf('at') + 1]);
            if (Number.isFinite(at) && at > 0) this.#options.observeLag?.(Math.max(0, Date.now() - at) / 1_000);
            const event = this.#toEvent(id, fields);
            if (event) this.#hub.dispatch(event);
          }
        }
      } catch (error) {
        if (this.#closed) return;
        this.#options.logger.warn(
          { reason: error instanceof Error ? error.message : String(error) },
          'reading the Redis event stream failed; retrying',
        );
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
    if (kind !== 'r' || logId !== this.#logId || after === undefined) throw new CursorExpiredError();
    const [oldest] = await this.#commands.xrange(this.#keys.stream, '-', '+', 'COUNT', 1);
    const newest = BigInt((await this.#commands.get(this.#keys.counter)) ?? '0');
    const oldestKept = oldest ? BigInt(oldest[0].split('-')[0] ?? '0') : newest + 1n;
    // Expired when an entry right after the cursor was trimmed, or the cursor is from the future.
    if (BigInt(after) + 1n < oldestKept || BigInt(after) > newest) throw new CursorExpiredError();
    const events: BusEvent[] = [];
    let from = position;
    for (;;) {
      const count = Math.min(READ_BATCH, limit - events.length);
      const entries = await this.#commands.xrange(this.#keys.stream, `(${from}`, '+', 'COUNT', count);
      for (const [id, fields] of entries) {
        const event = this.#toEvent(id, fields);
        if (event) events.push(event);
        from = id;
      }
      if (entries.length < count || events.length >= limit) return events;
    }
  }

  compare(a: string, b: string): number {
    return compareStreamIds(decodeCursor(a).position, decodeCursor(b).position);
  }

  listenerCount(): number {
    return this.#hub.size;
  }

  earlyEvictions(): number {
    return 0; // ids expire by TTL in Redis; nothing is evicted early
  }

  isReady(): boolean {
    return !this.#closed && this.#commands.status === 'ready' && this.#reader.status === 'ready';
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#reader.disconnect();
    this.#commands.disconnect();
    await this.#tail;
  }
}
