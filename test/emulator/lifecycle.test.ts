import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { call, startWebhookReceiver } from './helpers.js';

describe('emulator lifecycle', () => {
  it('listens on a random port of 127.0.0.1 by default and stops listening on close', async () => {
    const emulator = await startEmulator();
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await call(emulator, 'GET', '/_emulator/healthz', { auth: 'none' })).status).toBe(200);
    await emulator.close();
    await expect(fetch(`${emulator.url}/_emulator/healthz`)).rejects.toThrow();
  });

  it('cancels pending webhook retries on close', async () => {
    const receiver = await startWebhookReceiver(() => 500);
    const emulator = await startEmulator({ webhookUrl: receiver.url, webhookRetryDelaysMs: [3_600_000] });
    try {
      await call(emulator, 'POST', '/calendar/v3/schedules', { body: { schedule: { name: 'Never delivered' } } });
      await receiver.waitFor(1);
      expect(emulator.webhooks.pending()).toBe(1);
      await emulator.close();
      expect(emulator.webhooks.pending()).toBe(0);
    } finally {
      await emulator.close();
      await receiver.close();
    }
  });

  it('signs with the key it is given, so a restarted emulator keeps its public key', async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    const emulator = await startEmulator({ webhookPrivateKeyPem: await exportPKCS8(pair.privateKey) });
    expect(emulator.webhookPublicKeyPem).toBe(await exportSPKI(pair.publicKey));
    await emulator.close();
  });
});
