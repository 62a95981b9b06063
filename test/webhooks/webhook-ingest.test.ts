import { createSecretKey } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway } from '../helpers/gateway.js';
import { postWebhook, scheduleEnvelope, signedWebhook, testKeys } from '../helpers/webhooks.js';
import { connect, subscribe, waitFor, type Subscription } from '../helpers/ws-client.js';
import { gatewayOverFakeUpstream } from '../helpers/suite.js';

const UPDATED = `subscription($ids: [ID!]) { scheduleUpdated(scheduleIds: $ids) {
  eventId eventTime sequence cursor schedule { id name revision status timeZone defaultLocation { type name } }
} }`;

const { upstream, gateway, keys, client } = gatewayOverFakeUpstream();
afterEach(async () => {
  // Every test unsubscribes what it subscribed: the bus must be back to no listeners.
  await waitFor(() => gateway.bus.listenerCount() === 0, 'every listener to be removed');
});

/** Subscribes and waits until the server has attached it. */
async function live(query: string, variables?: Record<string, unknown>): Promise<Subscription> {
  const before = gateway.bus.listenerCount();
  const subscription = subscribe(client, query, variables);
  await waitFor(() => gateway.bus.listenerCount() > before, 'the subscription to attach');
  return subscription;
}

let sequence = 100;
const nextSequence = () => (sequence += 1);

describe('a valid signed webhook reaches matching subscribers', () => {
  it('delivers the schedule of a Schedule Updated webhook with its event fields', async () => {
    const subscription = await live(UPDATED);
    const seq = nextSequence();
    const envelope = scheduleEnvelope({ scheduleId: 'sched-a', sequence: seq, eventId: 'evt-a' });
    const response = await postWebhook(gateway.url, await signedWebhook(keys.privateKey, envelope));
    expect(response).toMatchObject({ status: 200, body: { status: 'accepted' } });
    const message = await subscription.next();
    expect(message.errors).toBeUndefined();
    expect(message.data).toEqual({
      scheduleUpdated: {
        eventId: 'evt-a',
        eventTime: '2026-11-22T00:37:26.154Z',
        sequence: String(seq),
        cursor: expect.any(String),
        schedule: {
          id: 'sched-a',
          name: `Name at ${seq}`,
          revision: String(seq),
          status: 'ACTIVE',
          timeZone: 'Europe/Berlin',
          defaultLocation: { type: 'CUSTOM', name: 'Studio' },
        },
      },
    });
    expect(upstream.requests).toHaveLength(0); // the payload is the webhook's entity
    subscription.unsubscribe();
  });

  it('filters by scheduleIds', async () => {
    const onlyB = await live(UPDATED, { ids: ['sched-b'] });
    await postWebhook(
      gateway.url,
      await signedWebhook(keys.privateKey, scheduleEnvelope({ scheduleId: 'sched-other', sequence: nextSequence() })),
    );
    await postWebhook(
      gateway.url,
      await signedWebhook(keys.privateKey, scheduleEnvelope({ scheduleId: 'sched-b', sequence: nextSequence(), eventId: 'evt-b' })),
    );
    const message = await onlyB.next();
    expect(message.data).toMatchObject({ scheduleUpdated: { eventId: 'evt-b', schedule: { id: 'sched-b' } } });
    expect(onlyB.received).toHaveLength(1);
    onlyB.unsubscribe();
  });

  it('sends created and cancelled events to their own subscriptions', async () => {
    const created = await live('subscription { scheduleCreated { eventId schedule { id } } }');
    const cancelled = await live('subscription { scheduleCancelled { eventId schedule { id status } } }');
    const updated = await live(UPDATED, { ids: ['sched-c'] });
    await postWebhook(
      gateway.url,
      await signedWebhook(
        keys.privateKey,
        scheduleEnvelope({ type: 'created', scheduleId: 'sched-c', sequence: 1, eventId: 'evt-created' }),
      ),
    );
    expect((await created.next()).data).toEqual({ scheduleCreated: { eventId: 'evt-created', schedule: { id: 'sched-c' } } });

    // Wix may report a cancellation as an update to CANCELLED, then (maybe) as a cancelled event
    // with the same sequence: cancellation subscribers get it once, update subscribers get the update.
    const cancelledSchedule = { id: 'sched-c', status: 'CANCELLED', revision: '2', name: 'Gone' };
    await postWebhook(
      gateway.url,
      await signedWebhook(
        keys.privateKey,
        scheduleEnvelope({ scheduleId: 'sched-c', sequence: 2, eventId: 'evt-upd-cancel', schedule: cancelledSchedule }),
      ),
    );
    const duplicateCancel = await postWebhook(
      gateway.url,
      await signedWebhook(
        keys.privateKey,
        scheduleEnvelope({ type: 'cancelled', scheduleId: 'sched-c', sequence: 2, eventId: 'evt-cancel', schedule: cancelledSchedule }),
      ),
    );
    expect(duplicateCancel).toMatchObject({ status: 200, body: { status: 'stale' } });
    expect((await cancelled.next()).data).toEqual({
      scheduleCancelled: { eventId: 'evt-upd-cancel', schedule: { id: 'sched-c', status: 'CANCELLED' } },
    });
    expect((await updated.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'evt-upd-cancel' } });

    // A cancelled webhook alone (no update first) is delivered to cancellation subscribers only.
    await postWebhook(
      gateway.url,
      await signedWebhook(
        keys.privateKey,
        scheduleEnvelope({ type: 'cancelled', scheduleId: 'sched-d', sequence: 5, eventId: 'evt-cancel-d' }),
      ),
    );
    expect((await cancelled.next()).data).toMatchObject({ scheduleCancelled: { eventId: 'evt-cancel-d' } });
    expect(created.received).toHaveLength(1);
    expect(updated.received).toHaveLength(1);
    for (const s of [created, cancelled, updated]) s.unsubscribe();
  });

  it('reads the body as bytes whatever the Content-Type says', async () => {
    const subscription = await live(UPDATED, { ids: ['sched-ct'] });
    const token = await signedWebhook(
      keys.privateKey,
      scheduleEnvelope({ scheduleId: 'sched-ct', sequence: nextSequence(), eventId: 'evt-json-ct' }),
    );
    expect(await postWebhook(gateway.url, token, 'application/json')).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect((await subscription.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'evt-json-ct' } });
    subscription.unsubscribe();
  });

  it('accepts a payload whose data is an object, as the docs print it', async () => {
    const subscription = await live(UPDATED, { ids: ['sched-obj'] });
    const envelope = scheduleEnvelope({ scheduleId: 'sched-obj', sequence: nextSequence(), eventId: 'evt-obj' });
    const token = await new SignJWT({ data: { ...envelope, data: JSON.parse(envelope.data) as object } })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuedAt()
      .sign(keys.privateKey);
    expect(await postWebhook(gateway.url, token)).toMatchObject({ status: 200 });
    expect((await subscription.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'evt-obj' } });
    subscription.unsubscribe();
  });
});

