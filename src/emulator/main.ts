/**
 * `npm run emulator`: the Wix emulator on its own, for a gateway started separately (or anything
 * else that speaks the Wix REST contract). Configuration comes from the environment.
 */
import pino from 'pino';
import { z } from 'zod';
import { DEV_WEBHOOK_PRIVATE_KEY_PEM } from './dev-webhook-key.js';
import { startEmulator, WIX_RATE_LIMIT_PER_MINUTE, type Seed } from './index.js';

const DEFAULT_PORT = 4010;

const seedSchema = z
  .string()
  .regex(/^(demo|empty|\d+x\d+)$/, 'EMULATOR_SEED must be demo, empty or <schedules>x<connectionsPerSchedule>, e.g. 30x2')
  .transform((value): Seed => {
    if (value === 'demo' || value === 'empty') return value;
    const [schedules, connectionsPerSchedule] = value.split('x').map(Number);
    return { schedules: schedules ?? 0, connectionsPerSchedule: connectionsPerSchedule ?? 0 };
  });

const envSchema = z.object({
  EMULATOR_PORT: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_PORT),
  EMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  EMULATOR_WEBHOOK_URL: z.url().optional(),
  /**
   * PKCS#8 PEM of the webhook signing key. Default: the public development key, which a gateway in
   * emulator mode and `npm run webhook:send` also use, so they agree with no setup.
   */
  EMULATOR_WEBHOOK_PRIVATE_KEY: z.string().min(1).default(DEV_WEBHOOK_PRIVATE_KEY_PEM),
  EMULATOR_SEED: seedSchema.default('demo'),
  /** Calls a minute per site before 429, as Wix allows; 0 lifts the limit. */
  EMULATOR_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(WIX_RATE_LIMIT_PER_MINUTE),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const parsed = envSchema.safeParse(process.env);
if (!parsed.success) {
  for (const issue of parsed.error.issues) process.stderr.write(`${issue.path.join('.')}: ${issue.message}\n`);
  process.exit(1);
}
const env = parsed.data;
const logger = pino({ level: env.LOG_LEVEL, base: { service: 'wix-emulator' } });

const emulator = await startEmulator({
  port: env.EMULATOR_PORT,
  host: env.EMULATOR_HOST,
  seed: env.EMULATOR_SEED,
  webhookUrl: env.EMULATOR_WEBHOOK_URL,
  webhookPrivateKeyPem: env.EMULATOR_WEBHOOK_PRIVATE_KEY,
  rateLimitPerMinute: env.EMULATOR_RATE_LIMIT_PER_MINUTE,
  logger,
});

logger.info(
  {
    url: emulator.url,
    apiKey: emulator.apiKey,
    siteId: emulator.siteId,
    instanceId: emulator.instanceId,
    appId: emulator.appId,
    appSecret: emulator.appSecret,
    webhookUrl: env.EMULATOR_WEBHOOK_URL ?? null,
  },
  'Wix emulator listening',
);
logger.info(
  {
    env: {
      WIX_API_URL: emulator.url,
      WIX_API_KEY: emulator.apiKey,
      WIX_SITE_ID: emulator.siteId,
      WIX_INSTANCE_ID: emulator.instanceId,
      WIX_WEBHOOK_PUBLIC_KEY: Buffer.from(emulator.webhookPublicKeyPem).toString('base64'),
    },
    appModeEnv: { WIX_APP_ID: emulator.appId, WIX_APP_SECRET: emulator.appSecret },
  },
  'Point the gateway at the emulator with these variables (app mode: the WIX_APP_* pair instead of the API key)',
);
logger.info({ webhookPublicKeyPem: emulator.webhookPublicKeyPem }, 'Webhooks are signed with this key');

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'Wix emulator stopping');
  await emulator.close();
  process.exit(0);
}
process.on('SIGINT', (signal) => void stop(signal));
process.on('SIGTERM', (signal) => void stop(signal));
