/**
 * The gateway under test: this project's own wiring (`startApp`) from environment variables, as
 * `npm start` runs it. One switch exists only here: BENCH_UPSTREAM_BATCH=false makes
 * `SchedulesApi.load` read each schedule with its own Get Schedule instead of batching them into
 * Query Schedules (the naive N+1 floor). The gateway itself has no such switch.
 */
import { startApp, type App } from '../../src/app/start.js';
import { SchedulesApi } from '../../src/datasources/schedules.js';
import { loadConfig } from '../../src/infra/config.js';
import { createLogger } from '../../src/infra/logger.js';
import { serveSystem } from '../lib/child.js';

serveSystem(async () => {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  if (process.env.BENCH_UPSTREAM_BATCH === 'false') {
    // Bench-only: Get Schedule per id (still memoised per operation), as a gateway without DataLoader batching would do.
    SchedulesApi.prototype.load = function load(this: SchedulesApi, id: string) {
      return this.get(id);
    };
  }
  const app = await startApp(config, logger);
  return {
    url: app.gateway.url,
    counters: () => counters(app),
    close: () => app.close(),
  };
});

/** Read from the gateway's own metrics registry, in process (no /metrics scrape on the measured port). */
async function counters(app: App): Promise<Record<string, number>> {
  const { metrics } = app.gateway;
  const result: Record<string, number> = { listeners: app.bus.listenerCount(), upstreamCalls: 0 };
  // Subscribers sharing one execution each count here (the bus sees one listener per share).
  for (const value of (await metrics.subscriptions.get()).values) result.subscriptions = value.value;
  for (const value of (await metrics.upstreamCalls.get()).values) {
    if (value.metricName === 'gateway_upstream_call_duration_seconds_count')
      result.upstreamCalls = (result.upstreamCalls ?? 0) + value.value;
  }
  for (const value of (await metrics.webhooks.get()).values) {
    const key = `webhooks.${String(value.labels.verdict)}`;
    result[key] = (result[key] ?? 0) + value.value;
  }
  for (const value of (await metrics.sockets.get()).values) result.sockets = value.value;
  // Reads answered without a call to Wix: the cache's hits, and the replica's.
  for (const [name, metric] of [
    ['cache', metrics.cacheReads],
    ['replica', metrics.replicaReads],
  ] as const) {
    for (const value of (await metric.get()).values) {
      const key = `${name}.${String(value.labels.result)}`;
      result[key] = (result[key] ?? 0) + value.value;
      result[`${name}.total`] = (result[`${name}.total`] ?? 0) + value.value;
    }
  }
  return result;
}
