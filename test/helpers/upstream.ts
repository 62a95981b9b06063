import type { UpstreamAccess } from '../../src/datasources/wix-http.js';
import type { UpstreamAccessPolicy } from '../../src/upstream/access.js';
import { MemorySiteBudget } from '../../src/upstream/budget.js';
import { UpstreamCache } from '../../src/upstream/cache.js';
import { MemoryGenerations } from '../../src/upstream/generations.js';

/** A Wix client's budget and cache with neither in the way: every call is made, none is kept. */
export function unlimitedAccess(site = 'site'): UpstreamAccess {
  return {
    site,
    budget: new MemorySiteBudget({ perMinute: 0 }),
    cache: new UpstreamCache({ ttlMs: 0, staleMs: 0, maxBytes: 1_048_576 }, new MemoryGenerations(), { count: () => undefined }),
    onStale: () => undefined,
  };
}

/** The process-wide side of the same: no budget, no cache, no replica. */
export function noUpstreamPolicy(): UpstreamAccessPolicy {
  const { budget, cache } = unlimitedAccess();
  return { budget, cache, replica: undefined, ttls: { defaultMs: 0, providersMs: 0 }, close: () => Promise.resolve() };
}
