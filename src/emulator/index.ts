/**
 * The embedded Wix emulator: a real HTTP server that speaks the Wix REST contract of
 * External Calendar v2 and Schedules v3, holds demo data in memory and sends signed webhooks.
 */
import { MemorySiteBudget } from '../upstream/budget.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { TokenRegistry } from './auth.js';
import type { EmulatorConfig, EmulatorDeps, RecordedCall } from './context.js';
import { DEFAULT_API_KEY, DEFAULT_APP_ID, DEFAULT_APP_SECRET, DEFAULT_INSTANCE_ID, DEFAULT_SITE_ID, type Seed } from './demo-data.js';
import { OAuthFlows } from './external-calendars/oauth-flows.js';
import { FaultInjector } from './faults.js';
import { createApp } from './server.js';
import { EmulatorStore } from './store.js';
import {
  WIX_RETRY_DELAYS_MS,
  WIX_WEBHOOK_TIMEOUT_MS,
  WebhookDispatcher,
  type AbandonedWebhook,
  type DeliveredWebhook,
  type WebhookAttempt,
} from './webhook-dispatcher.js';
import { webhookKeys } from './webhooks.js';

export type { RecordedCall } from './context.js';
export type { ActiveFault, FaultRule } from './faults.js';
export { FaultInjector } from './faults.js';
export { EmulatorStore, Tenant } from './store.js';
export type { AbandonedWebhook, DeliveredWebhook, WebhookAttempt } from './webhook-dispatcher.js';
export * from './demo-data.js';
export * from './model.js';
export { createWebhookJwt, signWebhook, SCHEDULE_EVENT_TYPES, type ScheduleDomainEvent } from './webhooks.js';

export interface EmulatorOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 'emulator-api-key'. */
  apiKey?: string;
  /** Default DEFAULT_SITE_ID. */
  siteId?: string;
  /** App instance of the default site (the API-key site), also the instanceId of its webhooks. Default DEFAULT_INSTANCE_ID. */
  instanceId?: string;
  /** client_id of /oauth2/token and the APP identity of webhooks. Default DEFAULT_APP_ID. */
  appId?: string;
  /** Default 'emulator-app-secret'. */
  appSecret?: string;
  /** Data of every tenant. Default 'demo'. */
  seed?: Seed;
  /** Where to POST webhooks; none are sent without it. Can be set later with setWebhookUrl. */
  webhookUrl?: string;
  /** Delays between failed attempts; default Wix's (1 min … 12 h, 12 retries). */
  webhookRetryDelaysMs?: number[];
  /** How long to wait for the 200; default 1_250 ms, Wix's. */
  webhookTimeoutMs?: number;
  /** PKCS#8 PEM of the webhook signing key; default a fresh RSA key per start. */
  webhookPrivateKeyPem?: string;
  /** Default silent. */
  logger?: Logger;
  /** Calls a minute each site may make, as Wix allows (default 200); 0 lifts the limit. */
  rateLimitPerMinute?: number;
}

/** Wix's limit of calls a minute per site, 200 (docs/wix-contract.md §4.4). */
export const WIX_RATE_LIMIT_PER_MINUTE = 200;

export interface EmulatorWebhooks {
  /** Successful deliveries, in order of success. */
  readonly delivered: readonly DeliveredWebhook[];
  /** Every attempt, successful or not. */
  readonly attempts: readonly WebhookAttempt[];
  /** Deliveries given up after the last retry. */
  readonly abandoned: readonly AbandonedWebhook[];
  /** Deliveries in flight or waiting for a retry. */
  pending(): number;
  /** Resolves when nothing is pending; waiting retries are started at once. */
  flush(): Promise<void>;
  /** Forgets delivered, attempts and abandoned. */
  clear(): void;
}

export interface Emulator {
  /** Base URL, like https://www.wixapis.com, e.g. http://127.0.0.1:43123. */
  url: string;
  apiKey: string;
  siteId: string;
  instanceId: string;
  appId: string;
  appSecret: string;
  /** SPKI PEM of the RSA key webhooks are signed with. */
  webhookPublicKeyPem: string;
  /** PKCS#8 PEM of that key, to sign hand-made webhooks in tests. */
  webhookPrivateKeyPem: string;
  setWebhookUrl(url: string | undefined): void;
  /** Every API request received, in order (the /_emulator control routes excluded). */
  calls: RecordedCall[];
  clearCalls(): void;
  faults: FaultInjector;
  store: EmulatorStore;
  webhooks: EmulatorWebhooks;
  /** Calls answered 429 because their site was over its limit a minute. */
  rateLimitedCalls(): number;
  /** Stops the server, drops open connections, cancels webhook retries and timers. */
  close(): Promise<void>;
}

function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const config: EmulatorConfig = {
    apiKey: options.apiKey ?? DEFAULT_API_KEY,
    siteId: options.siteId ?? DEFAULT_SITE_ID,
    instanceId: options.instanceId ?? DEFAULT_INSTANCE_ID,
    appId: options.appId ?? DEFAULT_APP_ID,
    appSecret: options.appSecret ?? DEFAULT_APP_SECRET,
  };
  const logger = options.logger ?? pino({ level: 'silent' });
  const keys = await webhookKeys(options.webhookPrivateKeyPem);
  const closing = new AbortController();
  const calls: RecordedCall[] = [];
  const deps: EmulatorDeps = {
    config,
    store: new EmulatorStore({ seed: options.seed ?? 'demo', defaultInstanceId: config.instanceId }),
    tokens: new TokenRegistry(),
    faults: new FaultInjector(),
    webhooks: new WebhookDispatcher({
      keys,
      appId: config.appId,
      retryDelaysMs: options.webhookRetryDelaysMs ?? WIX_RETRY_DELAYS_MS,
      timeoutMs: options.webhookTimeoutMs ?? WIX_WEBHOOK_TIMEOUT_MS,
      webhookUrl: options.webhookUrl,
      logger,
    }),
    oauthFlows: new OAuthFlows(),
    calls,
    logger,
    closing: closing.signal,
    rateLimit: undefined,
    callCounts: { taken: 0, refused: 0 },
  };
  const perMinute = options.rateLimitPerMinute ?? WIX_RATE_LIMIT_PER_MINUTE;
  // Wix counts calls in a minute; the emulator's window is exactly that (the gateway's is a
  // second longer, for calls delayed on the way).
  if (perMinute > 0) deps.rateLimit = new MemorySiteBudget({ perMinute, windowMs: 60_000, readShare: 1 });

  const server = http.createServer(createApp(deps));
  const address = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const dispatcher = deps.webhooks;
  let closed: Promise<void> | undefined;

  return {
    url: urlOf(address),
    ...config,
    webhookPublicKeyPem: keys.publicKeyPem,
    webhookPrivateKeyPem: keys.privateKeyPem,
    setWebhookUrl: (url) => dispatcher.setWebhookUrl(url),
    calls,
    clearCalls: () => {
      calls.length = 0;
    },
    faults: deps.faults,
    store: deps.store,
    rateLimitedCalls: () => deps.callCounts.refused,
    webhooks: {
      delivered: dispatcher.delivered,
      attempts: dispatcher.attempts,
      abandoned: dispatcher.abandoned,
      pending: () => dispatcher.pending(),
      flush: () => dispatcher.flush(),
      clear: () => dispatcher.clear(),
    },
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        dispatcher.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
