import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { UpstreamSettings } from './context.js';
import { ApiKeyCredentials } from './datasources/wix-http.js';
import { DEV_WEBHOOK_PRIVATE_KEY_PEM } from './emulator/dev-webhook-key.js';
import { startEmulator, type Emulator } from './emulator/index.js';
import type { EventBus } from './realtime/bus.js';
import { createEventBus } from './realtime/create-bus.js';
import { startGateway, type Gateway } from './server.js';
import { parseWebhookPublicKeys } from './webhooks/keys.js';
import { WebhookVerifier } from './webhooks/verify.js';

export interface App {
  gateway: Gateway;
  bus: EventBus;
  /** Present in emulator mode (no Wix credentials configured). */
  emulator: Emulator | undefined;
  close(): Promise<void>;
}

/**
 * Wires one gateway process from its configuration: the embedded emulator when no Wix credentials
 * are set (trusted for webhooks automatically), the event bus, the HTTP/WebSocket server.
 */
export async function startApp(config: Config, logger: Logger): Promise<App> {
  const configuredKeys: KeyObject[] = config.webhookPublicKey ? parseWebhookPublicKeys(config.webhookPublicKey) : [];
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
    upstream = { baseUrl: config.wix.baseUrl, credentials: new ApiKeyCredentials(config.wix.apiKey, config.wix.siteId), timeoutMs: config.wixTimeoutMs };
    logger.info({ wixApiUrl: config.wix.baseUrl, siteId: config.wix.siteId }, 'using the Wix REST API with an API key');
  }
  if (webhookKeys.length === 0) {
    logger.warn('WIX_WEBHOOK_PUBLIC_KEY is not set: every webhook will be answered 401 and no live updates will flow');
  }

  let bus: EventBus | undefined;
  try {
    bus = await createEventBus(config, logger);
    const gateway = await startGateway({ config, logger, upstream, bus, webhookVerifier: new WebhookVerifier(webhookKeys) });
    emulator?.setWebhookUrl(`${gateway.url}/webhooks/wix`);
    const started = bus;
    return {
      gateway,
      bus: started,
      emulator,
      async close() {
        await gateway.close();
        await started.close();
        await emulator?.close();
      },
    };
  } catch (error) {
    await bus?.close();
    await emulator?.close();
    throw error;
  }
}
