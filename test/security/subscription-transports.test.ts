import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { encodeCursor } from '../../src/bus/cursor.js';
import { gatewayOverEmulator } from '../helpers/suite.js';
import { STREAM_TRANSPORTS, subscribeOver, type StreamSubscription } from '../helpers/stream-client.js';
import { postWebhook, scheduleEnvelope, signedWebhook } from '../helpers/webhooks.js';
import { waitFor } from '../helpers/ws-client.js';

/**
 * The security rules of subscriptions hold alike over the three transports: graphql-ws, GraphQL over
 * SSE (/graphql/stream) and Apollo's multipart HTTP protocol (POST /graphql): auth, tenancy, limits,
 * resume with `since`.
 */

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const TENANT_A = 'tenant-a';
const TENANT_B = 'tenant-b';

function token(tenant: string, subject = `user-${tenant}`): Promise<string> {
  return new SignJWT({ instanceId: tenant, roles: [] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));
}

const { gateway, keys } = gatewayOverEmulator({
  authenticator: createAuthenticator({ kind: 'jwt', secret: SECRET, tenantClaim: 'instanceId' }),
  limits: { httpMaxStreamsPerCaller: 2, wsMaxSocketsPerCaller: 50 },
});

const UPDATED =
  'subscription($since: String, $ids: [ID!]) { scheduleUpdated(since: $since, scheduleIds: $ids) { eventId cursor schedule { id } } }';

async function publish(tenant: string, scheduleId: string, sequence: number, eventId: string): Promise<void> {
  const response = await postWebhook(
    gateway.url,
    await signedWebhook(keys.privateKey, scheduleEnvelope({ instanceId: tenant, scheduleId, sequence, eventId })),
  );
  expect(response.status).toBe(200);
}

interface Updated {
  scheduleUpdated: { eventId: string; cursor: string; schedule: { id: string } };
}
const eventIdOf = (result: { data?: unknown }) => (result.data as Updated).scheduleUpdated.eventId;

async function attached(subscription: StreamSubscription, before: number): Promise<void> {
  await waitFor(() => gateway.bus.listenerCount() > before || subscription.received.length > 0, 'the subscription to be attached');
}

