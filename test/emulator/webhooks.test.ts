import { importSPKI, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookJwt, type ScheduleDomainEvent } from '../../src/emulator/webhooks.js';
import { DEMO_SCHEDULE_IDS, startEmulator, type Emulator, type Schedule } from '../../src/emulator/index.js';
import { call, startWebhookReceiver, type Responder, type WebhookReceiver } from '../helpers/emulator.js';

const SCHEDULES = '/calendar/v3/schedules';
const RETRY_DELAYS_MS = [20, 20];
const TIMEOUT_MS = 200;

interface Envelope {
  instanceId: string;
  eventType: string;
  identity: string;
  data: string;
}

interface Opened {
  envelope: Envelope;
  identity: unknown;
  event: ScheduleDomainEvent;
  payload: Record<string, unknown>;
}

let emulator: Emulator;
let receiver: WebhookReceiver | undefined;

beforeAll(async () => {
  emulator = await startEmulator({ rateLimitPerMinute: 0, webhookRetryDelaysMs: RETRY_DELAYS_MS, webhookTimeoutMs: TIMEOUT_MS });
});

afterAll(async () => {
  await emulator.close();
});

afterEach(async () => {
  await emulator.webhooks.flush();
  emulator.setWebhookUrl(undefined);
  emulator.webhooks.clear();
  await receiver?.close();
  receiver = undefined;
});

async function listen(respond?: Responder): Promise<WebhookReceiver> {
  receiver = await startWebhookReceiver(respond);
  emulator.setWebhookUrl(receiver.url);
  return receiver;
}

/** Verifies the JWT with the emulator's public key, then opens the two JSON-string layers. */
async function open(jwt: string): Promise<Opened> {
  const key = await importSPKI(emulator.webhookPublicKeyPem, 'RS256');
  const { payload, protectedHeader } = await jwtVerify(jwt, key);
  expect(protectedHeader.alg).toBe('RS256');
  expect(typeof payload.data).toBe('string');
  const envelope = JSON.parse(payload.data as string) as Envelope;
  expect(typeof envelope.identity).toBe('string');
  expect(typeof envelope.data).toBe('string');
  return { envelope, identity: JSON.parse(envelope.identity), event: JSON.parse(envelope.data) as ScheduleDomainEvent, payload };
}

async function createSchedule(name: string): Promise<Schedule> {
  const response = await call<{ schedule: Schedule }>(emulator, 'POST', SCHEDULES, { body: { schedule: { name } } });
  return response.body.schedule;
}

describe('schedule webhooks', () => {
  it('posts schedule_created as a text/plain RS256 JWT with the three Wix layers', async () => {
    const webhooks = await listen();
    const schedule = await createSchedule('Webhook created');
    const [received] = await webhooks.waitFor(1);
    expect(received?.contentType).toBe('text/plain');
    const opened = await open(received?.body ?? '');
    expect(opened.payload.exp).toBeGreaterThan(opened.payload.iat as number);
    expect(opened.envelope).toMatchObject({ instanceId: emulator.instanceId, eventType: 'wix.calendar.v3.schedule_created' });
    expect(opened.identity).toEqual({ identityType: 'APP', appId: emulator.appId });
    expect(opened.event).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      entityFqdn: 'wix.calendar.v3.schedule',
      slug: 'created',
      entityId: schedule.id,
      triggeredByAnonymizeRequest: false,
      entityEventSequence: expect.stringMatching(/^\d{13}000001$/),
      createdEvent: { entity: schedule },
    });
    expect(Number.isNaN(Date.parse(opened.event.eventTime))).toBe(false);
  });

  it('posts schedule_updated with the current entity and a higher sequence', async () => {
    const webhooks = await listen();
    const schedule = await createSchedule('Webhook updated');
    await call(emulator, 'PATCH', `${SCHEDULES}/${schedule.id}`, {
      body: { schedule: { id: schedule.id, revision: '1', name: 'Renamed' } },
    });
    const received = await webhooks.waitFor(2);
    const events = await Promise.all(received.map(async (webhook) => open(webhook.body)));
    const updated = events.find((opened) => opened.envelope.eventType === 'wix.calendar.v3.schedule_updated');
    expect(updated?.event).toMatchObject({
      slug: 'updated',
      entityEventSequence: expect.stringMatching(/^\d{13}000002$/),
      updatedEvent: { currentEntity: { name: 'Renamed', revision: '2' } },
    });
  });

  it('posts schedule_updated (CANCELLED) and schedule_cancelled with the same sequence on cancel', async () => {
    const webhooks = await listen();
    const id = DEMO_SCHEDULE_IDS.groupYogaFlow;
    const response = await call<{ schedule: Schedule }>(emulator, 'POST', `${SCHEDULES}/${id}/cancel`, {
      body: { preserveFutureEventsWithParticipants: true },
    });
    const received = await webhooks.waitFor(2);
    const byType = new Map(
      (await Promise.all(received.map(async (webhook) => open(webhook.body)))).map((opened) => [opened.envelope.eventType, opened.event]),
    );
    const updated = byType.get('wix.calendar.v3.schedule_updated');
    const cancelled = byType.get('wix.calendar.v3.schedule_cancelled');
    expect(updated).toMatchObject({ entityId: id, updatedEvent: { currentEntity: { status: 'CANCELLED' } } });
    expect(cancelled).toMatchObject({
      slug: 'cancelled',
      entityId: id,
      actionEvent: { body: { schedule: { id, status: 'CANCELLED' }, preserveFutureEventsWithParticipants: true } },
    });
    expect(cancelled?.entityEventSequence).toBe(updated?.entityEventSequence);
    expect(cancelled?.entityEventSequence?.endsWith(String(response.body.schedule.revision).padStart(6, '0'))).toBe(true);
    expect(cancelled?.id).not.toBe(updated?.id);
  });

  it('carries the instanceId of the app instance whose data changed', async () => {
    const webhooks = await listen();
    const instanceId = '5c0ffee0-1234-4abc-8def-000000000001';
    const token = await call<{ access_token: string }>(emulator, 'POST', '/oauth2/token', {
      auth: 'none',
      body: { grant_type: 'client_credentials', client_id: emulator.appId, client_secret: emulator.appSecret, instance_id: instanceId },
    });
    await call(emulator, 'POST', SCHEDULES, {
      auth: { authorization: token.body.access_token },
      body: { schedule: { name: 'Other tenant' } },
    });
    const [received] = await webhooks.waitFor(1);
    expect((await open(received?.body ?? '')).envelope.instanceId).toBe(instanceId);
  });
});

