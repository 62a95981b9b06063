import { createPrivateKey } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../src/app/start.js';
import { DEV_WEBHOOK_PRIVATE_KEY_PEM } from '../../src/emulator/dev-webhook-key.js';
import { loadConfig } from '../../src/infra/config.js';
import { captureLogs } from '../helpers/log-capture.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { postWebhook, scheduleEnvelope, signedWebhook, testKeys, type TestKeys } from '../helpers/webhooks.js';

const SECRET = 'a-caller-secret-of-at-least-32-characters';
const BASE = { PORT: '0', EMULATOR_PORT: '0', LOG_LEVEL: 'silent', AUTH_JWT_SECRET: SECRET };

let upstream: FakeUpstream;
let keys: TestKeys;
beforeAll(async () => {
  upstream = await startFakeUpstream();
  keys = await testKeys();
});
afterAll(() => upstream.close());

describe('production start rules', () => {
  it.each([
    ['without Wix credentials (the emulator is for development)', { NODE_ENV: 'production', METRICS_TOKEN: 't' }, ['WIX_API_KEY']],
    [
      'with /metrics neither protected nor moved',
      { NODE_ENV: 'production', WIX_API_KEY: 'k', WIX_SITE_ID: 's', WIX_INSTANCE_ID: 'i' },
      ['METRICS_TOKEN', 'METRICS_PORT'],
    ],
    [
      'in API-key mode with caller auth but no WIX_INSTANCE_ID',
      { WIX_API_KEY: 'k', WIX_SITE_ID: 's' },
      ['WIX_INSTANCE_ID', 'WIX_SHARED_SITE'],
    ],
  ])('refuses to start %s, naming the variables', (_what, env, variables) => {
    const start = () => loadConfig({ ...BASE, ...env });
    expect(start).toThrow();
    try {
      start();
    } catch (error) {
      for (const variable of variables) expect((error as Error).message).toContain(variable);
    }
  });

  it.each([
    ['METRICS_TOKEN', { METRICS_TOKEN: 't' }],
    ['METRICS_PORT', { METRICS_PORT: '0' }],
  ])('starts in production with Wix credentials and %s', (_what, metrics) => {
    expect(loadConfig({ ...BASE, NODE_ENV: 'production', WIX_APP_ID: 'a', WIX_APP_SECRET: 's', ...metrics }).production).toBe(true);
  });

  it('lets every tenant share the one site only on purpose (WIX_SHARED_SITE=true), and says so at start', async () => {
    const { logger, records } = captureLogs('info');
    const app = await startApp(
      loadConfig({ ...BASE, WIX_API_KEY: 'k', WIX_SITE_ID: 's', WIX_API_URL: upstream.url, WIX_SHARED_SITE: 'true' }),
      logger,
    );
    await app.close();
    const warning = records().find((line) => String(line.msg).includes('WIX_SHARED_SITE=true'));
    expect(warning).toMatchObject({ level: 40, siteId: 's' });
  });
});

describe('the development webhook key', () => {
  const devKey = createPrivateKey(DEV_WEBHOOK_PRIVATE_KEY_PEM);

  it.each([
    ['without Wix credentials', {}],
    ['in API-key mode with a webhook key', { WIX_API_KEY: 'k', WIX_SITE_ID: 's', WIX_INSTANCE_ID: 'i' }],
    ['in app mode with a webhook key', { WIX_APP_ID: 'a', WIX_APP_SECRET: 's' }],
  ])('is never trusted in production (%s): the gateway refuses to start or refuses the forged webhook', async (_what, env) => {
    const production = {
      ...BASE,
      ...env,
      NODE_ENV: 'production',
      METRICS_TOKEN: 'metrics-token',
      WIX_API_URL: upstream.url,
      WIX_WEBHOOK_PUBLIC_KEY: keys.publicPem,
    };
    let app;
    try {
      app = await startApp(loadConfig(production), pino({ level: 'silent' }));
    } catch (error) {
      expect(String(error)).toContain('WIX_API_KEY');
      expect(Object.keys(env)).toHaveLength(0);
      return;
    }
    try {
      const forged = await signedWebhook(devKey, scheduleEnvelope({ instanceId: 'i' }));
      expect((await postWebhook(app.gateway.url, forged)).status).toBe(401);
      const genuine = await signedWebhook(keys.privateKey, scheduleEnvelope({ instanceId: 'i' }));
      expect((await postWebhook(app.gateway.url, genuine)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
