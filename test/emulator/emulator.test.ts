import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  BUSINESS_SCHEDULE_EXTERNAL_ID,
  DEMO_CONNECTION_IDS,
  DEMO_SCHEDULE_IDS,
  EmulatorStore,
  PROVIDERS,
  WIX_BOOKINGS_APP_ID,
  startEmulator,
  type Connection,
} from '../../src/emulator/index.js';
import { call, startWebhookReceiver } from '../helpers/emulator.js';

const INSTANCE_ID = '11111111-2222-4333-8444-555555555555';

describe("the 'demo' seed", () => {
  const tenant = new EmulatorStore({ seed: 'demo', defaultInstanceId: INSTANCE_ID }).defaultTenant;
  const schedules = [...tenant.schedules.values()];
  const connections = [...tenant.connections.values()];

  it('has the well-known schedule and connection ids', () => {
    expect(new Set(tenant.schedules.keys())).toEqual(new Set(Object.values(DEMO_SCHEDULE_IDS)));
    expect(new Set(tenant.connections.keys())).toEqual(new Set(Object.values(DEMO_CONNECTION_IDS)));
  });

  it('has the business schedule, Bookings schedules and one or two cancelled ones', () => {
    expect(schedules.filter((schedule) => schedule.externalId === BUSINESS_SCHEDULE_EXTERNAL_ID)).toHaveLength(1);
    expect(schedules.filter((schedule) => schedule.appId === WIX_BOOKINGS_APP_ID).length).toBeGreaterThan(4);
    expect(schedules.filter((schedule) => schedule.status === 'CANCELLED').length).toBeGreaterThanOrEqual(1);
  });

  it('points every connection at an existing schedule, at least one at a cancelled schedule', () => {
    for (const connection of connections) expect(tenant.schedules.has(connection.scheduleId)).toBe(true);
    expect(connections.some((connection) => tenant.schedules.get(connection.scheduleId)?.status === 'CANCELLED')).toBe(true);
  });

  it('covers the three providers and every connection status', () => {
    expect(new Set(connections.map((connection) => connection.calendarType))).toEqual(new Set(['GOOGLE', 'I_CAL', 'MICROSOFT']));
    const statuses: Connection['status'][] = ['SYNCED', 'CONNECTED', 'SYNC_IN_PROGRESS', 'ERROR', 'DISCONNECTED'];
    expect(new Set(connections.map((connection) => connection.status))).toEqual(new Set(statuses));
    for (const connection of connections.filter((candidate) => candidate.status === 'ERROR'))
      expect(connection.errorReason).not.toBe('UNDEFINED');
  });

  it('uses only sync-config members each provider supports', () => {
    for (const connection of connections) {
      const provider = PROVIDERS.find((candidate) => candidate.id === connection.providerId);
      expect(provider?.calendarType).toBe(connection.calendarType);
      if (connection.syncConfig.listEventFromCalendars?.calendars)
        expect(provider?.features.listEventFromCalendars).toBe('SPECIFIC_CALENDARS');
      if (connection.syncConfig.syncToCalendar?.dedicatedCalendar) expect(provider?.features.syncToCalendar).toBe('DEDICATED_CALENDAR');
    }
  });
});

describe('tenants', () => {
  it('give another app instance the same data under different, stable ids', () => {
    const store = new EmulatorStore({ seed: 'demo', defaultInstanceId: INSTANCE_ID });
    const other = store.tenant('another-instance');
    expect(other.schedules.size).toBe(store.defaultTenant.schedules.size);
    expect([...other.schedules.keys()].some((id) => store.defaultTenant.schedules.has(id))).toBe(false);
    const again = new EmulatorStore({ seed: 'demo', defaultInstanceId: INSTANCE_ID }).tenant('another-instance');
    expect([...again.schedules.keys()]).toEqual([...other.schedules.keys()]);
    for (const connection of other.connections.values()) expect(other.schedules.has(connection.scheduleId)).toBe(true);
  });
});

describe('generated and empty seeds', () => {
  it('generates 30 schedules × 2 connections deterministically', () => {
    const seed = { schedules: 30, connectionsPerSchedule: 2 };
    const first = new EmulatorStore({ seed, defaultInstanceId: INSTANCE_ID }).defaultTenant;
    const second = new EmulatorStore({ seed, defaultInstanceId: INSTANCE_ID }).defaultTenant;
    expect(first.schedules.size).toBe(30);
    expect(first.connections.size).toBe(60);
    expect([...second.connections.values()]).toEqual([...first.connections.values()]);
    for (const connection of first.connections.values()) expect(first.schedules.has(connection.scheduleId)).toBe(true);
  });

  it("holds nothing with 'empty'", () => {
    const tenant = new EmulatorStore({ seed: 'empty', defaultInstanceId: INSTANCE_ID }).defaultTenant;
    expect([tenant.schedules.size, tenant.connections.size]).toEqual([0, 0]);
  });
});

describe('emulator lifecycle', () => {
  it('listens on a random port of 127.0.0.1 by default and stops listening on close', async () => {
    const emulator = await startEmulator({ rateLimitPerMinute: 0 });
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await call(emulator, 'GET', '/_emulator/healthz', { auth: 'none' })).status).toBe(200);
    await emulator.close();
    await expect(fetch(`${emulator.url}/_emulator/healthz`)).rejects.toThrow();
  });

  it('cancels pending webhook retries on close', async () => {
    const receiver = await startWebhookReceiver(() => 500);
    const emulator = await startEmulator({ rateLimitPerMinute: 0, webhookUrl: receiver.url, webhookRetryDelaysMs: [3_600_000] });
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
    const emulator = await startEmulator({ rateLimitPerMinute: 0, webhookPrivateKeyPem: await exportPKCS8(pair.privateKey) });
    expect(emulator.webhookPublicKeyPem).toBe(await exportSPKI(pair.publicKey));
    await emulator.close();
  });
});
