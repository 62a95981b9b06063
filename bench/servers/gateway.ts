/**
 * The gateway under test: this project's own wiring (`startApp`) from environment variables, as
 * `npm start` runs it. One switch exists only here: BENCH_UPSTREAM_BATCH=false builds the same
 * gateway with DataLoader batching off (one Get Schedule per schedule: the naive N+1 floor).
 */
import type { Logger } from 'pino';
import { startApp, type App } from '../../src/app.js';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { loadConfig, type Config } from '../../src/config.js';
import { ApiKeyCredentials } from '../../src/datasources/wix-http.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { createEventBus } from '../../src/realtime/create-bus.js';
import { startGateway } from '../../src/server.js';
import { parseWebhookPublicKeys } from '../../src/webhooks/keys.js';
import { WebhookVerifier } from '../../src/webhooks/verify.js';
import { serveSystem } from '../lib/child.js';

serveSystem(async () => {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const batch = process.env.BENCH_UPSTREAM_BATCH !== 'false';
  const app = batch ? await startApp(config, logger) : await startUnbatched(config, logger);
  return {
    url: app.gateway.url,
    counters: () => counters(app),
    close: () => app.close(),
  };
});

/**
 * `startApp`'s API-key wiring with `batch: false` in the upstream settings, which `startApp` does
 * not expose (UpstreamSettings.batch exists for this baseline only).
 */
async function startUnbatched(config: Config, logger: Logger): Promise<App> {
  if (config.wix.kind !== 'api-key') throw new Error('BENCH_UPSTREAM_BATCH=false needs API-key mode (WIX_API_URL, WIX_API_KEY, WIX_SITE_ID)');
  const credentials = new ApiKeyCredentials(config.wix.apiKey, config.wix.siteId);
  const metrics = createMetrics();
  const bus = await createEventBus(config, logger, metrics);
  const gateway = await startGateway({
    config,
    logger,
    metrics,
    bus,
    upstream: { baseUrl: config.wix.baseUrl, credentialsFor: () => credentials, batch: false },
    authenticator: createAuthenticator(config.auth, { servedTenant: config.instanceId }),
    webhookVerifier: new WebhookVerifier(config.webhookPublicKey ? parseWebhookPublicKeys(config.webhookPublicKey) : []),
  });
  return {
    gateway,
    bus,
    emulator: undefined,
    async close() {
      await gateway.close();
      await bus.close();
    },
  };
}

/** Read from the gateway's own metrics registry, in process (no /metrics scrape on the measured port). */
async function counters(app: App): Promise<Record<string, number>> {
  const { metrics } = app.gateway;
  const result: Record<string, number> = { listeners: app.bus.listenerCount(), upstreamCalls: 0 };
  // Subscribers sharing one execution each count here (the bus sees one listener per share).
  for (const value of (await metrics.subscriptions.get()).values) result.subscriptions = value.value;
  for (const value of (await metrics.upstreamCalls.get()).values) {
    if (value.metricName === 'gateway_upstream_call_duration_seconds_count') result.upstreamCalls = (result.upstreamCalls ?? 0) + value.value;
  }
  for (const value of (await metrics.webhooks.get()).values) {
    const key = `webhooks.${String(value.labels.verdict)}`;
    result[key] = (result[key] ?? 0) + value.value;
  }
  for (const value of (await metrics.sockets.get()).values) result.sockets = value.value;
  return result;
}
