import { afterEach, describe, expect, inject, it } from 'vitest';
import { ACCEPTANCE_CROWD, runCrowd } from '../../bench/lib/crowd.js';
import { DEMO_CONNECTION_IDS, DEMO_SCHEDULE_IDS, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { startTestApp } from '../helpers/app.js';

/**
 * The acceptance crowd of the upstream budget, shortened to 20 s (`npm run bench` runs the whole
 * 75 s): 40 readers reloading a dashboard every 1.5–2.5 s over an emulator that, like Wix, allows
 * 200 calls a minute per site; a schedule renamed in Wix every 2 s; sync settings written through
 * the gateway every 7 s.
 */
const CROWD = { ...ACCEPTANCE_CROWD, durationMs: 20_000 };

let emulator: Emulator;
const apps: Array<Awaited<ReturnType<typeof startTestApp>>> = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  await emulator.close();
});

async function startGateways(count: number, redis: boolean): Promise<string[]> {
  emulator = await startEmulator({ rateLimitPerMinute: 200 });
  for (let index = 0; index < count; index += 1) {
    apps.push(
      await startTestApp({
        WIX_API_URL: emulator.url,
        WIX_API_KEY: emulator.apiKey,
        WIX_SITE_ID: emulator.siteId,
        WIX_INSTANCE_ID: emulator.instanceId,
        WIX_WEBHOOK_PUBLIC_KEY: emulator.webhookPublicKeyPem,
        WIX_RATE_LIMIT_PER_MINUTE: '200',
        RATE_LIMIT_PER_MINUTE: '0',
        ...(redis ? { REDIS_URL: inject('redisUrl') } : {}),
      }),
    );
  }
  // Wix sends each webhook to the app's one callback URL: here, the first instance.
  emulator.setWebhookUrl(`${apps[0]?.gateway.url ?? ''}/webhooks/wix`);
  return apps.map((app) => app.gateway.url);
}

describe('a crowd of readers over Wix’s limit of 200 calls a minute', () => {
  const target = (gatewayUrls: string[]) => ({
    gatewayUrls,
    emulatorUrl: emulator.url,
    scheduleId: DEMO_SCHEDULE_IDS.mayaPersonalTraining,
    connectionId: DEMO_CONNECTION_IDS.mayaGoogle,
  });

  for (const [instances, redis] of [
    [1, false],
    [2, true],
  ] as const) {
    it(
      `fails no reader, is refused nothing and shows every change in time (${instances} instance${instances > 1 ? 's on Redis' : ''})`,
      { timeout: 60_000 },
      async () => {
        const outcome = await runCrowd(target(await startGateways(instances, redis)), CROWD);
        expect(outcome.failures).toEqual({});
        expect(outcome.failed).toBe(0);
        expect(outcome.refusedByWix).toBe(0);
        expect(outcome.maxCallsInAnyMinute).toBeLessThanOrEqual(200);
        expect(outcome.staleReads).toBe(0);
        expect(outcome.missedOwnWrites).toBe(0);
        // The run did what it says: readers read, Wix changed, the gateway wrote.
        expect(outcome.operations).toBeGreaterThan(300);
        expect(outcome.scheduleChanges).toBeGreaterThanOrEqual(8);
        expect(outcome.syncChanges).toBeGreaterThanOrEqual(2);
      },
    );
  }
});
