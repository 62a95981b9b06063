import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { startTestApp } from '../helpers/app.js';
import { captureLogs } from '../helpers/log-capture.js';

let emulator: Emulator;
let app: Awaited<ReturnType<typeof startTestApp>> | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  await emulator.close();
});

const REPLICA_OFF = /schedules are cached briefly/;

async function startWith(env: (emulator: Emulator) => Record<string, string>) {
  emulator = await startEmulator({ rateLimitPerMinute: 0 });
  const logs = captureLogs('info');
  app = await startTestApp(
    { WIX_API_URL: emulator.url, WIX_API_KEY: emulator.apiKey, WIX_SITE_ID: emulator.siteId, ...env(emulator) },
    logs.logger,
  );
  return logs.records().filter((record) => REPLICA_OFF.test(String(record.msg)));
}

describe('when webhooks cannot keep a replica coherent', () => {
  it('says so at start-up without a webhook key, and schedules are still read (cached briefly)', async () => {
    const warnings = await startWith(() => ({}));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(/without webhooks/);
    const result = await app!.graphql('{ schedules(first: 5) { edges { node { id } } } }');
    expect(result.errors).toBeUndefined();
  });

  it('says so with an API key but no WIX_INSTANCE_ID', async () => {
    const warnings = await startWith((wix) => ({ WIX_WEBHOOK_PUBLIC_KEY: wix.webhookPublicKeyPem }));
    expect(warnings[0]?.msg).toMatch(/WIX_INSTANCE_ID/);
  });

  it('says nothing when the replica can be kept', async () => {
    const warnings = await startWith((wix) => ({ WIX_WEBHOOK_PUBLIC_KEY: wix.webhookPublicKeyPem, WIX_INSTANCE_ID: wix.instanceId }));
    expect(warnings).toEqual([]);
  });
});
