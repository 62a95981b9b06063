import { describe, expect, it } from 'vitest';
import {
  DEMO_CALENDAR_PASSWORD,
  DEMO_CONNECTION_IDS,
  DEMO_SCHEDULE_IDS,
  PROVIDER_IDS,
  type Calendar,
  type Connection,
  type Provider,
} from '../../src/emulator/index.js';
import { applicationErrorCode, call, violatedFields } from '../helpers/emulator.js';
import { emulatorForFile } from '../helpers/suite.js';

const BASE = '/bookings/v2/external-calendars';
const emulator = emulatorForFile();

describe('List Providers', () => {
  it('lists Google, Apple and Microsoft with their features', async () => {
    const response = await call<{ providers: Provider[] }>(emulator, 'GET', `${BASE}/providers`);
    expect(response.status).toBe(200);
    const byName = Object.fromEntries(response.body.providers.map((provider) => [provider.name, provider]));
    expect(byName.Google).toMatchObject({ calendarType: 'GOOGLE', features: { connectMethods: ['OAUTH'], updateSyncConfig: true } });
    expect(byName.Apple).toMatchObject({ calendarType: 'I_CAL', features: { connectMethods: ['CREDENTIALS'] } });
    expect(byName.Microsoft).toMatchObject({ calendarType: 'MICROSOFT', features: { updateSyncConfig: false } });
  });
});

describe('List Connections', () => {
  it('lists every connection of the site without a filter', async () => {
    const response = await call<{ connections: Connection[] }>(emulator, 'GET', `${BASE}/connections`);
    expect(response.status).toBe(200);
    expect(response.body.connections.length).toBeGreaterThanOrEqual(12);
    expect(response.body).not.toHaveProperty('failedProviderIds');
  });

  it('filters by repeated scheduleIds', async () => {
    const query = `scheduleIds=${DEMO_SCHEDULE_IDS.mayaPersonalTraining}&scheduleIds=${DEMO_SCHEDULE_IDS.liamPhysiotherapy}`;
    const response = await call<{ connections: Connection[] }>(emulator, 'GET', `${BASE}/connections?${query}`);
    expect(response.body.connections.map((connection) => connection.id).sort()).toEqual(
      [
        DEMO_CONNECTION_IDS.mayaGoogle,
        DEMO_CONNECTION_IDS.mayaApple,
        DEMO_CONNECTION_IDS.liamMicrosoft,
        DEMO_CONNECTION_IDS.liamGoogle,
      ].sort(),
    );
  });

  it('answers failedProviderIds: [] with partialFailure=true when nothing failed', async () => {
    const response = await call<{ failedProviderIds: string[] }>(emulator, 'GET', `${BASE}/connections?partialFailure=true`);
    expect(response.body.failedProviderIds).toEqual([]);
  });

  it('answers 400 for a scheduleId that is not a GUID', async () => {
    const response = await call(emulator, 'GET', `${BASE}/connections?scheduleIds=nope`);
    expect(response.status).toBe(400);
    expect(violatedFields(response.body)).toEqual(['scheduleIds[0]']);
  });
});

describe('Get Connection', () => {
  it('returns the connection and tolerates the redundant ?connectionId= the SDK adds', async () => {
    const id = DEMO_CONNECTION_IDS.sofiaApple;
    const response = await call<{ connection: Connection }>(emulator, 'GET', `${BASE}/connections/${id}?connectionId=${id}`);
    expect(response.status).toBe(200);
    expect(response.body.connection).toMatchObject({ id, calendarType: 'I_CAL', status: 'ERROR', errorReason: 'TOKEN_REVOKED' });
  });

  it('answers 404 NOT_FOUND for an unknown id', async () => {
    const response = await call(emulator, 'GET', `${BASE}/connections/does-not-exist`);
    expect(response.status).toBe(404);
    expect(applicationErrorCode(response.body)).toBe('NOT_FOUND');
  });
});

