import type { BenchOptions } from '../options.js';
import { measureDelivery, type DeliveryRun } from '../lib/delivery.js';
import { measureIngest, type IngestRun } from '../lib/ingest.js';
import { ProcessScope, type SystemProcess } from '../lib/processes.js';
import { redisServerInstalled, startRedis } from '../lib/redis.js';
import type { ScenarioResult } from '../lib/result.js';
import { startGatewayProcess, type SystemContext } from '../lib/systems.js';
import { benchSchedules, signWebhooks } from '../lib/webhooks.js';
import { deliveryCells, percent } from './fan-out.js';

const SCHEDULES = 30;
const INGEST_CONNECTIONS = 25;
const INGEST_WARMUP = 500;

interface DeliveryRow {
  setup: string;
  run: DeliveryRun;
}

interface IngestRow {
  setup: string;
  run: IngestRun;
}

/**
 * 4. Two instances on Redis: what the Redis bus adds to delivery, with the subscribers on the
 * instance that got the webhooks and on another one; and what it costs webhook ingest.
 */
export async function runRedis(options: BenchOptions, context: SystemContext): Promise<ScenarioResult> {
  const title = '4. Two instances on Redis';
  if (!redisServerInstalled()) {
    return { id: 'redis', title, setup: '', tables: [], notes: [], skipped: 'redis-server is not installed (`npm run test:setup` installs it)' };
  }
  const { subscribers, rate, seconds, ingestWebhooks } = options.redis;
  const schedules = benchSchedules(SCHEDULES);
  const redis = await startRedis();
  const scope = new ProcessScope();
  try {
    const withRedis = { REDIS_URL: redis.url };
    const delivery = (publishTo: SystemProcess, subscribeTo: SystemProcess, stop: () => Promise<void>) =>
      measureDelivery({ publishTo, subscribeTo, subscribers, rate, seconds, clientThreads: options.clientThreads, schedules, stop });

    const deliveries: DeliveryRow[] = [];
    const memory = await scope.start(startGatewayProcess('gateway-memory', context));
    deliveries.push({ setup: 'one instance, memory bus', run: await delivery(memory, memory, () => memory.stop()) });

    await redis.flush();
    const single = await scope.start(startGatewayProcess('gateway-redis-single', context, withRedis));
    deliveries.push({ setup: 'one instance on Redis', run: await delivery(single, single, () => single.stop()) });

    await redis.flush();
    const a = await scope.start(startGatewayProcess('gateway-redis-a', context, withRedis));
    const b = await scope.start(startGatewayProcess('gateway-redis-b', context, withRedis));
    deliveries.push({
      setup: 'two instances on Redis: webhooks to A, subscribers on B',
      run: await delivery(a, b, async () => {
        await b.stop();
        await a.stop();
      }),
    });

    const ingestSchedules = benchSchedules(options.ingest.schedules);
    const signed = await signWebhooks(ingestSchedules, INGEST_WARMUP + ingestWebhooks, options.clientThreads);
    const ingestParams = {
      warmup: signed.slice(0, INGEST_WARMUP),
      measured: signed.slice(INGEST_WARMUP),
      connections: INGEST_CONNECTIONS,
      subscribers: 0,
      scheduleIds: [],
      clientThreads: options.clientThreads,
    };
    const ingests: IngestRow[] = [];
    const memoryIngest = await scope.start(startGatewayProcess('gateway-memory-ingest', context));
    ingests.push({ setup: 'one instance, memory bus', run: await measureIngest({ ...ingestParams, system: memoryIngest, stop: () => memoryIngest.stop() }) });
    await redis.flush();
    const redisIngest = await scope.start(startGatewayProcess('gateway-redis-ingest', context, withRedis));
    ingests.push({ setup: 'one instance on Redis', run: await measureIngest({ ...ingestParams, system: redisIngest, stop: () => redisIngest.stop() }) });

    const base = deliveries[0]?.run;
    const baseIngest = ingests[0]?.run;
    return {
      id: 'redis',
      title,
      setup:
        `${subscribers.toLocaleString('en-US')} subscribers of \`scheduleUpdated\`, ${rate} webhooks/s for ${seconds} s, as in the fan-out scenario; ` +
        `then ${ingestWebhooks.toLocaleString('en-US')} webhooks as fast as acknowledged (${INGEST_CONNECTIONS} connections, no subscribers). ` +
        'A local redis-server with no persistence; every gateway in its own process.',
      tables: [
        {
          caption: 'Delivery: webhook POST start → subscriber',
          columns: [
            { key: 'setup', label: 'setup', format: 'text' },
            { key: 'delivered', label: 'delivered / expected', format: 'text' },
            { key: 'p50', label: 'p50 ms', format: 'ms' },
            { key: 'p99', label: 'p99 ms', format: 'ms' },
            { key: 'max', label: 'max ms', format: 'ms' },
            { key: 'addedP50', label: 'added p50 ms', format: 'ms' },
            { key: 'addedP99', label: 'added p99 ms', format: 'ms' },
            { key: 'ack', label: 'ack p50 · p99 ms', format: 'text' },
            { key: 'cpu', label: 'CPU: subscribers’ instance · other · clients', format: 'text' },
          ],
          rows: deliveries.map(({ setup, run }) => ({
            setup,
            ...deliveryCells(run),
            addedP50: base ? run.latency.p50 - base.latency.p50 : null,
            addedP99: base ? run.latency.p99 - base.latency.p99 : null,
            cpu: `${percent(run.cpu.system)} · ${percent(run.cpu.publisher)} · ${percent(run.cpu.clients)}`,
          })),
        },
        {
          caption: 'Ingest: webhooks acknowledged per second',
          columns: [
            { key: 'setup', label: 'setup', format: 'text' },
            { key: 'rps', label: 'webhooks/s', format: 'int' },
            { key: 'vsMemory', label: '× memory bus', format: 'ratio' },
            { key: 'p50', label: 'ack p50 ms', format: 'ms' },
            { key: 'p99', label: 'ack p99 ms', format: 'ms' },
            { key: 'accepted', label: 'accepted / sent', format: 'text' },
            { key: 'cpu', label: 'CPU: system · load generator', format: 'text' },
          ],
          rows: ingests.map(({ setup, run }) => ({
            setup,
            rps: run.load.perSecond,
            vsMemory: baseIngest ? run.load.perSecond / baseIngest.load.perSecond : null,
            p50: run.load.p50,
            p99: run.load.p99,
            accepted: `${(run.verdicts.accepted ?? 0).toLocaleString('en-US')} / ${run.load.requests.toLocaleString('en-US')}`,
            cpu: `${percent(run.cpu.system)} · ${percent(run.cpu.loadGenerator)}`,
          })),
        },
      ],
      notes: [
        '"added" is the difference to the one-instance memory bus row of this table (same load, same run).',
        'With Redis, a webhook is acknowledged once a Lua script has deduplicated, ordered and appended it to a stream; every instance (the receiving one too) delivers what it reads back from that stream.',
        'redis-server’s own CPU is not shown.',
      ],
      details: { deliveries, ingests },
    };
  } finally {
    await scope.stopAll();
    await redis.stop();
  }
}
