import type { Redis } from 'ioredis';

/**
 * What the gateway itself changed: a counter per site and namespace, raised by every write through
 * the gateway before the write is answered. A cached answer remembers the counter it was read
 * under and is not used once the counter moved, so the next read after a write, on any instance,
 * goes to Wix (read-your-writes). With Redis the counters are shared by every instance.
 */
export interface Generations {
  current(site: string, namespace: string): Promise<number>;
  bump(site: string, namespace: string): Promise<void>;
}

export class MemoryGenerations implements Generations {
  readonly #counters = new Map<string, number>();

  current(site: string, namespace: string): Promise<number> {
    return Promise.resolve(this.#counters.get(`${namespace}\u0000${site}`) ?? 0);
  }

  bump(site: string, namespace: string): Promise<void> {
    const key = `${namespace}\u0000${site}`;
    this.#counters.set(key, (this.#counters.get(key) ?? 0) + 1);
    return Promise.resolve();
  }
}

/** A day: a counter not raised for that long is as good as zero to every cached answer. */
const COUNTER_TTL_S = 86_400;

export class RedisGenerations implements Generations {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix = 'calendar-gateway:') {
    this.#redis = redis;
    this.#prefix = `${prefix}writes:`;
  }

  async current(site: string, namespace: string): Promise<number> {
    return Number((await this.#redis.get(`${this.#prefix}${namespace}:${site}`)) ?? 0);
  }

  async bump(site: string, namespace: string): Promise<void> {
    const key = `${this.#prefix}${namespace}:${site}`;
    await this.#redis.multi().incr(key).expire(key, COUNTER_TTL_S).exec();
  }
}