describe('refused webhooks get their code and deliver nothing', () => {
  it('refuses forged, expired, alg none, HS256, garbage, empty and oversized bodies', async () => {
    const subscription = await live(UPDATED, { ids: ['sched-refused'] });
    const envelope = () => scheduleEnvelope({ scheduleId: 'sched-refused', sequence: nextSequence() });
    const forger = await testKeys();
    const now = Math.floor(Date.now() / 1_000);
    const cases: Array<[string, string | Uint8Array, number]> = [
      ['forged (another key)', await signedWebhook(forger.privateKey, envelope()), 401],
      ['expired', await signedWebhook(keys.privateKey, envelope(), { exp: now - 60 }), 401],
      ['not yet valid', await signedWebhook(keys.privateKey, envelope(), { nbf: now + 3_600 }), 401],
      ['alg none', new UnsecuredJWT({ data: JSON.stringify(envelope()) }).encode(), 401],
      [
        'HS256 signed with the public key as secret',
        await new SignJWT({ data: JSON.stringify(envelope()) })
          .setProtectedHeader({ alg: 'HS256' })
          .sign(createSecretKey(Buffer.from(keys.publicPem))),
        401,
      ],
      ['tampered payload', tamper(await signedWebhook(keys.privateKey, envelope())), 401],
      ['garbage', 'this is not a jwt', 400],
      ['binary garbage', new Uint8Array([0, 255, 1, 2, 3, 46, 46]), 400],
      ['empty', '', 400],
      ['three dots of nothing', '..', 400],
      ['JSON instead of a JWT', JSON.stringify(envelope()), 400],
      ['oversized', 'a'.repeat(1_024 * 1_024 + 10), 413],
    ];
    for (const [name, body, status] of cases) {
      const response = await postWebhook(gateway.url, body);
      expect({ name, status: response.status }).toEqual({ name, status });
    }
    // Delivery is in order: the first event this subscriber sees is the valid one sent last.
    await postWebhook(
      gateway.url,
      await signedWebhook(
        keys.privateKey,
        scheduleEnvelope({ scheduleId: 'sched-refused', sequence: nextSequence(), eventId: 'evt-valid' }),
      ),
    );
    expect((await subscription.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'evt-valid' } });
    expect(subscription.received).toHaveLength(1);
    subscription.unsubscribe();
  });

  it('refuses validly signed payloads of the wrong shape with 400', async () => {
    const inner = JSON.parse(scheduleEnvelope().data) as Record<string, unknown>;
    const shapes: Array<[string, object]> = [
      ['no data', { foo: 1 }],
      ['data not JSON', { data: '{not json' }],
      ['envelope without instanceId', { data: JSON.stringify({ eventType: 'wix.calendar.v3.schedule_updated', data: '{}' }) }],
      [
        'schedule event without a schedule',
        { data: JSON.stringify({ ...scheduleEnvelope(), data: JSON.stringify({ ...inner, updatedEvent: undefined }) }) },
      ],
      [
        'schedule without id',
        {
          data: JSON.stringify({
            ...scheduleEnvelope(),
            data: JSON.stringify({ ...inner, updatedEvent: { currentEntity: { name: 'x' } } }),
          }),
        },
      ],
      [
        'sequence not a number',
        { data: JSON.stringify({ ...scheduleEnvelope(), data: JSON.stringify({ ...inner, entityEventSequence: 'seven' }) }) },
      ],
    ];
    for (const [name, payload] of shapes) {
      const token = await new SignJWT(payload as Record<string, unknown>)
        .setProtectedHeader({ alg: 'RS256' })
        .setIssuedAt()
        .sign(keys.privateKey);
      const response = await postWebhook(gateway.url, token);
      expect({ name, status: response.status }).toEqual({ name, status: 400 });
    }
  });

  it('answers 401 to every webhook when no key is configured', async () => {
    const keyless = await startTestGateway({ upstreamUrl: upstream.url });
    try {
      const response = await postWebhook(keyless.url, await signedWebhook(keys.privateKey, scheduleEnvelope()));
      expect(response.status).toBe(401);
    } finally {
      await keyless.close();
    }
  });
});

