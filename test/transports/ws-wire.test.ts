import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { postWebhook, scheduleEnvelope, signedWebhook } from '../helpers/webhooks.js';
import { waitFor } from '../helpers/ws-client.js';
import { gatewayOverFakeUpstream } from '../helpers/suite.js';

/** What the gateway writes on the wire, read from a raw socket: frames, envelopes, keep-alive. */
const KEEP_ALIVE_MS = 150;
const { gateway, keys } = gatewayOverFakeUpstream({ keepAliveMs: KEEP_ALIVE_MS, limits: { wsSharedExecution: true } });

interface Frame {
  text: string;
  binary: boolean;
}

async function open(options: WebSocket.ClientOptions = {}): Promise<{ socket: WebSocket; frames: Frame[] }> {
  const socket = new WebSocket(gateway.wsUrl, 'graphql-transport-ws', options);
  const frames: Frame[] = [];
  socket.on('message', (data: Buffer, binary) => frames.push({ text: data.toString('utf8'), binary }));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'connection_init' }));
  await waitFor(() => frames.length === 1, 'connection_ack');
  expect(JSON.parse(frames[0]!.text)).toEqual({ type: 'connection_ack' });
  return { socket, frames };
}

const closed = (socket: WebSocket) => new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

describe('the graphql-transport-ws wire', () => {
  it('writes one serialised payload to every subscriber as a text frame, each in its own envelope', async () => {
    const query = 'subscription { scheduleUpdated(scheduleIds: ["wire"]) { eventId schedule { id name } } }';
    const a = await open();
    const b = await open();
    // Two operations on one socket and one on another, all sharing one execution.
    a.socket.send(JSON.stringify({ id: 'first', type: 'subscribe', payload: { query } }));
    a.socket.send(JSON.stringify({ id: 'sécond "quoted"', type: 'subscribe', payload: { query } }));
    b.socket.send(JSON.stringify({ id: 'other', type: 'subscribe', payload: { query } }));
    await waitFor(() => gateway.sharedSubscriptionStats().consumers === 3, 'three subscribers on the share');
    const name = 'Zoë “wire” ✓';
    await postWebhook(
      gateway.url,
      await signedWebhook(
        keys.privateKey,
        scheduleEnvelope({ scheduleId: 'wire', eventId: 'wire-1', sequence: 1, schedule: { id: 'wire', name } }),
      ),
    );
    await waitFor(() => a.frames.length === 3 && b.frames.length === 2, 'the event on every subscription');
    const payload = { data: { scheduleUpdated: { eventId: 'wire-1', schedule: { id: 'wire', name } } } };
    const received = [...a.frames.slice(1), ...b.frames.slice(1)];
    expect(received.every((frame) => !frame.binary)).toBe(true);
    expect(
      received.map((frame) => JSON.parse(frame.text) as { id: string }).sort((x, y) => String(x.id).localeCompare(String(y.id))),
    ).toEqual([
      { id: 'first', type: 'next', payload },
      { id: 'other', type: 'next', payload },
      { id: 'sécond "quoted"', type: 'next', payload },
    ]);

    // A completed operation gets nothing more; the others of its share and its socket still do.
    a.socket.send(JSON.stringify({ id: 'first', type: 'complete' }));
    await waitFor(() => gateway.sharedSubscriptionStats().consumers === 2, 'two subscribers left');
    await postWebhook(
      gateway.url,
      await signedWebhook(
        keys.privateKey,
        scheduleEnvelope({ scheduleId: 'wire', eventId: 'wire-2', sequence: 2, schedule: { id: 'wire', name } }),
      ),
    );
    await waitFor(() => a.frames.length === 4 && b.frames.length === 3, 'the second event');
    expect(JSON.parse(a.frames[3]!.text)).toMatchObject({
      id: 'sécond "quoted"',
      type: 'next',
      payload: { data: { scheduleUpdated: { eventId: 'wire-2' } } },
    });
    expect(JSON.parse(b.frames[2]!.text)).toMatchObject({
      id: 'other',
      type: 'next',
      payload: { data: { scheduleUpdated: { eventId: 'wire-2' } } },
    });
    a.socket.close();
    b.socket.close();
    await waitFor(() => gateway.bus.listenerCount() === 0, 'the share to end');
    expect(a.frames).toHaveLength(4);
  });

  it('answers queries over the socket in text frames', async () => {
    const { socket, frames } = await open();
    socket.send(JSON.stringify({ id: 'q', type: 'subscribe', payload: { query: '{ __typename }' } }));
    await waitFor(() => frames.length === 3, 'next and complete');
    expect(frames.slice(1).map((frame) => [frame.binary, JSON.parse(frame.text) as unknown])).toEqual([
      [false, { id: 'q', type: 'next', payload: { data: { __typename: 'Query' } } }],
      [false, { id: 'q', type: 'complete' }],
    ]);
    socket.close();
  });

  it('keeps a socket that answers pings open, and terminates one that stops answering', async () => {
    const answering = await open();
    const silent = await open({ autoPong: false });
    const silentClosed = closed(silent.socket);
    let pings = 0;
    answering.socket.on('ping', () => (pings += 1));
    // Pinged at one interval; not answered by the next, it is terminated (1006: no close frame).
    expect(await silentClosed).toBe(1006);
    await new Promise((resolve) => setTimeout(resolve, 3 * KEEP_ALIVE_MS));
    expect(pings).toBeGreaterThanOrEqual(2);
    expect(answering.socket.readyState).toBe(WebSocket.OPEN);
    answering.socket.close();
  });
});
