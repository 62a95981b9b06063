import type { Logger } from 'pino';
import type { Config } from '../infra/config.js';
import type { EventBus } from './bus.js';
import { MemoryEventBus } from './memory-bus.js';
import { RedisEventBus } from './redis-bus.js';
import type { Metrics } from '../infra/metrics.js';

/** In memory for one process; on Redis when REDIS_URL is set, so several instances act as one. */
export async function createEventBus(
  config: Pick<Config, 'redisUrl' | 'redisWaitReplicas' | 'eventLogSize'>,
  logger: Logger,
  metrics: Metrics,
): Promise<EventBus> {
  if (!config.redisUrl) return new MemoryEventBus({ logSize: config.eventLogSize });
  return RedisEventBus.connect({
    url: config.redisUrl,
    logSize: config.eventLogSize,
    waitReplicas: config.redisWaitReplicas,
    logger,
    observeLag: (seconds) => metrics.busLag.observe(seconds),
  });
}