describe('exactly once, in order', () => {
  it('acknowledges a redelivered event with 200 and does not deliver it again', async () => {
    const subscription = await live(UPDATED, { ids: ['sched-dup'] });
    const token = await signedWebhook(keys.privateKey, scheduleEnvelope({ scheduleId: 'sched-dup', sequence: 1, eventId: 'evt-dup' }));
    expect(await postWebhook(gateway.url, token)).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect(await postWebhook(gateway.url, token)).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    await postWebhook(
      gateway.url,
      await signedWebhook(keys.privateKey, scheduleEnvelope({ scheduleId: 'sched-dup', sequence: 2, eventId: 'evt-after-dup' })),
    );
    expect((await subscription.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'evt-dup' } });
    expect((await subscription.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'evt-after-dup' } });
    expect(subscription.received).toHaveLength(2);
    subscription.unsubscribe();
  });

  it('acknowledges a stale sequence with 200 and does not deliver it', async () => {
    const subscription = await live(UPDATED, { ids: ['sched-order'] });
    const post = async (seq: number, eventId: string) =>
      postWebhook(
        gateway.url,
        await signedWebhook(keys.privateKey, scheduleEnvelope({ scheduleId: 'sched-order', sequence: seq, eventId })),
      );
    expect(await post(5, 'evt-5')).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect(await post(4, 'evt-4-late')).toMatchObject({ status: 200, body: { status: 'stale' } });
    expect(await post(5, 'evt-5-again')).toMatchObject({ status: 200, body: { status: 'stale' } });
    expect(await post(6, 'evt-6')).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect((await subscription.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'evt-5' } });
    expect((await subscription.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'evt-6' } });
    expect(subscription.received).toHaveLength(2);
    subscription.unsubscribe();
  });

  it('orders int64 sequences beyond double precision exactly', async () => {
    const subscription = await live(UPDATED, { ids: ['sched-big'] });
    const post = async (seq: string, eventId: string) =>
      postWebhook(gateway.url, await signedWebhook(keys.privateKey, scheduleEnvelope({ scheduleId: 'sched-big', sequence: seq, eventId })));
    expect(await post('9007199254740993', 'evt-big-3')).toMatchObject({ body: { status: 'accepted' } });
    expect(await post('9007199254740992', 'evt-big-2')).toMatchObject({ body: { status: 'stale' } });
    expect((await subscription.next()).data).toMatchObject({ scheduleUpdated: { sequence: '9007199254740993' } });
    subscription.unsubscribe();
  });

  it('acknowledges other event types and ignores them', async () => {
    const token = await signedWebhook(keys.privateKey, { ...scheduleEnvelope(), eventType: 'wix.bookings.v2.booking_created' });
    expect(await postWebhook(gateway.url, token)).toMatchObject({ status: 200, body: { status: 'ignored' } });
  });
});

describe('WIX_INSTANCE_ID', () => {
  it('acknowledges and drops webhooks of other instances', async () => {
    const pinned = await startTestGateway({ upstreamUrl: upstream.url, webhookKeys: [keys.publicKey], instanceId: 'mine' });
    const pinnedClient = connect(pinned.wsUrl);
    try {
      const subscription = subscribe(pinnedClient, UPDATED);
      await waitFor(() => pinned.bus.listenerCount() === 1, 'the subscription');
      const foreign = await postWebhook(
        pinned.url,
        await signedWebhook(keys.privateKey, scheduleEnvelope({ instanceId: 'theirs', eventId: 'evt-theirs' })),
      );
      expect(foreign).toMatchObject({ status: 200, body: { status: 'foreign_instance' } });
      await postWebhook(
        pinned.url,
        await signedWebhook(keys.privateKey, scheduleEnvelope({ instanceId: 'mine', eventId: 'evt-mine', sequence: 2 })),
      );
      expect((await subscription.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'evt-mine' } });
      expect(subscription.received).toHaveLength(1);
    } finally {
      await pinnedClient.dispose();
      await pinned.close();
    }
  });
});

function tamper(token: string): string {
  const [header, payload, signature] = token.split('.');
  const decoded = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  decoded.data = String(decoded.data).replace('Name at', 'Hacked at');
  return [header, Buffer.from(JSON.stringify(decoded)).toString('base64url'), signature].join('.');
}
