import { pino, type Logger } from 'pino';
import { ApiKeyCredentials, type WixCredentials } from '../../src/datasources/wix-http.js';
import type { Caller } from '../../src/auth/caller.js';
import type { KeyObject } from 'node:crypto';
import type { EventBus } from '../../src/bus/bus.js';
import { MemoryEventBus } from '../../src/bus/memory-bus.js';
import { startGateway, type Gateway } from '../../src/http/server.js';
import { WebhookVerifier } from '../../src/webhooks/verify.js';
import { createAuthenticator, type Authenticator } from '../../src/auth/authenticator.js';
import { loadConfig, type Limits, type Resilience, type UpstreamPolicy } from '../../src/infra/config.js';

/** The configuration's own defaults (what an empty environment gives), so a test runs on what production runs on. */
const DEFAULTS = loadConfig({});

/** No budget and no cache: each read is one upstream call, as the wire-contract tests expect. */
export const UNCACHED: UpstreamPolicy = { ...DEFAULTS.upstream, ratePerMinute: 0, cache: false };

export const TEST_API_KEY = 'test-api-key';
export const TEST_SITE_ID = '0c4a5a3e-8d5f-4a49-9a57-0e7c4f3a1b2d';

export interface TestGatewayOptions {
  upstreamUrl: string;
  apiKey?: string;
  siteId?: string;
  timeoutMs?: number;
  logger?: Logger;
  sandbox?: boolean;
  introspection?: boolean;
  /** Default: a fresh in-memory bus, closed with the gateway. */
  bus?: EventBus;
  webhookKeys?: KeyObject[];
  instanceId?: string;
  connectionInitWaitTimeoutMs?: number;
  /** Interval of WebSocket keep-alive pings (default 12 s). */
  keepAliveMs?: number;
  authenticator?: Authenticator;
  limits?: Partial<Limits>;
  resilience?: Partial<Resilience>;
  credentialsFor?: (caller: Caller) => WixCredentials;
  executor?: 'graphql-js' | 'jit';
  corsOrigins?: string[];
  /** Budget, cache and replica; default: no budget, no cache (every read calls the upstream). */
  upstream?: Partial<UpstreamPolicy>;
  /** The site a webhook's instance stands for: set it to keep a schedule replica. */
  siteOfInstance?: (instanceId: string) => string | undefined;
  redisUrl?: string;
  /** Largest Wix answer read (default: the transport's own default). */
  maxResponseBytes?: number;
  /** How long a webhook body may take to arrive (default 10 s). */
  webhookBodyTimeoutMs?: number;
}

export interface GraphQLResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: { code?: string } & Record<string, unknown> }>;
  extensions?: Record<string, unknown>;
}

export interface TestGateway extends Gateway {
  bus: EventBus;
  /** ws://…/graphql */
  wsUrl: string;
  /** POSTs one operation to /graphql and returns the parsed body with the HTTP status. */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResult<T>>;
}

/** A real gateway on a random loopback port, talking to `upstreamUrl` in API-key mode. */
export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const bus = options.bus ?? new MemoryEventBus();
  const apiKey = new ApiKeyCredentials(options.apiKey ?? TEST_API_KEY, options.siteId ?? TEST_SITE_ID);
  const gateway = await startGateway({
    bus,
    webhookVerifier: new WebhookVerifier(options.webhookKeys ?? []),
    authenticator: options.authenticator ?? createAuthenticator({ kind: 'open', reason: 'not-configured' }),
    ...(options.connectionInitWaitTimeoutMs ? { connectionInitWaitTimeoutMs: options.connectionInitWaitTimeoutMs } : {}),
    ...(options.keepAliveMs ? { keepAliveMs: options.keepAliveMs } : {}),
    ...(options.webhookBodyTimeoutMs ? { webhookBodyTimeoutMs: options.webhookBodyTimeoutMs } : {}),
    config: {
      port: 0,
      host: '127.0.0.1',
      sandbox: options.sandbox ?? true,
      introspection: options.introspection ?? true,
      corsOrigins: options.corsOrigins,
      // Tests send many requests from one address: no per-caller rate limit unless a test sets one.
      limits: { ...DEFAULTS.limits, ratePerMinute: 0, ...options.limits },
      resilience: {
        ...DEFAULTS.resilience,
        ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
        ...options.resilience,
      },
      bodyLimitBytes: DEFAULTS.bodyLimitBytes,
      instanceId: options.instanceId,
      executor: options.executor ?? 'jit',
      metricsPort: undefined,
      metricsToken: undefined,
      upstream: { ...UNCACHED, ...options.upstream },
      redisUrl: options.redisUrl,
    },
    logger: options.logger ?? pino({ level: 'silent' }),
    upstream: {
      baseUrl: options.upstreamUrl,
      credentialsFor: options.credentialsFor ?? (() => apiKey),
      siteFor: (caller) => (options.credentialsFor ? (caller.tenant ?? '') : (options.siteId ?? TEST_SITE_ID)),
      siteOfInstance: options.siteOfInstance,
      replicated: () => options.siteOfInstance !== undefined,
      ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
    },
  });
  return {
    ...gateway,
    bus,
    wsUrl: `${gateway.url.replace(/^http/, 'ws')}/graphql`,
    async close() {
      await gateway.close();
      if (!options.bus) await bus.close();
    },
    async graphql<T>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResult<T>, 'status'>;
      return { status: response.status, ...body };
    },
  };
}
