import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Wix allows an app 200 calls a minute per site (docs/wix-contract.md §4.4). Every call
 * the gateway makes to a site takes one from that site's budget first; a call that cannot have
 * one is not made. The budget is a sliding window, not a token bucket: it never lets more than
 * the limit through in any window, whenever the window starts, which is what Wix counts. The
 * window is a minute plus a second, so that calls sent 60 s apart but delayed differently on the
 * way still arrive in different minutes.
 */
export const BUDGET_WINDOW_MS = 61_000;

/** Writes take precedence: reads may use the budget only up to this share of it. */
const READ_SHARE = 0.9;

export type CallKind = 'read' | 'write';

/** One call granted, or when the next one could be. */
export type Grant = { granted: true } | { granted: false; retryAfterMs: number };

export interface BudgetSettings {
  /** Calls per window and site; 0 turns the budget off. */
  perMinute: number;
  /** Defaults to BUDGET_WINDOW_MS. */
  windowMs?: number;
  /** Share of the budget reads may use (the rest is kept for writes); defaults to 90 %. */
  readShare?: number;
}

/** The budget of every site this process calls. */
export interface SiteBudget {
  /** Takes one call from the site's budget, or says when one will be free. */
  take(site: string, kind: CallKind): Promise<Grant>;
  /** Wix answered 429: no call to this site until `ms` from now. */
  pause(site: string, ms: number): Promise<void>;
  /** Calls a write could still make in the current window (reads: fewer, by the write reserve). */
  remaining(site: string): Promise<number>;
  /** Sites this process has called, for the budget gauge. */
  sites(): string[];
}

function limits(settings: BudgetSettings): { window: number; write: number; read: number } {
  const write = settings.perMinute;
  const read = Math.max(1, Math.floor(write * (settings.readShare ?? READ_SHARE)));
  return { window: settings.windowMs ?? BUDGET_WINDOW_MS, write, read: Math.min(read, write) };
}

/** A sliding window per site in this process: exact for one instance. */
export class MemorySiteBudget implements SiteBudget {
  readonly #limits: { window: number; write: number; read: number };
  readonly #sites = new Map<string, { stamps: number[]; pausedUntil: number }>();
  readonly #now: () => number;

  constructor(settings: BudgetSettings, now: () => number = Date.now) {
    this.#limits = limits(settings);
    this.#now = now;
  }

  take(site: string, kind: CallKind): Promise<Grant> {
    return Promise.resolve(this.takeNow(site, kind));
  }

  /** The same as `take`, synchronously (the emulator counts with it). */
  takeNow(site: string, kind: CallKind): Grant {
    if (this.#limits.write <= 0) return { granted: true };
    const now = this.#now();
    const state = this.#state(site, now);
    if (state.pausedUntil > now) return { granted: false, retryAfterMs: state.pausedUntil - now };
    const limit = kind === 'write' ? this.#limits.write : this.#limits.read;
    if (state.stamps.length < limit) {
      state.stamps.push(now);
      return { granted: true };
    }
    // Free again once enough of the oldest calls have left the window to go below the limit.
    const freeing = state.stamps[state.stamps.length - limit] ?? now;
    return { granted: false, retryAfterMs: Math.max(1, freeing + this.#limits.window - now) };
  }

  pause(site: string, ms: number): Promise<void> {
    const now = this.#now();
    const state = this.#state(site, now);
    state.pausedUntil = Math.max(state.pausedUntil, now + ms);
    return Promise.resolve();
  }

  remaining(site: string): Promise<number> {
    return Promise.resolve(Math.max(0, this.#limits.write - this.#state(site, this.#now()).stamps.length));
  }

  sites(): string[] {
    return [...this.#sites.keys()];
  }

  #state(site: string, now: number): { stamps: number[]; pausedUntil: number } {
    let state = this.#sites.get(site);
    if (!state) this.#sites.set(site, (state = { stamps: [], pausedUntil: 0 }));
    const horizon = now - this.#limits.window;
    let expired = 0;
    while (expired < state.stamps.length && (state.stamps[expired] ?? 0) <= horizon) expired += 1;
    if (expired > 0) state.stamps.splice(0, expired);
    return state;
  }
}

/**
 * The window in Redis, shared by every instance: one sorted set of call times per site and one
 * pause key, checked and updated in one script with Redis's own clock (instances' clocks may
 * differ). Returns { granted, retryAfterMs, remaining }.
 */
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return {0, paused} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if limit <= 0 then return {0, window} end
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
return {0, math.max(1, tonumber(oldest[2]) + window - now)}
`;

const REMAINING_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
return redis.call('ZCARD', KEYS[1])
`;

type BudgetRedis = Redis & {
  takeBudget(calls: string, pause: string, window: number, limit: number, member: string): Promise<[number, number]>;
  budgetUsed(calls: string, window: number): Promise<number>;
};

/**
 * One window per site for every instance on this Redis. While Redis does not answer, each
 * instance counts alone in memory (the bus is not ready then either, so /readyz is 503).
 */
export class RedisSiteBudget implements SiteBudget {
  readonly #limits: { window: number; write: number; read: number };
  readonly #redis: BudgetRedis;
  readonly #prefix: string;
  readonly #sites = new Set<string>();
  readonly #local: MemorySiteBudget;

  constructor(settings: BudgetSettings, redis: Redis, prefix = 'calendar-gateway:') {
    this.#limits = limits(settings);
    this.#local = new MemorySiteBudget(settings);
    redis.defineCommand('takeBudget', { numberOfKeys: 2, lua: TAKE_SCRIPT });
    redis.defineCommand('budgetUsed', { numberOfKeys: 1, lua: REMAINING_SCRIPT });
    this.#redis = redis as BudgetRedis;
    this.#prefix = `${prefix}budget:`;
  }

  async take(site: string, kind: CallKind): Promise<Grant> {
    if (this.#limits.write <= 0) return { granted: true };
    this.#sites.add(site);
    const limit = kind === 'write' ? this.#limits.write : this.#limits.read;
    const member = randomBytes(6).toString('hex');
    let answer: [number, number];
    try {
      answer = await this.#redis.takeBudget(
        `${this.#prefix}calls:${site}`,
        `${this.#prefix}paused:${site}`,
        this.#limits.window,
        limit,
        member,
      );
    } catch {
      return this.#local.take(site, kind);
    }
    const [granted, retryAfterMs] = answer;
    return granted === 1 ? { granted: true } : { granted: false, retryAfterMs: Number(retryAfterMs) };
  }

  async pause(site: string, ms: number): Promise<void> {
    await this.#local.pause(site, ms);
    const key = `${this.#prefix}paused:${site}`;
    try {
      // Only ever lengthens a pause another instance set.
      const left = await this.#redis.pttl(key);
      if (left < ms) await this.#redis.set(key, '1', 'PX', Math.max(1, Math.round(ms)));
    } catch {
      // Redis is away: the local pause above still holds this instance back.
    }
  }

  async remaining(site: string): Promise<number> {
    try {
      const used = await this.#redis.budgetUsed(`${this.#prefix}calls:${site}`, this.#limits.window);
      return Math.max(0, this.#limits.write - Number(used));
    } catch {
      return this.#local.remaining(site);
    }
  }

  sites(): string[] {
    return [...this.#sites];
  }
}
