import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MemorySiteBudget, RedisSiteBudget } from '../../src/upstream/budget.js';

describe('the site budget (sliding window)', () => {
  it('never lets more than the limit through in any window, wherever the window starts', () => {
    let now = 0;
    const budget = new MemorySiteBudget({ perMinute: 10, windowMs: 1_000 }, () => now);
    const granted: number[] = [];
    for (now = 0; now < 5_000; now += 37) {
      if (budget.takeNow('site', 'write').granted) granted.push(now);
    }
    for (const start of granted) {
      expect(granted.filter((t) => t >= start && t < start + 1_000).length).toBeLessThanOrEqual(10);
    }
    // and it does let the limit through: 10 a window over 5 windows
    expect(granted.length).toBeGreaterThanOrEqual(45);
  });

  it('keeps a share for writes: reads stop at 90 %, writes go on to the limit', () => {
    const budget = new MemorySiteBudget({ perMinute: 10, windowMs: 60_000 }, () => 1_000);
    for (let call = 0; call < 9; call += 1) expect(budget.takeNow('site', 'read').granted).toBe(true);
    expect(budget.takeNow('site', 'read')).toEqual({ granted: false, retryAfterMs: 60_000 });
    expect(budget.takeNow('site', 'write').granted).toBe(true);
    expect(budget.takeNow('site', 'write').granted).toBe(false);
  });

  it('counts each site on its own', () => {
    const budget = new MemorySiteBudget({ perMinute: 1, windowMs: 60_000 });
    expect(budget.takeNow('a', 'write').granted).toBe(true);
    expect(budget.takeNow('b', 'write').granted).toBe(true);
    expect(budget.takeNow('a', 'write').granted).toBe(false);
  });

  it('says when the next call is free, and holds every call of a paused site', async () => {
    let now = 0;
    const budget = new MemorySiteBudget({ perMinute: 2, windowMs: 1_000 }, () => now);
    budget.takeNow('site', 'write');
    now = 400;
    budget.takeNow('site', 'write');
    now = 500;
    expect(budget.takeNow('site', 'write')).toEqual({ granted: false, retryAfterMs: 500 });
    now = 1_001;
    expect(budget.takeNow('site', 'write').granted).toBe(true);
    await budget.pause('site', 3_000);
    now = 1_500;
    expect(budget.takeNow('site', 'write')).toEqual({ granted: false, retryAfterMs: 2_501 });
  });
});

describe('the site budget in Redis, shared by instances', () => {
  let first: Redis;
  let second: Redis;
  beforeAll(() => {
    first = new Redis(inject('redisUrl'));
    second = new Redis(inject('redisUrl'));
  });
  afterAll(() => {
    first.disconnect();
    second.disconnect();
  });

  it('gives two instances one budget between them', async () => {
    const site = `site-${randomUUID()}`;
    const a = new RedisSiteBudget({ perMinute: 10 }, first);
    const b = new RedisSiteBudget({ perMinute: 10 }, second);
    const grants = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? a : b).take(site, 'write')));
    expect(grants.filter((grant) => grant.granted)).toHaveLength(10);
    const refused = grants.find((grant) => !grant.granted);
    expect(refused && !refused.granted && refused.retryAfterMs).toBeGreaterThan(55_000);
    expect(await a.remaining(site)).toBe(0);
  });

  it('pauses every instance when one is told to slow down', async () => {
    const site = `site-${randomUUID()}`;
    const a = new RedisSiteBudget({ perMinute: 100 }, first);
    const b = new RedisSiteBudget({ perMinute: 100 }, second);
    await a.pause(site, 5_000);
    const grant = await b.take(site, 'read');
    expect(grant.granted).toBe(false);
    expect(!grant.granted && grant.retryAfterMs).toBeGreaterThan(4_000);
  });

  it('keeps writes ahead of reads across instances', async () => {
    const site = `site-${randomUUID()}`;
    const a = new RedisSiteBudget({ perMinute: 10 }, first);
    const b = new RedisSiteBudget({ perMinute: 10 }, second);
    for (let call = 0; call < 9; call += 1) expect((await (call % 2 ? a : b).take(site, 'read')).granted).toBe(true);
    expect((await a.take(site, 'read')).granted).toBe(false);
    expect((await b.take(site, 'write')).granted).toBe(true);
  });
});
