import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { UpstreamRateLimitedError } from '../../src/infra/errors.js';
import { UpstreamCache } from '../../src/upstream/cache.js';
import { MemoryGenerations, RedisGenerations } from '../../src/upstream/generations.js';
import { pino } from 'pino';

const quiet = { count: () => undefined };
const read = (key: string, ttlMs?: number) => ({ site: 'site', namespace: 'things', key, ttlMs });

describe('the read cache', () => {
  it('keeps nothing read with a time to live of 0 (personal data), not even to stand in when the budget is spent', async () => {
    const cache = new UpstreamCache({ ttlMs: 10_000, staleMs: 600_000, maxBytes: 1_048_576 }, new MemoryGenerations(), quiet);
    let calls = 0;
    const fetch = () => {
      calls += 1;
      return Promise.resolve({ value: { secret: `answer ${calls}` }, bytes: 10 });
    };
    expect(await cache.read(read('pi', 0), fetch, () => undefined)).toEqual({ secret: 'answer 1' });
    expect(await cache.read(read('pi', 0), fetch, () => undefined)).toEqual({ secret: 'answer 2' });
    const refused = () => Promise.reject(new UpstreamRateLimitedError(30_000));
    await expect(cache.read(read('pi', 0), refused, () => undefined)).rejects.toBeInstanceOf(UpstreamRateLimitedError);
  });

  it('counts keys and entries against its byte bound, and lets answers go once too old to stand in', async () => {
    const cache = new UpstreamCache({ ttlMs: 60_000, staleMs: 0, maxBytes: 64 * 1_024 }, new MemoryGenerations(), quiet);
    const longKey = 'k'.repeat(2_000);
    for (let index = 0; index < 200; index += 1) {
      await cache.read(
        read(`${longKey}${index}`),
        () => Promise.resolve({ value: index, bytes: 1 }),
        () => undefined,
      );
    }
    // 200 answers of 1 byte under 2 KB keys: only what fits in 64 KiB is kept.
    expect(cache.size().bytes).toBeLessThanOrEqual(64 * 1_024);
    expect(cache.size().entries).toBeLessThan(40);
  });
});

describe('the invalidation counters on Redis', () => {
  it('fall back to this instance’s own count while Redis does not answer, so reads stay shared and writes still count', async () => {
    const redis = new Redis('redis://127.0.0.1:9', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    redis.on('error', () => undefined);
    try {
      const generations = new RedisGenerations(redis, pino({ level: 'silent' }));
      expect(await generations.current('site', 'things')).toBe('offline:0');
      await expect(generations.bump('site', 'things')).rejects.toThrow();
      expect(await generations.current('site', 'things')).toBe('offline:1');
    } finally {
      redis.disconnect();
    }
  });
});
