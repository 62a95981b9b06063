import { z } from 'zod';

/**
 * The environment, validated once at start-up. A bad value stops the process with a message that
 * names the variable (the README's configuration table lists every one).
 */

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'must be true or false' })
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

const port = z.coerce.number({ error: 'must be a port number' }).int('must be a whole number').min(0).max(65_535);

const count = (min: number, max: number, fallback: number) =>
  z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(min).max(max).default(fallback);

const optionalText = z
  .string()
  .transform((value) => value.trim())
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const list = optionalText.transform((value) =>
  value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const EnvSchema = z.object({
  NODE_ENV: optionalText,
  PORT: port.default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WIX_API_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://www.wixapis.com'),
  WIX_API_KEY: optionalText,
  WIX_SITE_ID: optionalText,
  WIX_APP_ID: optionalText,
  WIX_APP_SECRET: optionalText,
  WIX_TIMEOUT_MS: count(1, 120_000, 5_000),
  WIX_MAX_ATTEMPTS: count(1, 5, 3),
  WIX_BREAKER_FAILURE_PERCENT: count(1, 100, 50),
  WIX_BREAKER_WINDOW_MS: count(1_000, 600_000, 10_000),
  WIX_BREAKER_MIN_CALLS: count(1, 100_000, 10),
  WIX_BREAKER_HALF_OPEN_MS: count(100, 600_000, 10_000),
  REQUEST_DEADLINE_MS: count(100, 300_000, 15_000),
  WIX_RATE_LIMIT_PER_MINUTE: count(0, 1_000_000, 200),
  UPSTREAM_CACHE: bool.default(true),
  WIX_CACHE_TTL_MS: count(0, 3_600_000, 10_000),
  WIX_PROVIDERS_CACHE_TTL_MS: count(0, 86_400_000, 600_000),
  WIX_CACHE_STALE_MS: count(0, 86_400_000, 600_000),
  WIX_CACHE_MAX_BYTES: count(1_048_576, 4 * 1_024 * 1_024 * 1_024, 64 * 1_024 * 1_024),
  REPLICA_RESYNC_MS: count(1_000, 86_400_000, 300_000),
  EMULATOR_RATE_LIMIT_PER_MINUTE: count(0, 1_000_000, 200),
  WIX_MAX_RESPONSE_BYTES: count(1_024, 1_024 * 1_024 * 1_024, 8 * 1_024 * 1_024),
  WIX_WEBHOOK_PUBLIC_KEY: optionalText,
  WIX_INSTANCE_ID: optionalText,
  WIX_SHARED_SITE: bool.default(false),
  EMULATOR_PORT: port.default(0),
  SANDBOX: bool.optional(),
  INTROSPECTION: bool.optional(),
  CORS_ORIGINS: list,
  REDIS_URL: optionalText,
  REDIS_WAIT_REPLICAS: count(0, 16, 0),
  METRICS_PORT: port.optional(),
  METRICS_TOKEN: optionalText,
  EVENT_LOG_SIZE: count(10, 10_000_000, 10_000),
  BODY_LIMIT_BYTES: count(1_024, 50 * 1_024 * 1_024, 1_024 * 1_024),
  AUTH_JWT_SECRET: optionalText.refine((value) => value === undefined || value.length >= 32, 'must be at least 32 characters'),
  AUTH_JWT_PUBLIC_KEY: optionalText,
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  AUTH_JWKS_TIMEOUT_MS: count(100, 60_000, 3_000),
  AUTH_ISSUER: optionalText,
  AUTH_AUDIENCE: optionalText,
  AUTH_TENANT_CLAIM: z.string().min(1).default('instanceId'),
  AUTH_DISABLED: bool.optional(),
  LIMIT_DEPTH: count(2, 100, 15),
  LIMIT_COST: count(10, 1_000_000, 5_000),
  LIMIT_ALIASES: count(1, 1_000, 30),
  LIMIT_TOKENS: count(10, 1_000_000, 2_000),
  LIMIT_DIRECTIVES: count(1, 1_000, 50),
  RATE_LIMIT_PER_MINUTE: count(0, 1_000_000, 600),
  WS_MAX_SUBSCRIPTIONS: count(1, 10_000, 100),
  WS_MAX_QUEUED_EVENTS: count(1, 1_000_000, 1_000),
  WS_MAX_SOCKETS_PER_CALLER: count(0, 1_000_000, 10),
  HTTP_MAX_STREAMS_PER_CALLER: count(0, 1_000_000, 10),
  WS_MAX_BUFFERED_BYTES: count(64 * 1_024, 1_024 * 1_024 * 1_024, 2 * 1_024 * 1_024),
  WS_DOCUMENT_CACHE_BYTES: count(0, 1_024 * 1_024 * 1_024, 8 * 1_024 * 1_024),
  WS_SHARED_EXECUTION: bool.default(true),
  EXECUTOR: z.enum(['graphql-js', 'jit'], { error: 'must be graphql-js or jit' }).default('jit'),
});

export type WixMode =
  | { kind: 'api-key'; baseUrl: string; apiKey: string; siteId: string }
  /** Many sites: each caller's tenant (app instance) gets its own access token. */
  | { kind: 'app'; baseUrl: string; appId: string; appSecret: string }
  | { kind: 'emulator'; port: number };

/** How callers prove who they are; `open` only outside production or when disabled on purpose. */
export type AuthMode =
  | { kind: 'open'; reason: 'not-configured' | 'disabled' }
  | {
      kind: 'jwt';
      secret?: string | undefined;
      publicKey?: string | undefined;
      jwksUrl?: string | undefined;
      /** How long fetching the JWKS may take before callers get AUTH_UNAVAILABLE (503). */
      jwksTimeoutMs?: number | undefined;
      issuer?: string | undefined;
      audience?: string | undefined;
      tenantClaim: string;
    };

export interface Limits {
  depth: number;
  cost: number;
  aliases: number;
  tokens: number;
  directives: number;
  ratePerMinute: number;
  wsMaxSubscriptions: number;
  /** Events one subscription may have waiting for a consumer that does not read. */
  wsMaxQueuedEvents: number;
  /** Sockets one caller may hold open at once on one instance; 0: no limit. */
  wsMaxSocketsPerCaller: number;
  /** Subscriptions one caller may stream over HTTP (SSE, multipart) at once on one instance; 0: no limit. */
  httpMaxStreamsPerCaller: number;
  /** Bytes one socket may have waiting (unsent, plus events queued for its subscriptions) before it counts as too slow. */
  wsMaxBufferedBytes: number;
  /** Parsed and validated WebSocket documents kept, in bytes of their text; 0: none kept. */
  wsDocumentCacheBytes: number;
  /** Subscribers of one document, variables and tenant share one execution per event. */
  wsSharedExecution: boolean;
}

export interface Resilience {
  timeoutMs: number;
  maxAttempts: number;
  /** The circuit opens when at least this share of calls failed in the window… */
  breakerFailureRatio: number;
  breakerWindowMs: number;
  /** …and the window held at least this many calls. */
  breakerMinCalls: number;
  breakerHalfOpenMs: number;
  deadlineMs: number;
}

/** How the gateway spends Wix's budget of calls per site (docs/upstream-budget.md). */
export interface UpstreamPolicy {
  /** Calls a minute per site, shared by every instance on Redis; 0: no budget. */
  ratePerMinute: number;
  /** false: no replica, no cache, no coalescing (every read calls Wix). */
  cache: boolean;
  cacheTtlMs: number;
  providersTtlMs: number;
  /** How old a cached answer may be when it stands in for a read the budget refused. */
  staleMs: number;
  cacheMaxBytes: number;
  replicaResyncMs: number;
}

export interface Config {
  production: boolean;
  port: number;
  host: string;
  logLevel: string;
  wix: WixMode;
  /** Largest Wix answer read, before and after decompression; past it the call fails. */
  wixMaxResponseBytes: number;
  resilience: Resilience;
  upstream: UpstreamPolicy;
  /** Emulator mode: the calls a minute per site the embedded emulator allows, as Wix does (0: no limit). */
  emulatorRatePerMinute: number;
  webhookPublicKey: string | undefined;
  instanceId: string | undefined;
  /** API-key mode with caller auth and no WIX_INSTANCE_ID: every tenant acts on the one site, on purpose. */
  sharedSite: boolean;
  sandbox: boolean;
  introspection: boolean;
  corsOrigins: string[] | undefined;
  redisUrl: string | undefined;
  /** Redis replicas that must have an event before its webhook is acknowledged (WAIT); 0: the primary alone. */
  redisWaitReplicas: number;
  eventLogSize: number;
  bodyLimitBytes: number;
  /** /metrics on its own port instead of the main one, when set. */
  metricsPort: number | undefined;
  /** When set, /metrics needs `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /**
   * How HTTP operations are executed: compiled once per document with graphql-jit (the default),
   * or interpreted by graphql-js on every request. Same answers either way; WebSocket operations
   * always run on graphql-js.
   */
  executor: 'graphql-js' | 'jit';
  auth: AuthMode;
  limits: Limits;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';

  if (Boolean(e.WIX_API_KEY) !== Boolean(e.WIX_SITE_ID)) {
    throw new ConfigError(`${e.WIX_API_KEY ? 'WIX_SITE_ID' : 'WIX_API_KEY'}: API-key mode needs both WIX_API_KEY and WIX_SITE_ID.`);
  }
  if (Boolean(e.WIX_APP_ID) !== Boolean(e.WIX_APP_SECRET)) {
    throw new ConfigError(`${e.WIX_APP_ID ? 'WIX_APP_SECRET' : 'WIX_APP_ID'}: app mode needs both WIX_APP_ID and WIX_APP_SECRET.`);
  }
  if (e.WIX_API_KEY && e.WIX_APP_ID) {
    throw new ConfigError('WIX_API_KEY / WIX_APP_ID: choose API-key mode (one site) or app mode (many sites), not both.');
  }
  let wix: WixMode;
  if (e.WIX_API_KEY && e.WIX_SITE_ID) wix = { kind: 'api-key', baseUrl: e.WIX_API_URL, apiKey: e.WIX_API_KEY, siteId: e.WIX_SITE_ID };
  else if (e.WIX_APP_ID && e.WIX_APP_SECRET)
    wix = { kind: 'app', baseUrl: e.WIX_API_URL, appId: e.WIX_APP_ID, appSecret: e.WIX_APP_SECRET };
  else wix = { kind: 'emulator', port: e.EMULATOR_PORT };

  const verifiers = [e.AUTH_JWT_SECRET, e.AUTH_JWT_PUBLIC_KEY, e.AUTH_JWKS_URL].filter(Boolean).length;
  if (verifiers > 1) {
    throw new ConfigError('AUTH_JWT_SECRET / AUTH_JWT_PUBLIC_KEY / AUTH_JWKS_URL: set one of them, not several.');
  }
  let auth: AuthMode;
  if (e.AUTH_DISABLED) auth = { kind: 'open', reason: 'disabled' };
  else if (verifiers === 1) {
    auth = {
      kind: 'jwt',
      secret: e.AUTH_JWT_SECRET,
      publicKey: e.AUTH_JWT_PUBLIC_KEY,
      jwksUrl: e.AUTH_JWKS_URL,
      jwksTimeoutMs: e.AUTH_JWKS_TIMEOUT_MS,
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      tenantClaim: e.AUTH_TENANT_CLAIM,
    };
  } else if (production) {
    throw new ConfigError(
      'AUTH_JWT_SECRET: production needs caller authentication (AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY or AUTH_JWKS_URL), or AUTH_DISABLED=true to run open on purpose.',
    );
  } else auth = { kind: 'open', reason: 'not-configured' };

  if (production && wix.kind === 'emulator') {
    throw new ConfigError(
      'WIX_API_KEY: production needs Wix credentials (WIX_API_KEY and WIX_SITE_ID, or WIX_APP_ID and WIX_APP_SECRET); the embedded emulator and its development webhook key are for development only.',
    );
  }
  if (production && !e.METRICS_TOKEN && e.METRICS_PORT === undefined) {
    throw new ConfigError(
      'METRICS_TOKEN: production needs METRICS_TOKEN (a bearer token for /metrics) or METRICS_PORT (/metrics on a port of its own), so that /metrics is not open on the public port.',
    );
  }
  if (wix.kind === 'api-key' && auth.kind === 'jwt' && !e.WIX_INSTANCE_ID && !e.WIX_SHARED_SITE) {
    throw new ConfigError(
      'WIX_INSTANCE_ID: API-key mode acts on one site; with caller authentication, set WIX_INSTANCE_ID to the app instance of that site (callers of other tenants are refused), or WIX_SHARED_SITE=true if every tenant may read and write it.',
    );
  }
  if (wix.kind === 'app' && auth.kind === 'open' && !e.WIX_INSTANCE_ID) {
    throw new ConfigError(
      'WIX_INSTANCE_ID: app mode without caller authentication needs the app instance to act for (or configure AUTH_JWT_SECRET / AUTH_JWT_PUBLIC_KEY / AUTH_JWKS_URL).',
    );
  }

  return {
    production,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    wix,
    wixMaxResponseBytes: e.WIX_MAX_RESPONSE_BYTES,
    resilience: {
      timeoutMs: e.WIX_TIMEOUT_MS,
      maxAttempts: e.WIX_MAX_ATTEMPTS,
      breakerFailureRatio: e.WIX_BREAKER_FAILURE_PERCENT / 100,
      breakerWindowMs: e.WIX_BREAKER_WINDOW_MS,
      breakerMinCalls: e.WIX_BREAKER_MIN_CALLS,
      breakerHalfOpenMs: e.WIX_BREAKER_HALF_OPEN_MS,
      deadlineMs: e.REQUEST_DEADLINE_MS,
    },
    upstream: {
      ratePerMinute: e.WIX_RATE_LIMIT_PER_MINUTE,
      cache: e.UPSTREAM_CACHE,
      cacheTtlMs: e.WIX_CACHE_TTL_MS,
      providersTtlMs: e.WIX_PROVIDERS_CACHE_TTL_MS,
      staleMs: e.WIX_CACHE_STALE_MS,
      cacheMaxBytes: e.WIX_CACHE_MAX_BYTES,
      replicaResyncMs: e.REPLICA_RESYNC_MS,
    },
    emulatorRatePerMinute: e.EMULATOR_RATE_LIMIT_PER_MINUTE,
    webhookPublicKey: e.WIX_WEBHOOK_PUBLIC_KEY,
    instanceId: e.WIX_INSTANCE_ID,
    sharedSite: e.WIX_SHARED_SITE,
    sandbox: e.SANDBOX ?? !production,
    introspection: e.INTROSPECTION ?? !production,
    corsOrigins: e.CORS_ORIGINS,
    redisUrl: e.REDIS_URL,
    redisWaitReplicas: e.REDIS_WAIT_REPLICAS,
    eventLogSize: e.EVENT_LOG_SIZE,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    metricsPort: e.METRICS_PORT,
    metricsToken: e.METRICS_TOKEN,
    executor: e.EXECUTOR,
    auth,
    limits: {
      depth: e.LIMIT_DEPTH,
      cost: e.LIMIT_COST,
      aliases: e.LIMIT_ALIASES,
      tokens: e.LIMIT_TOKENS,
      directives: e.LIMIT_DIRECTIVES,
      ratePerMinute: e.RATE_LIMIT_PER_MINUTE,
      wsMaxSubscriptions: e.WS_MAX_SUBSCRIPTIONS,
      wsMaxQueuedEvents: e.WS_MAX_QUEUED_EVENTS,
      wsMaxSocketsPerCaller: e.WS_MAX_SOCKETS_PER_CALLER,
      httpMaxStreamsPerCaller: e.HTTP_MAX_STREAMS_PER_CALLER,
      wsMaxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
      wsDocumentCacheBytes: e.WS_DOCUMENT_CACHE_BYTES,
      wsSharedExecution: e.WS_SHARED_EXECUTION,
    },
  };
}
