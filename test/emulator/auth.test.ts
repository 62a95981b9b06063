import { describe, expect, it } from 'vitest';
import { DEMO_SCHEDULE_IDS, type Schedule } from '../../src/emulator/index.js';
import { applicationErrorCode, call, type WixErrorBody } from '../helpers/emulator.js';
import { emulatorForFile } from '../helpers/suite.js';

const emulator = emulatorForFile();

interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
}

async function tokenFor(instanceId: string): Promise<string> {
  const response = await call<TokenResponse>(emulator, 'POST', '/oauth2/token', {
    auth: 'none',
    body: { grant_type: 'client_credentials', client_id: emulator.appId, client_secret: emulator.appSecret, instance_id: instanceId },
  });
  expect(response.status).toBe(200);
  return response.body.access_token;
}

describe('API-key authentication', () => {
  it('accepts the raw API key together with the wix-site-id of the site', async () => {
    const response = await call(emulator, 'GET', '/bookings/v2/external-calendars/providers');
    expect(response.status).toBe(200);
  });

  it('answers 401 with a Wix error body without an Authorization header', async () => {
    const response = await call<WixErrorBody>(emulator, 'GET', '/bookings/v2/external-calendars/providers', { auth: 'none' });
    expect(response.status).toBe(401);
    expect(applicationErrorCode(response.body)).toBe('UNAUTHENTICATED');
    expect(typeof response.body.message).toBe('string');
  });

  it('answers 401 when the key is sent as a Bearer token', async () => {
    const response = await call(emulator, 'GET', '/calendar/v3/schedules/query', {
      auth: { authorization: `Bearer ${emulator.apiKey}`, siteId: emulator.siteId },
    });
    expect(response.status).toBe(401);
  });

  it('answers 401 when wix-site-id is missing or names another site', async () => {
    const missing = await call(emulator, 'GET', '/bookings/v2/external-calendars/providers', { auth: { authorization: emulator.apiKey } });
    const other = await call(emulator, 'GET', '/bookings/v2/external-calendars/providers', {
      auth: { authorization: emulator.apiKey, siteId: '00000000-0000-4000-8000-000000000000' },
    });
    expect([missing.status, other.status]).toEqual([401, 401]);
  });

  it('answers 401 for an unknown key', async () => {
    const response = await call(emulator, 'GET', '/bookings/v2/external-calendars/providers', {
      auth: { authorization: 'not-the-key', siteId: emulator.siteId },
    });
    expect(response.status).toBe(401);
  });
});

describe('POST /oauth2/token (client credentials)', () => {
  it('issues a Bearer-typed token that lives 4 hours', async () => {
    const response = await call<TokenResponse>(emulator, 'POST', '/oauth2/token', {
      auth: 'none',
      body: {
        grant_type: 'client_credentials',
        client_id: emulator.appId,
        client_secret: emulator.appSecret,
        instance_id: emulator.instanceId,
      },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 14_400 });
  });

  it('answers 401 for a wrong client secret', async () => {
    const response = await call(emulator, 'POST', '/oauth2/token', {
      auth: 'none',
      body: { grant_type: 'client_credentials', client_id: emulator.appId, client_secret: 'wrong', instance_id: emulator.instanceId },
    });
    expect(response.status).toBe(401);
    expect(applicationErrorCode(response.body)).toBe('UNAUTHENTICATED');
  });

  it('answers 400 when instance_id is missing', async () => {
    const response = await call(emulator, 'POST', '/oauth2/token', {
      auth: 'none',
      body: { grant_type: 'client_credentials', client_id: emulator.appId, client_secret: emulator.appSecret },
    });
    expect(response.status).toBe(400);
  });

  it('authorises calls with the raw token, no wix-site-id needed', async () => {
    const token = await tokenFor(emulator.instanceId);
    const response = await call<{ schedule: Schedule }>(emulator, 'GET', `/calendar/v3/schedules/${DEMO_SCHEDULE_IDS.business}`, {
      auth: { authorization: token },
    });
    expect(response.status).toBe(200);
    expect(response.body.schedule.id).toBe(DEMO_SCHEDULE_IDS.business);
  });

  it('gives every app instance its own data set with its own ids', async () => {
    const token = await tokenFor('3f0d5cfe-6d47-4f2b-9b9e-1c2a3b4c5d6e');
    const query = { query: { cursorPaging: { limit: 100 } } };
    const own = await call<{ schedules: Schedule[] }>(emulator, 'POST', '/calendar/v3/schedules/query', {
      auth: { authorization: token },
      body: query,
    });
    const site = await call<{ schedules: Schedule[] }>(emulator, 'POST', '/calendar/v3/schedules/query', { body: query });
    expect(own.body.schedules).toHaveLength(site.body.schedules.length);
    const siteIds = new Set(site.body.schedules.map((schedule) => schedule.id));
    expect(own.body.schedules.some((schedule) => siteIds.has(schedule.id))).toBe(false);

    const foreign = await call(emulator, 'GET', `/calendar/v3/schedules/${DEMO_SCHEDULE_IDS.business}`, { auth: { authorization: token } });
    expect(foreign.status).toBe(404);
  });
});

describe('responses', () => {
  it('carry x-wix-request-id on success, on errors and on unknown routes', async () => {
    const ok = await call(emulator, 'GET', '/bookings/v2/external-calendars/providers');
    const unauthorised = await call(emulator, 'GET', '/bookings/v2/external-calendars/providers', { auth: 'none' });
    const unknown = await call(emulator, 'GET', '/no/such/api');
    for (const response of [ok, unauthorised, unknown]) expect(response.headers.get('x-wix-request-id')).toMatch(/^\d+\.\d+$/);
  });

  it('answer unknown routes 404 with a Wix error body', async () => {
    const response = await call(emulator, 'DELETE', '/calendar/v3/schedules');
    expect(response.status).toBe(404);
    expect(applicationErrorCode(response.body)).toBe('NOT_FOUND');
  });

  it('answer a malformed JSON body 400 with a Wix error body', async () => {
    const response = await call(emulator, 'POST', '/calendar/v3/schedules/query', { rawBody: '{"query": ' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(applicationErrorCode(response.body)).toBe('INVALID_ARGUMENT');
  });
});

describe('recorded calls', () => {
  it('lists every API request with method, path, raw query, headers and parsed body', async () => {
    emulator.clearCalls();
    await call(emulator, 'GET', '/bookings/v2/external-calendars/connections?scheduleIds=a&scheduleIds=b&partialFailure=true');
    await call(emulator, 'POST', '/calendar/v3/schedules/query', { body: { query: {} } });
    await call(emulator, 'GET', '/_emulator/healthz', { auth: 'none' });
    expect(emulator.calls).toHaveLength(2);
    expect(emulator.calls[0]).toMatchObject({
      method: 'GET',
      path: '/bookings/v2/external-calendars/connections',
      query: 'scheduleIds=a&scheduleIds=b&partialFailure=true',
      headers: { authorization: emulator.apiKey, 'wix-site-id': emulator.siteId },
    });
    expect(emulator.calls[1]).toMatchObject({ method: 'POST', body: { query: {} } });
  });
});
