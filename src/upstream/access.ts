import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EventBus } from '../bus/bus.js';
import type { UpstreamPolicy } from '../infra/config.js';
import type { Metrics } from '../infra/metrics.js';
import { MemorySiteBudget, RedisSiteBudget, type SiteBudget } from './budget.js';
import { UpstreamCache } from './cache.js';
import { MemoryGenerations, RedisGenerations, type Generations } from './generations.js';
import { ScheduleReplica } from './schedule-replica.js';

/** How long each kind of cached read is kept (see UpstreamCache). */
export interface CacheTtls {
  /** Connections, calendars, external events. */
  defaultMs: number;
  /** List Providers: the providers and their features change with Wix releases, not with use. */
  providersMs: number;
}

/** The process-wide side of every operation's Wix calls: the sites' budgets, the cache, the replica. */
export interface UpstreamAccessPolicy {
  budget: SiteBudget;
  cache: UpstreamCache;
  /** Undefined when webhooks cannot keep schedules coherent (then they are cached briefly). */
  replica: ScheduleReplica | undefined;
  ttls: CacheTtls;
  close(): Promise<void>;
}

/** A Redis command that takes longer than this is failed (the budget then counts locally). */
const REDIS_COMMAND_TIMEOUT_MS = 500;

export async function createUpstreamAccess(options: {
  policy: UpstreamPolicy;
  redisUrl: string | undefined;
  bus: EventBus;
  /** The site of a webhook's app instance, when webhooks can keep a replica coherent. */
  siteOfInstance: ((instanceId: string) => string | undefined) | undefined;
  metrics: Metrics;
  logger: Logger;
}): Promise<UpstreamAccessPolicy> {
  const { policy, redisUrl, bus, metrics, logger } = options;
  let redis: Redis | undefined;
  let budget: SiteBudget;
  let generations: Generations;
  if (redisUrl) {
    redis = new Redis(redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      lazyConnect: true,
    });
    redis.on('error', (error: Error) => logger.warn({ connection: 'upstream-budget', reason: error.message }, 'redis connection error'));
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw new Error(
        `REDIS_URL: cannot connect to Redis for the upstream budget (${error instanceof Error ? error.message : String(error)}).`,
        { cause: error },
      );
    }
    budget = new RedisSiteBudget({ perMinute: policy.ratePerMinute }, redis);
    generations = new RedisGenerations(redis, logger);
  } else {
    budget = new MemorySiteBudget({ perMinute: policy.ratePerMinute });
    generations = new MemoryGenerations();
  }
  const cache = new UpstreamCache(
    { ttlMs: policy.cache ? policy.cacheTtlMs : 0, staleMs: policy.staleMs, maxBytes: policy.cacheMaxBytes },
    generations,
    { count: (namespace, result) => metrics.cacheReads.inc({ namespace, result }) },
  );
  const replica =
    policy.cache && options.siteOfInstance
      ? new ScheduleReplica({
          settings: { resyncMs: policy.replicaResyncMs },
          bus,
          siteOfInstance: options.siteOfInstance,
          logger,
          observer: {
            read: (result) => metrics.replicaReads.inc({ result }),
            loaded: (reason) => metrics.replicaLoads.inc({ reason }),
            event: (result) => metrics.replicaEvents.inc({ result }),
          },
        })
      : undefined;
  metrics.watchUpstream(budget, replica);
  return {
    budget,
    cache,
    replica,
    ttls: { defaultMs: policy.cacheTtlMs, providersMs: policy.providersTtlMs },
    async close() {
      replica?.close();
      redis?.disconnect();
    },
  };
}
