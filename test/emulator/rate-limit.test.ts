import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_SCHEDULE_IDS, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { applicationErrorCode, call } from '../helpers/emulator.js';

const PROVIDERS = '/bookings/v2/external-calendars/providers';

let emulator: Emulator;
afterEach(async () => {
  await emulator.close();
});

describe('Wix’s limit of calls a minute per site', () => {
  it('answers 429 with Retry-After past the limit, and counts the refusals', async () => {
    emulator = await startEmulator({ rateLimitPerMinute: 3 });
    for (let index = 0; index < 3; index += 1) expect((await call(emulator, 'GET', PROVIDERS)).status).toBe(200);
    const refused = await call(emulator, 'GET', PROVIDERS);
    expect(refused.status).toBe(429);
    expect(applicationErrorCode(refused.body)).toBe('TOO_MANY_REQUESTS');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(emulator.rateLimitedCalls()).toBe(1);
    const counts = (await (await fetch(`${emulator.url}/_emulator/rate-limit`)).json()) as { taken: number; refused: number };
    expect(counts).toEqual({ taken: 3, refused: 1 });
  });

  it('enforces 200 a minute by default', async () => {
    emulator = await startEmulator();
    const statuses = await Promise.all(Array.from({ length: 205 }, () => call(emulator, 'GET', PROVIDERS).then((r) => r.status)));
    expect(statuses.filter((status) => status === 200)).toHaveLength(200);
    expect(statuses.filter((status) => status === 429)).toHaveLength(5);
  });

  it('does not count the dashboard’s changes, which still send their webhook', async () => {
    emulator = await startEmulator({ rateLimitPerMinute: 1 });
    const received: string[] = [];
    const server = (await import('node:http')).createServer((req, res) => {
      received.push(req.url ?? '');
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    emulator.setWebhookUrl(`http://127.0.0.1:${port}/webhooks/wix`);
    const renamed = await fetch(`${emulator.url}/_emulator/schedules/${DEMO_SCHEDULE_IDS.mayaPersonalTraining}/rename`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Renamed in the dashboard' }),
    });
    expect(renamed.status).toBe(200);
    await emulator.webhooks.flush();
    expect(emulator.webhooks.delivered).toHaveLength(1);
    expect((await call(emulator, 'GET', PROVIDERS)).status).toBe(200);
    server.close();
  });
});

describe('the control routes the bench drives', () => {
  it('refuse bad input with a Wix-style 400 or 404, and change nothing', async () => {
    emulator = await startEmulator({ rateLimitPerMinute: 0 });
    const post = (path: string, body: unknown, method = 'POST') =>
      fetch(`${emulator.url}/_emulator${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const id = DEMO_SCHEDULE_IDS.mayaPersonalTraining;
    const before = emulator.store.defaultTenant.getSchedule(id)?.revision;
    expect((await post(`/schedules/${id}/rename`, {})).status).toBe(400);
    expect((await post(`/schedules/${id}/rename`, { name: 42 })).status).toBe(400);
    expect((await post('/schedules/no-such-schedule/rename', { name: 'x' })).status).toBe(404);
    expect(emulator.store.defaultTenant.getSchedule(id)?.revision).toBe(before);
    expect((await post('/webhook-url', { url: 'ftp://elsewhere' }, 'PUT')).status).toBe(400);
    expect((await post('/webhook-url', { url: 42 }, 'PUT')).status).toBe(400);
    expect((await post('/webhook-url', { url: null }, 'PUT')).status).toBe(204);
  });
});