describe.each(STREAM_TRANSPORTS)('subscriptions over %s', (transport) => {
  it('refuse a caller without a valid token, and deliver nothing', async () => {
    for (const authorization of [undefined, 'Bearer not-a-jwt', `Bearer ${await token(TENANT_A)}x`]) {
      const subscription = subscribeOver(transport, gateway.url, UPDATED, {}, authorization);
      await subscription.ended;
      if (transport === 'ws') {
        // graphql-ws: the socket is closed with 4403 at connection_init.
        expect(subscription.received).toEqual([]);
      } else {
        expect(subscription.status).toBe(401);
        expect(subscription.received[0]?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      }
      subscription.unsubscribe();
    }
    expect(gateway.bus.listenerCount()).toBe(0);
  });

  it('deliver each tenant only its own events', async () => {
    const before = gateway.bus.listenerCount();
    const a = subscribeOver(transport, gateway.url, UPDATED, {}, `Bearer ${await token(TENANT_A)}`);
    const b = subscribeOver(transport, gateway.url, UPDATED, {}, `Bearer ${await token(TENANT_B)}`);
    await waitFor(() => gateway.bus.listenerCount() === before + 2, 'both subscriptions');
    const sent: Record<string, string[]> = { [TENANT_A]: [], [TENANT_B]: [] };
    for (let i = 0; i < 12; i += 1) {
      const tenant = i % 3 === 0 ? TENANT_B : TENANT_A;
      const eventId = `${transport}-${tenant}-${i}`;
      sent[tenant]!.push(eventId);
      await publish(tenant, `${transport}-tenancy-${i}`, 1, eventId);
    }
    const receivedA: string[] = [];
    for (let i = 0; i < sent[TENANT_A]!.length; i += 1) receivedA.push(eventIdOf(await a.next()));
    const receivedB: string[] = [];
    for (let i = 0; i < sent[TENANT_B]!.length; i += 1) receivedB.push(eventIdOf(await b.next()));
    expect(receivedA).toEqual(sent[TENANT_A]);
    expect(receivedB).toEqual(sent[TENANT_B]);
    await publish(TENANT_B, `${transport}-tenancy-last`, 1, `${transport}-last-b`);
    expect(eventIdOf(await b.next())).toBe(`${transport}-last-b`);
    expect(a.received).toHaveLength(sent[TENANT_A]!.length);
    a.unsubscribe();
    b.unsubscribe();
    await waitFor(() => gateway.bus.listenerCount() === before, 'both subscriptions to end');
  });

  it('resume with `since`: what was published meanwhile, once, then live', async () => {
    const authorization = `Bearer ${await token(TENANT_A)}`;
    const ids = [`${transport}-resume`];
    const before = gateway.bus.listenerCount();
    const first = subscribeOver(transport, gateway.url, UPDATED, { ids }, authorization);
    await attached(first, before);
    await publish(TENANT_A, ids[0]!, 1, `${transport}-r1`);
    const seen = (await first.next()).data as unknown as Updated;
    first.unsubscribe();
    await waitFor(() => gateway.bus.listenerCount() === before, 'the first subscription to end');
    // Missed while away.
    await publish(TENANT_A, ids[0]!, 2, `${transport}-r2`);
    await publish(TENANT_A, ids[0]!, 3, `${transport}-r3`);
    const resumed = subscribeOver(transport, gateway.url, UPDATED, { ids, since: seen.scheduleUpdated.cursor }, authorization);
    expect(eventIdOf(await resumed.next())).toBe(`${transport}-r2`);
    expect(eventIdOf(await resumed.next())).toBe(`${transport}-r3`);
    await publish(TENANT_A, ids[0]!, 4, `${transport}-r4`);
    expect(eventIdOf(await resumed.next())).toBe(`${transport}-r4`);
    expect(resumed.received).toHaveLength(3);
    resumed.unsubscribe();
  });

  it('answer a malformed or expired cursor with its error code, not a stream', async () => {
    const authorization = `Bearer ${await token(TENANT_A)}`;
    const malformed = subscribeOver(transport, gateway.url, UPDATED, { since: 'not-a-cursor' }, authorization);
    expect((await malformed.next()).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    malformed.unsubscribe();
    // A well-formed cursor of another log (a restarted in-memory bus): the log does not cover it.
    const foreign = encodeCursor({ kind: 'm', logId: 'another-log', position: '1' });
    const expired = subscribeOver(transport, gateway.url, UPDATED, { since: foreign }, authorization);
    expect((await expired.next()).errors?.[0]?.extensions?.code).toBe('CURSOR_EXPIRED');
    expired.unsubscribe();
  });

  it('apply the document limits and the argument limits', async () => {
    const authorization = `Bearer ${await token(TENANT_A)}`;
    const tooManyIds = subscribeOver(
      transport,
      gateway.url,
      UPDATED,
      { ids: Array.from({ length: 101 }, (_, i) => `s-${i}`) },
      authorization,
    );
    expect((await tooManyIds.next()).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    tooManyIds.unsubscribe();
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: scheduleUpdated { eventId }`).join(' ');
    const tooManyAliases = subscribeOver(transport, gateway.url, `subscription { ${aliases} }`, {}, authorization);
    const refused = await tooManyAliases.next();
    expect(refused.data ?? undefined).toBeUndefined();
    expect(refused.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    tooManyAliases.unsubscribe();
    const invalid = subscribeOver(transport, gateway.url, 'subscription { scheduleUpdated { nope } }', {}, authorization);
    expect((await invalid.next()).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    invalid.unsubscribe();
  });

  if (transport !== 'ws') {
    it('holds at most HTTP_MAX_STREAMS_PER_CALLER streams per caller', async () => {
      const authorization = `Bearer ${await token(TENANT_A, `${transport}-limited`)}`;
      const before = gateway.bus.listenerCount();
      // Different variables: identical subscriptions would share one bus subscription.
      const open = [0, 1].map((i) => subscribeOver(transport, gateway.url, UPDATED, { ids: [`limit-${i}`] }, authorization));
      await waitFor(() => gateway.bus.listenerCount() === before + 2, 'two streams');
      const third = subscribeOver(transport, gateway.url, UPDATED, { ids: ['limit-2'] }, authorization);
      expect((await third.next()).errors?.[0]?.extensions?.code).toBe('TOO_MANY_SUBSCRIPTIONS');
      expect(third.status).toBe(429);
      // Another caller is not held by this one's streams.
      const other = subscribeOver(
        transport,
        gateway.url,
        UPDATED,
        { ids: ['limit-3'] },
        `Bearer ${await token(TENANT_A, `${transport}-other`)}`,
      );
      await waitFor(() => gateway.bus.listenerCount() === before + 3, 'the other caller');
      for (const subscription of [...open, other]) subscription.unsubscribe();
      await waitFor(() => gateway.bus.listenerCount() === before, 'the streams to end');
      // Once closed, they count no more.
      const again = subscribeOver(transport, gateway.url, UPDATED, {}, authorization);
      await waitFor(() => gateway.bus.listenerCount() === before + 1, 'a new stream');
      again.unsubscribe();
    });
  }
});
