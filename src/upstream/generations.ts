import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * What the gateway itself changed: a counter per site and namespace, raised by every write through
 * the gateway before the write is answered. A cached answer remembers the counter it was read
 * under and is not used once the counter moved, so the next read after a write, on any instance,
 * goes to Wix (read-your-writes). With Redis the counters are shared by every instance.
 */
export interface Generations {
  /** An opaque value that changes with every write to the namespace of the site. */
  current(site: string, namespace: string): Promise<string>;
  bump(site: string, namespace: string): Promise<void>;
}

export class MemoryGenerations implements Generations {
  readonly #counters = new Map<string, number>();

  current(site: string, namespace: string): Promise<string> {
    return Promise.resolve(String(this.#counters.get(`${namespace}\u0000${site}`) ?? 0));
  }

  bump(site: string, namespace: string): Promise<void> {
    const key = `${namespace}\u0000${site}`;
    this.#counters.set(key, (this.#counters.get(key) ?? 0) + 1);
    return Promise.resolve();
  }
}

/** A day: a counter not raised for that long is as good as zero to every cached answer. */
const COUNTER_TTL_S = 86_400;
/** A raise is tried this many times before the write is answered without it (and logged). */
const BUMP_ATTEMPTS = 4;
const BUMP_BACKOFF_MS = 100;

/**
 * The counters in Redis, plus this instance's own beside them: a raise counts here at once, so
 * this instance never serves an answer from before its own write even if Redis did not take the
 * raise (then only the other instances may serve such an answer, until it expires; that is logged).
 */
export class RedisGenerations implements Generations {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #local = new MemoryGenerations();
  readonly #logger: Logger;

  constructor(redis: Redis, logger: Logger, prefix = 'calendar-gateway:') {
    this.#redis = redis;
    this.#logger = logger;
    this.#prefix = `${prefix}writes:`;
  }

  async current(site: string, namespace: string): Promise<string> {
    const local = await this.#local.current(site, namespace);
    let shared: string;
    try {
      shared = (await this.#redis.get(`${this.#prefix}${namespace}:${site}`)) ?? '0';
    } catch {
      // Redis does not answer: this instance's own writes still count, other instances' are not
      // known until it is back (their answers expire meanwhile); reads stay shared and cached.
      return `offline:${local}`;
    }
    return `${shared}:${local}`;
  }

  async bump(site: string, namespace: string): Promise<void> {
    await this.#local.bump(site, namespace);
    const key = `${this.#prefix}${namespace}:${site}`;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.#redis.multi().incr(key).expire(key, COUNTER_TTL_S).exec();
        return;
      } catch (error) {
        if (attempt >= BUMP_ATTEMPTS) {
          this.#logger.error(
            { site, namespace, reason: error instanceof Error ? error.message : String(error) },
            'a write could not be announced to the other instances: they may serve older cached answers until those expire',
          );
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, BUMP_BACKOFF_MS * attempt));
      }
    }
  }
}
