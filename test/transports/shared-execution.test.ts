import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { postWebhook, scheduleEnvelope, signedWebhook } from '../helpers/webhooks.js';
import { gatewayOverFakeUpstream } from '../helpers/suite.js';
import { connect, subscribe, waitFor } from '../helpers/ws-client.js';

const SECRET = 'shared-execution-test-secret-long-enough';
const UPDATED = 'subscription($ids: [ID!]) { scheduleUpdated(scheduleIds: $ids) { eventId schedule { id name } } }';

const bearer = async (tenant: string) =>
  `Bearer ${await new SignJWT({ instanceId: tenant }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(SECRET))}`;

const { gateway, keys } = gatewayOverFakeUpstream({
  authenticator: createAuthenticator({ kind: 'jwt', secret: SECRET, tenantClaim: 'instanceId' }),
  limits: { wsSharedExecution: true, wsMaxQueuedEvents: 20 },
});
afterEach(async () => {
  await waitFor(() => gateway.bus.listenerCount() === 0, 'every listener to be removed');
});

const send = async (tenant: string, scheduleId: string, eventId: string, extra: Record<string, unknown> = {}) =>
  postWebhook(
    gateway.url,
    await signedWebhook(
      keys.privateKey,
      scheduleEnvelope({
        instanceId: tenant,
        scheduleId,
        eventId,
        sequence: Date.now(),
        schedule: { id: scheduleId, name: eventId, ...extra },
      }),
    ),
  );

describe('subscribers of one document, variables and tenant share one execution', () => {
  it('attaches one bus listener for many identical subscriptions, and every one receives every event', async () => {
    const clients = await Promise.all(
      Array.from({ length: 5 }, async () => connect(gateway.wsUrl, { connectionParams: { authorization: await bearer('t1') } })),
    );
    const subscriptions = clients.flatMap((client) => [
      subscribe(client, UPDATED, { ids: ['s1'] }),
      subscribe(client, UPDATED, { ids: ['s1'] }),
    ]);
    await waitFor(() => gateway.sharedSubscriptionStats().consumers === 10, 'ten subscribers on the share');
    expect(gateway.sharedSubscriptionStats().streams).toBe(1);
    expect(gateway.bus.listenerCount()).toBe(1);
    await send('t1', 's1', 'shared-1');
    for (const s of subscriptions)
      expect((await s.next()).data).toEqual({ scheduleUpdated: { eventId: 'shared-1', schedule: { id: 's1', name: 'shared-1' } } });
    for (const client of clients) await client.dispose();
  });

  it('never shares across variables: each subscriber gets only its own schedules', async () => {
    const client = connect(gateway.wsUrl, { connectionParams: { authorization: await bearer('t1') } });
    const a = subscribe(client, UPDATED, { ids: ['a'] });
    const b = subscribe(client, UPDATED, { ids: ['b'] });
    await waitFor(() => gateway.bus.listenerCount() === 2, 'two streams');
    await send('t1', 'a', 'for-a');
    await send('t1', 'b', 'for-b');
    expect((await a.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'for-a' } });
    expect((await b.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'for-b' } });
    await send('t1', 'b', 'for-b-2');
    expect((await b.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'for-b-2' } });
    expect(a.received).toHaveLength(1);
    await client.dispose();
  });

  it('never shares across tenants: the same document sees only its own tenant’s events', async () => {
    const one = connect(gateway.wsUrl, { connectionParams: { authorization: await bearer('t1') } });
    const two = connect(gateway.wsUrl, { connectionParams: { authorization: await bearer('t2') } });
    const query = 'subscription { scheduleUpdated { eventId } }';
    const s1 = subscribe(one, query);
    const s2 = subscribe(two, query);
    await waitFor(() => gateway.bus.listenerCount() === 2, 'one stream per tenant');
    await send('t1', 'x', 'only-t1');
    await send('t2', 'x', 'only-t2');
    expect((await s1.next()).data).toEqual({ scheduleUpdated: { eventId: 'only-t1' } });
    expect((await s2.next()).data).toEqual({ scheduleUpdated: { eventId: 'only-t2' } });
    await send('t2', 'x', 'only-t2-again');
    expect((await s2.next()).data).toEqual({ scheduleUpdated: { eventId: 'only-t2-again' } });
    expect(s1.received).toHaveLength(1);
    await one.dispose();
    await two.dispose();
  });

  it('does not share a resuming subscription (since): each replays its own history', async () => {
    const client = connect(gateway.wsUrl, { connectionParams: { authorization: await bearer('t1') } });
    const live = subscribe(client, 'subscription { scheduleUpdated(scheduleIds: ["r"]) { eventId cursor } }');
    await waitFor(() => gateway.bus.listenerCount() === 1, 'the live stream');
    await send('t1', 'r', 'r-1');
    const cursor = ((await live.next()).data as { scheduleUpdated: { cursor: string } }).scheduleUpdated.cursor;
    await send('t1', 'r', 'r-2');
    const query = 'subscription($since: String) { scheduleUpdated(scheduleIds: ["r"], since: $since) { eventId } }';
    const resumedA = subscribe(client, query, { since: cursor });
    const resumedB = subscribe(client, query, { since: cursor });
    expect((await resumedA.next()).data).toEqual({ scheduleUpdated: { eventId: 'r-2' } });
    expect((await resumedB.next()).data).toEqual({ scheduleUpdated: { eventId: 'r-2' } });
    expect(gateway.bus.listenerCount()).toBe(3);
    await client.dispose();
  });

  it('closes a sharing consumer that stops reading while the others of its share keep receiving', async () => {
    const slow = new WebSocket(gateway.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => slow.on('open', resolve));
    slow.send(JSON.stringify({ type: 'connection_init', payload: { authorization: await bearer('t1') } }));
    await new Promise((resolve) => slow.once('message', resolve));
    const query = 'subscription { scheduleUpdated(scheduleIds: ["big"]) { eventId schedule { extendedFields } } }';
    slow.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
    const healthy = connect(gateway.wsUrl, { connectionParams: { authorization: await bearer('t1') } });
    const live = subscribe(healthy, query);
    await waitFor(() => gateway.sharedSubscriptionStats().consumers === 2, 'both on one share');
    slow.pause(); // stops reading from its TCP socket: the gateway's writes pile up
    const blob = { namespaces: { '@demo/app': { blob: 'x'.repeat(60_000) } } };
    let sent = 0;
    // The gateway closes the slow socket, which leaves the share: one subscriber is left.
    while (gateway.sharedSubscriptionStats().consumers === 2 && sent < 1_000) {
      await send('t1', 'big', `big-${sent}`, { extendedFields: blob });
      sent += 1;
    }
    expect(gateway.sharedSubscriptionStats().consumers).toBe(1);
    for (let i = 0; i < sent; i += 1) await live.next();
    expect(live.received).toHaveLength(sent);
    slow.terminate();
    await healthy.dispose();
  });
});
