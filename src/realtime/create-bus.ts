import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { EventBus } from './bus.js';
import { MemoryEventBus } from './memory-bus.js';
import { RedisEventBus } from './redis-bus.js';

/** In memory for one process; on Redis when REDIS_URL is set, so several instances act as one. */
export async function createEventBus(config: Pick<Config, 'redisUrl' | 'eventLogSize'>, logger: Logger): Promise<EventBus> {
  if (!config.redisUrl) return new MemoryEventBus({ logSize: config.eventLogSize });
  return RedisEventBus.connect({ url: config.redisUrl, logSize: config.eventLogSize, logger });
}