describe('webhook delivery', () => {
  it('retries, re-signed, after a non-200 answer until a 200', async () => {
    const webhooks = await listen((index) => (index === 0 ? 500 : 200));
    await createSchedule('Retry after 500');
    const [first, second] = await webhooks.waitFor(2);
    const [a, b] = await Promise.all([open(first?.body ?? ''), open(second?.body ?? '')]);
    expect(b.event.id).toBe(a.event.id);
    await emulator.webhooks.flush();
    expect(emulator.webhooks.attempts.map((attempt) => attempt.status)).toEqual([500, 200]);
    expect(emulator.webhooks.delivered).toHaveLength(1);
    expect(emulator.webhooks.delivered[0]?.attempts).toBe(2);
  });

  it('counts only 200 as success: a 204 is retried', async () => {
    await listen((index) => (index === 0 ? 204 : 200));
    await createSchedule('Retry after 204');
    await emulator.webhooks.flush();
    expect(emulator.webhooks.attempts.map((attempt) => attempt.status)).toEqual([204, 200]);
  });

  it('does not retry after a 200', async () => {
    const webhooks = await listen();
    await createSchedule('Delivered once');
    await webhooks.waitFor(1);
    await emulator.webhooks.flush();
    expect(emulator.webhooks.pending()).toBe(0);
    expect(emulator.webhooks.attempts).toHaveLength(1);
    expect(webhooks.received).toHaveLength(1);
  });

  it('retries when no answer comes within the timeout', async () => {
    await listen((index) => (index === 0 ? 'hang' : 200));
    await createSchedule('Retry after timeout');
    await emulator.webhooks.flush();
    const [timedOut, delivered] = emulator.webhooks.attempts;
    expect(timedOut).toMatchObject({ ok: false, error: expect.stringContaining(`${TIMEOUT_MS} ms`) });
    expect(timedOut).not.toHaveProperty('status');
    expect(delivered).toMatchObject({ ok: true, status: 200 });
  });

  it('gives up after the last retry delay', async () => {
    await listen(() => 503);
    await createSchedule('Never accepted');
    await emulator.webhooks.flush();
    expect(emulator.webhooks.attempts).toHaveLength(1 + RETRY_DELAYS_MS.length);
    expect(emulator.webhooks.abandoned).toHaveLength(1);
    expect(emulator.webhooks.delivered).toHaveLength(0);
  });

  it('sends nothing without a webhook URL', async () => {
    emulator.setWebhookUrl(undefined);
    await createSchedule('Unheard');
    expect(emulator.webhooks.pending()).toBe(0);
    expect(emulator.webhooks.attempts).toHaveLength(0);
  });
});

describe('createWebhookJwt', () => {
  it('signs with a PKCS#8 PEM exactly as the emulator does', async () => {
    const event = { id: 'evt-1', entityFqdn: 'wix.calendar.v3.schedule', slug: 'updated', entityId: 's-1', entityEventSequence: '3' };
    const jwt = await createWebhookJwt({
      privateKey: emulator.webhookPrivateKeyPem,
      appId: 'app-1',
      instanceId: 'instance-1',
      eventType: 'wix.calendar.v3.schedule_updated',
      event,
      issuedAt: new Date(),
    });
    const opened = await open(jwt);
    expect(opened.envelope).toMatchObject({ instanceId: 'instance-1', eventType: 'wix.calendar.v3.schedule_updated' });
    expect(opened.identity).toEqual({ identityType: 'APP', appId: 'app-1' });
    expect(opened.event).toEqual(event);
  });
});
