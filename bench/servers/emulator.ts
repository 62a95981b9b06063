/**
 * The Wix emulator, seeded with a generated data set, as the upstream of the query-path gateways.
 * It runs apart from the gateway so that the gateway's CPU and memory are the gateway's only.
 */
import { DEV_WEBHOOK_PRIVATE_KEY_PEM } from '../../src/emulator/dev-webhook-key.js';
import { startEmulator } from '../../src/emulator/index.js';
import { serveSystem } from '../lib/child.js';

export interface EmulatorPayload {
  /** A generated data set of this size, or the demo data. */
  seed: { schedules: number; connectionsPerSchedule: number } | 'demo';
  /** Calls a minute per site, as Wix allows (the crowd); 0, no limit (the query path measures the gateway, not Wix). */
  rateLimitPerMinute: number;
}

const FORGET_CALLS_EVERY_MS = 500;

serveSystem(async (payload) => {
  const { seed, rateLimitPerMinute } = payload as EmulatorPayload;
  const emulator = await startEmulator({ seed, rateLimitPerMinute, webhookPrivateKeyPem: DEV_WEBHOOK_PRIVATE_KEY_PEM });
  // The emulator records every call for tests to inspect: count them and let them go, so a long
  // run does not grow its memory.
  let forgotten = 0;
  const forget = setInterval(() => {
    forgotten += emulator.calls.length;
    emulator.clearCalls();
  }, FORGET_CALLS_EVERY_MS);
  return {
    url: emulator.url,
    counters: () => ({ calls: forgotten + emulator.calls.length, rateLimited: emulator.rateLimitedCalls() }),
    async close() {
      clearInterval(forget);
      await emulator.close();
    },
  };
});