describe('Connect By OAuth', () => {
  it('returns an oauthUrl on the emulator whose visit creates the connection and redirects with its id', async () => {
    const start = await call<{ oauthUrl: string }>(emulator, 'POST', `${BASE}/connections:connectByOAuth`, {
      body: {
        providerId: PROVIDER_IDS.google,
        scheduleId: DEMO_SCHEDULE_IDS.groupYogaFlow,
        redirectUrl: 'https://app.example.com/done?tab=calendars',
      },
    });
    expect(start.status).toBe(200);
    expect(start.body.oauthUrl.startsWith(`${emulator.url}/_emulator/oauth/authorize?`)).toBe(true);

    const visit = await fetch(start.body.oauthUrl, { redirect: 'manual' });
    expect(visit.status).toBe(302);
    const location = new URL(visit.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe('https://app.example.com/done');
    expect(location.searchParams.get('tab')).toBe('calendars');
    const connectionId = location.searchParams.get('connectionId') ?? '';

    const created = await call<{ connection: Connection }>(emulator, 'GET', `${BASE}/connections/${connectionId}`);
    expect(created.body.connection).toMatchObject({
      providerId: PROVIDER_IDS.google,
      calendarType: 'GOOGLE',
      scheduleId: DEMO_SCHEDULE_IDS.groupYogaFlow,
      status: 'CONNECTED',
      errorReason: 'UNDEFINED',
      externalAccountEmail: expect.stringContaining('@'),
    });
  });

  it('reports SYNCED once the first sync is due', async () => {
    const start = await call<{ oauthUrl: string }>(emulator, 'POST', `${BASE}/connections:connectByOAuth`, {
      body: {
        providerId: PROVIDER_IDS.microsoft,
        scheduleId: DEMO_SCHEDULE_IDS.introConsultation,
        redirectUrl: 'https://app.example.com/done',
      },
    });
    const visit = await fetch(start.body.oauthUrl, { redirect: 'manual' });
    const connectionId = new URL(visit.headers.get('location') ?? '').searchParams.get('connectionId') ?? '';
    emulator.store.defaultTenant.syncDueAt.set(connectionId, 0);
    const response = await call<{ connection: Connection }>(emulator, 'GET', `${BASE}/connections/${connectionId}`);
    expect(response.body.connection.status).toBe('SYNCED');
  });

  it('redirects with ?error=reject when the owner refuses, and the link works only once', async () => {
    const start = await call<{ oauthUrl: string }>(emulator, 'POST', `${BASE}/connections:connectByOAuth`, {
      body: { providerId: PROVIDER_IDS.google, scheduleId: DEMO_SCHEDULE_IDS.business, redirectUrl: 'https://app.example.com/done' },
    });
    const refused = await fetch(`${start.body.oauthUrl}&error=reject`, { redirect: 'manual' });
    expect(new URL(refused.headers.get('location') ?? '').searchParams.get('error')).toBe('reject');
    const again = await fetch(start.body.oauthUrl, { redirect: 'manual' });
    expect(again.status).toBe(400);
  });

  it('answers 428 NOT_SUPPORTED_BY_PROVIDER for a provider that connects by credentials', async () => {
    const response = await call(emulator, 'POST', `${BASE}/connections:connectByOAuth`, {
      body: { providerId: PROVIDER_IDS.apple, scheduleId: DEMO_SCHEDULE_IDS.business, redirectUrl: 'https://app.example.com/done' },
    });
    expect(response.status).toBe(428);
    expect(applicationErrorCode(response.body)).toBe('NOT_SUPPORTED_BY_PROVIDER');
  });

  it('answers 400 listing every missing field', async () => {
    const response = await call(emulator, 'POST', `${BASE}/connections:connectByOAuth`, { body: {} });
    expect(response.status).toBe(400);
    expect(violatedFields(response.body)).toEqual(['providerId', 'scheduleId', 'redirectUrl']);
  });
});

describe('Connect By Credentials', () => {
  const body = { providerId: PROVIDER_IDS.apple, scheduleId: DEMO_SCHEDULE_IDS.sofiaYogaCoaching, email: 'sofia@icloud.com' };

  it('creates a CONNECTED connection with the demo password', async () => {
    const response = await call<{ connection: Connection }>(emulator, 'POST', `${BASE}/connections:connectByCredentials`, {
      body: { ...body, password: DEMO_CALENDAR_PASSWORD },
    });
    expect(response.status).toBe(200);
    expect(response.body.connection).toMatchObject({
      calendarType: 'I_CAL',
      status: 'CONNECTED',
      externalAccountEmail: 'sofia@icloud.com',
    });
  });

  it('answers 401 BAD_CREDENTIALS for a wrong password', async () => {
    const response = await call(emulator, 'POST', `${BASE}/connections:connectByCredentials`, { body: { ...body, password: 'guess' } });
    expect(response.status).toBe(401);
    expect(applicationErrorCode(response.body)).toBe('BAD_CREDENTIALS');
  });

  it('answers 428 NOT_SUPPORTED_BY_PROVIDER for an OAuth-only provider', async () => {
    const response = await call(emulator, 'POST', `${BASE}/connections:connectByCredentials`, {
      body: { ...body, providerId: PROVIDER_IDS.google, password: DEMO_CALENDAR_PASSWORD },
    });
    expect(response.status).toBe(428);
    expect(applicationErrorCode(response.body)).toBe('NOT_SUPPORTED_BY_PROVIDER');
  });

  it('answers 403 PREMIUM_FEATURE_NOT_ENABLED when the site has no premium plan', async () => {
    emulator.store.defaultTenant.premiumEnabled = false;
    try {
      const response = await call(emulator, 'POST', `${BASE}/connections:connectByCredentials`, {
        body: { ...body, password: DEMO_CALENDAR_PASSWORD },
      });
      expect(response.status).toBe(403);
      expect(applicationErrorCode(response.body)).toBe('PREMIUM_FEATURE_NOT_ENABLED');
    } finally {
      emulator.store.defaultTenant.premiumEnabled = true;
    }
  });

  it('answers 404 for an unknown schedule', async () => {
    const response = await call(emulator, 'POST', `${BASE}/connections:connectByCredentials`, {
      body: { ...body, scheduleId: '00000000-0000-4000-8000-000000000000', password: DEMO_CALENDAR_PASSWORD },
    });
    expect(response.status).toBe(404);
  });
});

describe('List Calendars', () => {
  it("lists a Google account's calendars", async () => {
    const response = await call<{ calendars: Calendar[] }>(
      emulator,
      'GET',
      `${BASE}/connections/${DEMO_CONNECTION_IDS.mayaGoogle}/calendars`,
    );
    expect(response.status).toBe(200);
    expect(response.body.calendars.map((calendar) => calendar.name)).toEqual([
      'maya.cohen.fit@gmail.com',
      'Work',
      'Birthdays',
      'Holidays in United States',
    ]);
  });

  it('answers 428 CONNECTION_NOT_CONNECTED for a disconnected connection', async () => {
    const response = await call(emulator, 'GET', `${BASE}/connections/${DEMO_CONNECTION_IDS.liamGoogle}/calendars`);
    expect(response.status).toBe(428);
    expect(applicationErrorCode(response.body)).toBe('CONNECTION_NOT_CONNECTED');
  });

  it('answers 428 NOT_SUPPORTED_BY_PROVIDER when the provider imports from the primary calendar only', async () => {
    const response = await call(emulator, 'GET', `${BASE}/connections/${DEMO_CONNECTION_IDS.mayaApple}/calendars`);
    expect(response.status).toBe(428);
    expect(applicationErrorCode(response.body)).toBe('NOT_SUPPORTED_BY_PROVIDER');
  });
});

describe('Update Sync Config', () => {
  const path = (id: string): string => `${BASE}/connections/${id}/sync-config`;

  it('replaces the half that is sent and leaves the other unchanged', async () => {
    const id = DEMO_CONNECTION_IDS.sofiaGoogle;
    const before = await call<{ connection: Connection }>(emulator, 'GET', `${BASE}/connections/${id}`);
    const calendars = await call<{ calendars: Calendar[] }>(emulator, 'GET', `${BASE}/connections/${id}/calendars`);
    const work = calendars.body.calendars.find((calendar) => calendar.name === 'Work');
    const response = await call<{ connection: Connection }>(emulator, 'PATCH', path(id), {
      body: { connectionId: id, syncConfig: { listEventFromCalendars: { enabled: true, calendars: { calendars: [{ id: work?.id }] } } } },
    });
    expect(response.status).toBe(200);
    expect(response.body.connection.syncConfig.listEventFromCalendars).toEqual({ enabled: true, calendars: { calendars: [work] } });
    expect(response.body.connection.syncConfig.syncToCalendar).toEqual(before.body.connection.syncConfig.syncToCalendar);
  });

  it('answers 400 when a half sets both members of its one-of', async () => {
    const response = await call(emulator, 'PATCH', path(DEMO_CONNECTION_IDS.mayaGoogle), {
      body: { syncConfig: { syncToCalendar: { enabled: true, primaryCalendar: {}, dedicatedCalendar: {} } } },
    });
    expect(response.status).toBe(400);
    expect(violatedFields(response.body)).toEqual(['syncConfig.syncToCalendar']);
  });

  it('answers 400 when a half sets neither member of its one-of', async () => {
    const response = await call(emulator, 'PATCH', path(DEMO_CONNECTION_IDS.mayaGoogle), {
      body: { syncConfig: { listEventFromCalendars: { enabled: false } } },
    });
    expect(response.status).toBe(400);
    expect(violatedFields(response.body)).toEqual(['syncConfig.listEventFromCalendars']);
  });

  it('answers 400 when syncConfig is missing', async () => {
    const response = await call(emulator, 'PATCH', path(DEMO_CONNECTION_IDS.mayaGoogle), {
      body: { connectionId: DEMO_CONNECTION_IDS.mayaGoogle },
    });
    expect(response.status).toBe(400);
    expect(violatedFields(response.body)).toEqual(['syncConfig']);
  });

  it('answers 428 NOT_SUPPORTED_BY_PROVIDER when the provider cannot update sync config (Microsoft)', async () => {
    const response = await call(emulator, 'PATCH', path(DEMO_CONNECTION_IDS.liamMicrosoft), {
      body: { syncConfig: { syncToCalendar: { enabled: false, primaryCalendar: {} } } },
    });
    expect(response.status).toBe(428);
    expect(applicationErrorCode(response.body)).toBe('NOT_SUPPORTED_BY_PROVIDER');
  });

  it('answers 428 NOT_SUPPORTED_BY_PROVIDER when Apple is asked to import specific calendars', async () => {
    const response = await call(emulator, 'PATCH', path(DEMO_CONNECTION_IDS.mayaApple), {
      body: { syncConfig: { listEventFromCalendars: { enabled: true, calendars: { calendars: [{ id: 'primary' }] } } } },
    });
    expect(response.status).toBe(428);
    expect(applicationErrorCode(response.body)).toBe('NOT_SUPPORTED_BY_PROVIDER');
  });

  it('answers 428 NOT_SUPPORTED_BY_PROVIDER when Google is asked to export to the primary calendar', async () => {
    const response = await call(emulator, 'PATCH', path(DEMO_CONNECTION_IDS.mayaGoogle), {
      body: { syncConfig: { syncToCalendar: { enabled: true, primaryCalendar: {} } } },
    });
    expect(response.status).toBe(428);
  });

  it('answers 404 for an unknown connection', async () => {
    const response = await call(emulator, 'PATCH', path('missing'), { body: { syncConfig: {} } });
    expect(response.status).toBe(404);
  });
});

describe('Disconnect', () => {
  it('sets DISCONNECTED, then answers 428 CONNECTION_ALREADY_DISCONNECTED', async () => {
    const id = DEMO_CONNECTION_IDS.noahGoogle;
    const first = await call<{ connection: Connection }>(emulator, 'POST', `${BASE}/connections/${id}/disconnect`, {
      body: { connectionId: id },
    });
    expect(first.status).toBe(200);
    expect(first.body.connection.status).toBe('DISCONNECTED');
    const second = await call(emulator, 'POST', `${BASE}/connections/${id}/disconnect`, { body: { connectionId: id } });
    expect(second.status).toBe(428);
    expect(applicationErrorCode(second.body)).toBe('CONNECTION_ALREADY_DISCONNECTED');
  });
});
