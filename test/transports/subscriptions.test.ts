import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MemoryEventBus } from '../../src/bus/memory-bus.js';
import { startTestGateway } from '../helpers/gateway.js';
import { postWebhook, scheduleEnvelope, signedWebhook } from '../helpers/webhooks.js';
import { connect, subscribe, waitFor } from '../helpers/ws-client.js';
import { gatewayOverFakeUpstream } from '../helpers/suite.js';

const UPDATED = 'subscription($ids: [ID!], $since: String) { scheduleUpdated(scheduleIds: $ids, since: $since) { eventId cursor } }';

const { upstream, gateway, keys } = gatewayOverFakeUpstream({
  bus: new MemoryEventBus({ logSize: 50 }),
  connectionInitWaitTimeoutMs: 300,
  // These tests count one bus listener per subscription: shared execution is tested on its own.
  limits: { wsSharedExecution: false },
});
afterEach(async () => {
  await waitFor(() => gateway.bus.listenerCount() === 0, 'every listener to be removed');
});

const send = async (scheduleId: string, sequence: number, eventId = `${scheduleId}-${sequence}`) =>
  postWebhook(gateway.url, await signedWebhook(keys.privateKey, scheduleEnvelope({ scheduleId, sequence, eventId })));

describe('since: resume after a disconnect', () => {
  it('gives a client that missed events exactly the missed ones, in order, then live ones', async () => {
    const first = connect(gateway.wsUrl);
    const before = subscribe(first, UPDATED, { ids: ['res-1'] });
    await waitFor(() => gateway.bus.listenerCount() === 1, 'the subscription');
    await send('res-1', 1);
    const seen = (await before.next()).data as { scheduleUpdated: { cursor: string } };
    await first.dispose();
    await waitFor(() => gateway.bus.listenerCount() === 0, 'the disconnect');

    await send('res-1', 2);
    await send('res-other', 1);
    await send('res-1', 3);

    const second = connect(gateway.wsUrl);
    const resumed = subscribe(second, UPDATED, { ids: ['res-1'], since: seen.scheduleUpdated.cursor });
    expect((await resumed.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'res-1-2' } });
    expect((await resumed.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'res-1-3' } });
    await send('res-1', 4);
    expect((await resumed.next()).data).toMatchObject({ scheduleUpdated: { eventId: 'res-1-4' } });
    expect(resumed.received.map((r) => (r.data as { scheduleUpdated: { eventId: string } }).scheduleUpdated.eventId)).toEqual([
      'res-1-2',
      'res-1-3',
      'res-1-4',
    ]);
    await second.dispose();
  });

  it('answers a malformed cursor with BAD_USER_INPUT', async () => {
    const client = connect(gateway.wsUrl);
    for (const since of ['garbage!', 'bm90LWEtY3Vyc29y', '']) {
      const subscription = subscribe(client, UPDATED, { since });
      const message = await subscription.next();
      expect(message.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    await client.dispose();
  });

  it('answers a cursor older than the log holds with CURSOR_EXPIRED', async () => {
    const client = connect(gateway.wsUrl);
    const subscription = subscribe(client, UPDATED, { ids: ['old-1'] });
    await waitFor(() => gateway.bus.listenerCount() === 1, 'the subscription');
    await send('old-1', 1);
    const old = (await subscription.next()).data as { scheduleUpdated: { cursor: string } };
    subscription.unsubscribe();
    for (let i = 0; i < 60; i += 1) await send('filler', i + 1); // the log keeps 50
    const late = subscribe(client, UPDATED, { since: old.scheduleUpdated.cursor });
    expect((await late.next()).errors?.[0]?.extensions).toMatchObject({ code: 'CURSOR_EXPIRED' });
    await client.dispose();
  });
});

describe('subscriptions end cleanly', () => {
  it('returns the bus listeners to zero after many subscribe/unsubscribe cycles', async () => {
    const client = connect(gateway.wsUrl);
    for (let cycle = 0; cycle < 50; cycle += 1) {
      const subscription = subscribe(client, UPDATED, { ids: [`cycle-${cycle % 3}`] });
      await waitFor(() => gateway.bus.listenerCount() === 1, 'the subscription');
      subscription.unsubscribe();
      await waitFor(() => gateway.bus.listenerCount() === 0, 'the unsubscription');
    }
    // Several at once on several sockets, then the sockets drop without a goodbye.
    const sockets = Array.from({ length: 5 }, () => connect(gateway.wsUrl));
    for (const socket of sockets) for (let i = 0; i < 4; i += 1) subscribe(socket, UPDATED);
    await waitFor(() => gateway.bus.listenerCount() === 20, '20 subscriptions');
    for (const socket of sockets) socket.terminate();
    await waitFor(() => gateway.bus.listenerCount() === 0, 'the dropped sockets to release their listeners');
    await client.dispose();
  });
});

describe('graphql-transport-ws protocol', () => {
  function rawSocket() {
    const socket = new WebSocket(gateway.wsUrl, 'graphql-transport-ws');
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    return { socket, closed, open: new Promise((resolve) => socket.on('open', resolve)) };
  }

  it('closes a socket that never sends connection_init with 4408', async () => {
    const { closed } = rawSocket();
    expect((await closed).code).toBe(4408);
  });

  it('closes a socket that sends an invalid message with 4400', async () => {
    const { socket, closed, open } = rawSocket();
    await open;
    socket.send('{"type":"nonsense"}');
    expect((await closed).code).toBe(4400);
  });

  it('runs queries and mutations over the socket too', async () => {
    const client = connect(gateway.wsUrl);
    const result = await new Promise<unknown>((resolve, reject) =>
      client.subscribe({ query: '{ __typename }' }, { next: resolve, error: reject, complete: () => {} }),
    );
    expect(result).toEqual({ data: { __typename: 'Query' } });
    await client.dispose();
  });
});

describe('shutdown', () => {
  it('closes open sockets with 1001 (going away) when the gateway stops', async () => {
    const stopping = await startTestGateway({ upstreamUrl: upstream.url });
    const socket = new WebSocket(stopping.wsUrl, 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((resolve) => socket.once('message', resolve));
    await stopping.close();
    expect(await closed).toBe(1001);
  });
});
