import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../infra/config.js';
import type { UpstreamSettings } from '../graphql/context.js';
import { ApiKeyCredentials } from '../datasources/wix-http.js';
import { AppInstanceCredentials, AppTokenProvider } from '../datasources/app-tokens.js';
import { DEV_WEBHOOK_PRIVATE_KEY_PEM } from '../emulator/dev-webhook-key.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import type { EventBus } from '../bus/bus.js';
import { createEventBus } from '../bus/create-bus.js';
import { createMetrics } from '../infra/metrics.js';
import { startGateway, type Gateway } from '../http/server.js';
import { parseWebhookPublicKeys } from '../webhooks/keys.js';
import { WebhookVerifier } from '../webhooks/verify.js';
import { createAuthenticator } from '../auth/authenticator.js';
import { SignJWT } from 'jose';
import { WRITE_ROLE } from '../auth/caller.js';

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
  // Everything that can refuse the configuration runs before anything starts.
  const configuredKeys: KeyObject[] = config.webhookPublicKey ? parseWebhookPublicKeys(config.webhookPublicKey) : [];
  const authenticator = createAuthenticator(config.auth, { servedTenant: config.wix.kind === 'api-key' ? config.instanceId : undefined });
  let emulator: Emulator | undefined;
  let upstream: UpstreamSettings;
  let webhookKeys = configuredKeys;
  if (config.wix.kind === 'emulator') {
    // The emulator's webhook key has its private half in the repository: never trusted in production.
    if (config.production) throw new Error('WIX_API_KEY: production needs Wix credentials; the emulator is for development only.');
    emulator = await startEmulator({
      port: config.wix.port,
      rateLimitPerMinute: config.emulatorRatePerMinute,
      host: config.host,
      webhookPrivateKeyPem: DEV_WEBHOOK_PRIVATE_KEY_PEM,
      logger: logger.child({ component: 'emulator' }),
    });
    const credentials = new ApiKeyCredentials(emulator.apiKey, emulator.siteId);
    const { siteId, instanceId } = emulator;
    upstream = {
      baseUrl: emulator.url,
      credentialsFor: () => credentials,
      siteFor: () => siteId,
      siteOfInstance: (id) => (id === instanceId ? siteId : undefined),
      replicated: (site) => site === siteId,
      maxResponseBytes: config.wixMaxResponseBytes,
    };
    webhookKeys = [...configuredKeys, createPublicKey(emulator.webhookPublicKeyPem)];
    logger.info(
      { emulatorUrl: emulator.url, siteId: emulator.siteId },
      'no Wix credentials configured (WIX_API_KEY, WIX_SITE_ID): running on the embedded Wix emulator with demo data',
    );
  } else if (config.wix.kind === 'api-key') {
    const credentials = new ApiKeyCredentials(config.wix.apiKey, config.wix.siteId);
    const { siteId } = config.wix;
    const instanceId = config.instanceId;
    upstream = {
      baseUrl: config.wix.baseUrl,
      credentialsFor: () => credentials,
      siteFor: () => siteId,
      // Which webhooks are this site's is known only from WIX_INSTANCE_ID: without it, no replica.
      siteOfInstance: configuredKeys.length > 0 && instanceId ? (id) => (id === instanceId ? siteId : undefined) : undefined,
      replicated: (site) => configuredKeys.length > 0 && instanceId !== undefined && site === siteId,
      maxResponseBytes: config.wixMaxResponseBytes,
    };
    logger.info({ wixApiUrl: config.wix.baseUrl, siteId: config.wix.siteId }, 'using the Wix REST API with an API key');
    if (config.auth.kind === 'jwt' && !config.instanceId) {
      logger.warn(
        { siteId: config.wix.siteId },
        'WIX_SHARED_SITE=true: every authenticated caller, whatever its tenant, reads and writes this one site',
      );
    }
  } else {
    const tokens = new AppTokenProvider({
      baseUrl: config.wix.baseUrl,
      appId: config.wix.appId,
      appSecret: config.wix.appSecret,
      timeoutMs: config.resilience.timeoutMs,
    });
    const fallbackTenant = config.instanceId;
    upstream = {
      baseUrl: config.wix.baseUrl,
      // Each caller acts for its own tenant with that tenant's token; an open gateway for WIX_INSTANCE_ID.
      credentialsFor: (caller) => new AppInstanceCredentials(tokens, caller.tenant ?? fallbackTenant ?? ''),
      // Each app instance is a site of its own, and its webhooks name it.
      siteFor: (caller) => caller.tenant ?? fallbackTenant ?? '',
      // With WIX_INSTANCE_ID, webhooks of other instances are dropped: only that one can be replicated.
      siteOfInstance:
        configuredKeys.length === 0 ? undefined : config.instanceId ? (id) => (id === config.instanceId ? id : undefined) : (id) => id,
      // A tenant whose webhooks are dropped (not WIX_INSTANCE_ID) is read through the cache instead.
      replicated: (site) => configuredKeys.length > 0 && (config.instanceId === undefined || site === config.instanceId),
      maxResponseBytes: config.wixMaxResponseBytes,
    };
    logger.info(
      { wixApiUrl: config.wix.baseUrl, appId: config.wix.appId },
      'using the Wix REST API as an app, with an access token per app instance',
    );
  }
  if (webhookKeys.length === 0) {
    logger.warn('WIX_WEBHOOK_PUBLIC_KEY is not set: every webhook will be answered 401 and no live updates will flow');
  }
  if (config.upstream.cache && !upstream.siteOfInstance) {
    logger.warn(
      { cacheTtlMs: config.upstream.cacheTtlMs },
      webhookKeys.length === 0
        ? 'without webhooks the schedule replica cannot be kept coherent: schedules are cached briefly instead (WIX_CACHE_TTL_MS)'
        : 'WIX_INSTANCE_ID is not set: which webhooks are this site’s is unknown, so schedules are cached briefly instead of replicated (WIX_CACHE_TTL_MS)',
    );
  }

  if (config.auth.kind === 'open') {
    logger.warn(
      { reason: config.auth.reason },
      config.auth.reason === 'disabled'
        ? 'AUTH_DISABLED=true: callers are not authenticated and every subscriber sees every event'
        : 'no caller authentication configured (AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY or AUTH_JWKS_URL): the gateway is open, for development only',
    );
  } else if (emulator && config.auth.secret) {
    logger.info(
      { devToken: await devToken(config.auth.secret, config.auth, emulator.instanceId) },
      'emulator mode: a development token for the demo tenant (Authorization: Bearer <devToken>), valid 24 h',
    );
  }

  let bus: EventBus | undefined;
  try {
    const metrics = createMetrics();
    bus = await createEventBus(config, logger, metrics);
    const gateway = await startGateway({
      config,
      logger,
      upstream,
      bus,
      metrics,
      authenticator,
      webhookVerifier: new WebhookVerifier(webhookKeys),
    });
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

/** A ready-to-paste token for the emulator's demo tenant, with the write role. */
async function devToken(
  secret: string,
  auth: { issuer?: string | undefined; audience?: string | undefined; tenantClaim: string },
  tenant: string,
): Promise<string> {
  let jwt = new SignJWT({ [auth.tenantClaim]: tenant, roles: [WRITE_ROLE] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('dev')
    .setIssuedAt()
    .setExpirationTime('24h');
  if (auth.issuer) jwt = jwt.setIssuer(auth.issuer);
  if (auth.audience) jwt = jwt.setAudience(auth.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
