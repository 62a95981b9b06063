import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import type { UpstreamSettings } from './context.js';
import { ApiKeyCredentials } from './datasources/wix-http.js';
import { DEV_WEBHOOK_PRIVATE_KEY_PEM } from './emulator/dev-webhook-key.js';
import { startEmulator, type Emulator } from './emulator/index.js';
import { createLogger } from './logger.js';
import { createEventBus } from './realtime/create-bus.js';
import { startGateway, type Gateway } from './server.js';
import { parseWebhookPublicKeys } from './webhooks/keys.js';
import { WebhookVerifier } from './webhooks/verify.js';

/** Process entry: load config, start the emulator when no Wix credentials are set, serve, stop on signals. */
async function main(): Promise<void> {
  let config: Config;
  let configuredKeys: KeyObject[] = [];
  try {
    config = loadConfig();
    if (config.webhookPublicKey) configuredKeys = parseWebhookPublicKeys(config.webhookPublicKey);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    createLogger('info').fatal({ reason: message }, error instanceof ConfigError ? 'invalid configuration' : 'cannot start');
    process.exitCode = 1;
    return;
  }
  const logger = createLogger(config.logLevel);

  let emulator: Emulator | undefined;
  let upstream: UpstreamSettings;
  let webhookKeys = configuredKeys;
  if (config.wix.kind === 'emulator') {
    emulator = await startEmulator({
      port: config.wix.port,
      host: config.host,
      webhookPrivateKeyPem: DEV_WEBHOOK_PRIVATE_KEY_PEM,
      logger: logger.child({ component: 'emulator' }),
    });
    upstream = { baseUrl: emulator.url, credentials: new ApiKeyCredentials(emulator.apiKey, emulator.siteId), timeoutMs: config.wixTimeoutMs };
    webhookKeys = [...configuredKeys, createPublicKey(emulator.webhookPublicKeyPem)];
    logger.info(
      { emulatorUrl: emulator.url, siteId: emulator.siteId },
      'no Wix credentials configured (WIX_API_KEY, WIX_SITE_ID): running on the embedded Wix emulator with demo data',
    );
  } else {
    upstream = {
      baseUrl: config.wix.baseUrl,
      credentials: new ApiKeyCredentials(config.wix.apiKey, config.wix.siteId),
      timeoutMs: config.wixTimeoutMs,
    };
    logger.info({ wixApiUrl: config.wix.baseUrl, siteId: config.wix.siteId }, 'using the Wix REST API with an API key');
  }
  if (webhookKeys.length === 0) {
    logger.warn('WIX_WEBHOOK_PUBLIC_KEY is not set: every webhook will be answered 401 and no live updates will flow');
  }

  const bus = await createEventBus(config, logger);
  let gateway: Gateway;
  try {
    gateway = await startGateway({ config, logger, upstream, bus, webhookVerifier: new WebhookVerifier(webhookKeys) });
  } catch (error) {
    logger.fatal({ err: error }, 'cannot start the HTTP server');
    await bus.close();
    await emulator?.close();
    process.exitCode = 1;
    return;
  }
  emulator?.setWebhookUrl(`${gateway.url}/webhooks/wix`);
  logger.info(
    { url: `${gateway.url}/graphql`, webhooks: `${gateway.url}/webhooks/wix`, sandbox: config.sandbox, eventBus: config.redisUrl ? 'redis' : 'memory' },
    config.sandbox ? `gateway ready: open ${gateway.url}/graphql in a browser for Apollo Sandbox` : 'gateway ready',
  );
  installSignalHandlers(logger, async () => {
    await gateway.close();
    await bus.close();
    await emulator?.close();
  });
}

function installSignalHandlers(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 10 s: exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    stop().then(
      () => {
        logger.info('stopped');
        process.exitCode = 0;
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

await main();
