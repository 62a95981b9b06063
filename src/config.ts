import { z } from 'zod';

/**
 * The environment, validated once at start-up. A bad value stops the process with a message that
 * names the variable (ARCHITECTURE.md, runtime contract).
 */

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'must be true or false' })
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

const port = z.coerce.number({ error: 'must be a port number' }).int('must be a whole number').min(0).max(65_535);

const optionalText = z
  .string()
  .transform((value) => value.trim())
  .transform((value) => (value === '' ? undefined : value))
  .optional();

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
  WIX_TIMEOUT_MS: z.coerce.number().int().min(1).max(120_000).default(5_000),
  WIX_WEBHOOK_PUBLIC_KEY: optionalText,
  WIX_INSTANCE_ID: optionalText,
  EMULATOR_PORT: port.default(0),
  SANDBOX: bool.optional(),
  INTROSPECTION: bool.optional(),
  CORS_ORIGINS: optionalText,
  REDIS_URL: optionalText,
  EVENT_LOG_SIZE: z.coerce.number().int().min(10).max(10_000_000).default(10_000),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(50 * 1_024 * 1_024).default(1_024 * 1_024),
});

export type WixMode =
  | { kind: 'api-key'; baseUrl: string; apiKey: string; siteId: string }
  | { kind: 'emulator'; port: number };

export interface Config {
  production: boolean;
  port: number;
  host: string;
  logLevel: string;
  wix: WixMode;
  wixTimeoutMs: number;
  webhookPublicKey: string | undefined;
  instanceId: string | undefined;
  sandbox: boolean;
  introspection: boolean;
  corsOrigins: string[] | undefined;
  redisUrl: string | undefined;
  eventLogSize: number;
  bodyLimitBytes: number;
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

  if (e.WIX_APP_ID || e.WIX_APP_SECRET) {
    throw new ConfigError(
      'WIX_APP_ID / WIX_APP_SECRET: app mode (many sites) is not supported by this version; use WIX_API_KEY and WIX_SITE_ID.',
    );
  }
  if (Boolean(e.WIX_API_KEY) !== Boolean(e.WIX_SITE_ID)) {
    throw new ConfigError(`${e.WIX_API_KEY ? 'WIX_SITE_ID' : 'WIX_API_KEY'}: API-key mode needs both WIX_API_KEY and WIX_SITE_ID.`);
  }
  const wix: WixMode =
    e.WIX_API_KEY && e.WIX_SITE_ID
      ? { kind: 'api-key', baseUrl: e.WIX_API_URL, apiKey: e.WIX_API_KEY, siteId: e.WIX_SITE_ID }
      : { kind: 'emulator', port: e.EMULATOR_PORT };

  return {
    production,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    wix,
    wixTimeoutMs: e.WIX_TIMEOUT_MS,
    webhookPublicKey: e.WIX_WEBHOOK_PUBLIC_KEY,
    instanceId: e.WIX_INSTANCE_ID,
    sandbox: e.SANDBOX ?? !production,
    introspection: e.INTROSPECTION ?? !production,
    corsOrigins: e.CORS_ORIGINS?.split(',').map((origin) => origin.trim()).filter(Boolean),
    redisUrl: e.REDIS_URL,
    eventLogSize: e.EVENT_LOG_SIZE,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
  };
}
