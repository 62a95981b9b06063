import { describe, expect, it } from 'vitest';
import { PROVIDER_IDS } from '../../src/emulator/index.js';
import { applicationErrorCode, call } from '../helpers/emulator.js';
import { emulatorForFile } from '../helpers/suite.js';

const PROVIDERS = '/bookings/v2/external-calendars/providers';
const CONNECTIONS = '/bookings/v2/external-calendars/connections';
const LATENCY_MS = 150;

const emulator = emulatorForFile();

describe('fault injection', () => {
  it('answers the injected status with a Wix error body', async () => {
    emulator.faults.add({ path: /providers$/, status: 503 });
    const response = await call(emulator, 'GET', PROVIDERS);
    expect(response.status).toBe(503);
    expect(applicationErrorCode(response.body)).toBe('SERVICE_UNAVAILABLE');
    expect(response.headers.get('x-wix-request-id')).toBeTruthy();
  });

  it('answers 429 with Retry-After', async () => {
    emulator.faults.add({ retryAfterSeconds: 2 });
    const response = await call(emulator, 'GET', PROVIDERS);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
  });

  it('matches on method and path, leaving other requests alone', async () => {
    emulator.faults.add({ method: 'post', path: '^/calendar/v3/schedules/query$', status: 500 });
    expect((await call(emulator, 'GET', PROVIDERS)).status).toBe(200);
    expect((await call(emulator, 'POST', '/calendar/v3/schedules/query', { body: { query: {} } })).status).toBe(500);
  });

  it('applies a rule only `times` times, so a retry succeeds', async () => {
    emulator.faults.add({ path: /providers$/, status: 502, times: 2 });
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt += 1) statuses.push((await call(emulator, 'GET', PROVIDERS)).status);
    expect(statuses).toEqual([502, 502, 200]);
    expect(emulator.faults.list()).toEqual([]);
  });

  it('never fires a status with probability 0 but still adds latency', async () => {
    emulator.faults.add({ path: /providers$/, status: 503, probability: 0, latencyMs: LATENCY_MS });
    const started = performance.now();
    const response = await call(emulator, 'GET', PROVIDERS);
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(LATENCY_MS - 5);
  });

  it('resets the connection without an answer', async () => {
    emulator.faults.add({ path: /providers$/, reset: true });
    await expect(call(emulator, 'GET', PROVIDERS)).rejects.toThrow();
  });

  it('still records the faulted calls', async () => {
    emulator.clearCalls();
    emulator.faults.add({ status: 503 });
    await call(emulator, 'GET', PROVIDERS);
    expect(emulator.calls.map((recorded) => recorded.path)).toEqual([PROVIDERS]);
  });
});

describe('fault injection over HTTP', () => {
  it('adds, lists and clears rules under /_emulator/faults without auth', async () => {
    const added = await call<{ id: string }>(emulator, 'POST', '/_emulator/faults', {
      auth: 'none',
      body: { method: 'GET', path: 'providers$', status: 503 },
    });
    expect(added.status).toBe(201);
    const listed = await call<{ faults: { id: string; path: string }[] }>(emulator, 'GET', '/_emulator/faults', { auth: 'none' });
    expect(listed.body.faults).toEqual([expect.objectContaining({ id: added.body.id, path: 'providers$', status: 503 })]);
    expect((await call(emulator, 'GET', PROVIDERS)).status).toBe(503);

    expect((await call(emulator, 'DELETE', '/_emulator/faults', { auth: 'none' })).status).toBe(204);
    expect((await call(emulator, 'GET', PROVIDERS)).status).toBe(200);
  });

  it('removes one rule by id', async () => {
    const added = await call<{ id: string }>(emulator, 'POST', '/_emulator/faults', { auth: 'none', body: { status: 500 } });
    expect((await call(emulator, 'DELETE', `/_emulator/faults/${added.body.id}`, { auth: 'none' })).status).toBe(204);
    expect((await call(emulator, 'GET', PROVIDERS)).status).toBe(200);
  });

  it('answers 400 for an invalid rule', async () => {
    const response = await call(emulator, 'POST', '/_emulator/faults', { auth: 'none', body: { probability: 2, path: '(' } });
    expect(response.status).toBe(400);
  });

  it('starts and ends a provider outage', async () => {
    const started = await call(emulator, 'POST', '/_emulator/faults/provider-outages', {
      auth: 'none',
      body: { providerId: PROVIDER_IDS.google },
    });
    expect(started.status).toBe(201);
    const partial = await call<{ failedProviderIds: string[] }>(emulator, 'GET', `${CONNECTIONS}?partialFailure=true`);
    expect(partial.body.failedProviderIds).toEqual([PROVIDER_IDS.google]);
    expect((await call(emulator, 'GET', CONNECTIONS)).status).toBe(503);
    await call(emulator, 'DELETE', `/_emulator/faults/provider-outages/${PROVIDER_IDS.google}`, { auth: 'none' });
    expect((await call(emulator, 'GET', CONNECTIONS)).status).toBe(200);
  });

  it('answers the health check', async () => {
    const response = await call(emulator, 'GET', '/_emulator/healthz', { auth: 'none' });
    expect(response).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});
