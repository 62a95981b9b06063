import type { BenchOptions } from '../options.js';
import { measureDelivery, type DeliveryRun } from '../lib/delivery.js';
import { ingestWebhooks, measureIngest, type IngestRun } from '../lib/ingest.js';
import { ProcessScope, type SystemProcess } from '../lib/processes.js';
import { redisServerInstalled, startRedis } from '../lib/redis.js';
import type { ScenarioResult } from '../lib/result.js';
import { startGatewayProcess, type SystemContext } from '../lib/systems.js';
import { benchSchedules } from '../lib/webhooks.js';
import { count, percent } from '../lib/format.js';
import { log } from '../lib/log.js';
import { formatNoise } from '../lib/noise.js';
import { deliveryCells, deliveryProblems, deliveryRepeat, keptUp } from './fan-out.js';
import { INGEST_REPEAT } from './webhook-ingest.js';

const SCHEDULES = 30;

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
    return {
      id: 'redis',
      title,
      setup: '',
      tables: [],
      notes: [],
      skipped: 'redis-server is not installed (`npm run test:setup` installs it)',
    };
  }
  const { subscribers, rate, seconds } = options.redis;
  const schedules = benchSchedules(SCHEDULES);
  const redis = await startRedis();
  const scope = new ProcessScope();
  try {
    const withRedis = { REDIS_URL: redis.url };
    const deliveries: DeliveryRow[] = [];
    const deliver = async (setup: string, publishTo: SystemProcess, subscribeTo: SystemProcess, stop: () => Promise<void>) => {
      log(`redis: ${setup}`);
      const run = await measureDelivery({
        publishTo,
        subscribeTo,
        subscribers,
        rate,
        seconds,
        clientThreads: options.clientThreads,
        schedules,
        stop,
      });
      deliveries.push({ setup, run });
    };

    const memory = await scope.start(startGatewayProcess('gateway-memory', context));
    await deliver('one instance, memory bus', memory, memory, () => memory.stop());

    await redis.flush();
    const single = await scope.start(startGatewayProcess('gateway-redis-single', context, withRedis));
    await deliver('one instance on Redis', single, single, () => single.stop());

    await redis.flush();
    const a = await scope.start(startGatewayProcess('gateway-redis-a', context, withRedis));
    const b = await scope.start(startGatewayProcess('gateway-redis-b', context, withRedis));
    await deliver('two instances on Redis: webhooks to A, subscribers on B', a, b, async () => {
      await b.stop();
      await a.stop();
    });

    const ingestParams = {
      ...(await ingestWebhooks(options.ingest, options.clientThreads)),
      connections: options.ingest.connections,
      subscribers: 0,
      clientThreads: options.clientThreads,
    };
    const ingests: IngestRow[] = [];
    const ingest = async (setup: string, system: SystemProcess) => {
      log(`redis: ingest, ${setup}`);
      ingests.push({ setup, run: await measureIngest({ ...ingestParams, system, stop: () => system.stop() }) });
    };
    await ingest('one instance, memory bus', await scope.start(startGatewayProcess('gateway-memory-ingest', context)));
    await redis.flush();
    await ingest('one instance on Redis', await scope.start(startGatewayProcess('gateway-redis-ingest', context, withRedis)));

    const base = deliveries[0]?.run;
    const baseIngest = ingests[0]?.run;
    return {
      id: 'redis',
      title,
      setup:
        `${count(subscribers)} subscribers of \`scheduleUpdated\`, ${rate} webhooks/s for ${seconds} s, as in the fan-out scenario; ` +
        `then the ingest scenario's ${count(options.ingest.webhooks)} webhooks as fast as acknowledged (${options.ingest.connections} connections, no subscribers). ` +
        'A local redis-server with no persistence; every gateway in its own process.',
      tables: [
        {
          caption: 'Delivery: webhook POST start → subscriber',
          columns: [
            { key: 'setup', label: 'setup', format: 'text' },
            { key: 'delivered', label: 'delivered / expected', format: 'text' },
            { key: 'mps', label: 'messages/s: delivered / offered', format: 'text' },
            { key: 'p50', label: 'p50 ms', format: 'ms' },
            { key: 'p99', label: 'p99 ms', format: 'ms' },
            { key: 'max', label: 'max ms', format: 'ms' },
            { key: 'addedP50', label: 'added p50 ms', format: 'ms' },
            { key: 'addedP99', label: 'added p99 ms', format: 'ms' },
            { key: 'ack', label: 'ack p50 · p99 ms', format: 'text' },
            { key: 'cpu', label: 'CPU: subscribers’ instance · other · clients', format: 'text' },
            { key: 'noise', label: 'other work · steal', format: 'text' },
          ],
          rows: deliveries.map(({ setup, run }) => ({
            setup,
            ...deliveryCells(run),
            addedP50: base ? run.latency.p50 - base.latency.p50 : null,
            addedP99: base ? run.latency.p99 - base.latency.p99 : null,
            cpu: `${percent(run.cpu.system)} · ${percent(run.cpu.publisher)} · ${percent(run.cpu.clients)}`,
            noise: formatNoise(run.noise),
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
            { key: 'noise', label: 'other work · steal', format: 'text' },
          ],
          rows: ingests.map(({ setup, run }) => ({
            setup,
            rps: run.load.perSecond,
            vsMemory: baseIngest ? run.load.perSecond / baseIngest.load.perSecond : null,
            p50: run.load.p50,
            p99: run.load.p99,
            accepted: `${count(run.verdicts.accepted ?? 0)} / ${count(run.load.requests)}`,
            cpu: `${percent(run.cpu.system)} · ${percent(run.cpu.loadGenerator)}`,
            noise: formatNoise(run.noise),
          })),
        },
      ],
      notes: [
        '"added" is the difference to the one-instance memory bus row of this table (same load, same run).',
        'With Redis, a webhook is acknowledged once a Lua script has deduplicated, ordered and appended it to a stream; every instance (the receiving one too) delivers what it reads back from that stream.',
        'On this machine two instances also mean two processes sharing the work (one takes the webhooks, the other serves the subscribers): it can be faster than one.',
        'redis-server’s own CPU is not shown.',
        ...deliveries.filter(({ run }) => !keptUp(run)).map(({ setup }) => `${setup}: did not keep up with the webhook rate.`),
        ...deliveries.flatMap(({ setup, run }) => deliveryProblems(setup, run)),
        ...ingests
          .filter(({ run }) => (run.verdicts.accepted ?? 0) < run.load.requests || run.load.failed > 0)
          .map(({ setup, run }) => `ingest, ${setup}: verdicts ${JSON.stringify(run.verdicts)}, ${run.load.failed} failed requests.`),
      ],
      repeats: {
        ...(base ? { [deliveryRepeat(subscribers, rate, seconds)]: base.latency.p50 } : {}),
        ...(baseIngest ? { [INGEST_REPEAT]: baseIngest.load.perSecond } : {}),
      },
      details: { deliveries, ingests },
    };
  } finally {
    await scope.stopAll();
    await redis.stop();
  }
}
