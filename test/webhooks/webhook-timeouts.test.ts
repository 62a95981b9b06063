import { connect as tcpConnect, type Socket } from 'node:net';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postWebhook, scheduleEnvelope, signedWebhook, testKeys, type TestKeys } from '../helpers/webhooks.js';

const BODY_TIMEOUT_MS = 300; // the gateway's 10 s, shortened for the test

let upstream: FakeUpstream;
let gateway: TestGateway;
let keys: TestKeys;

beforeAll(async () => {
  keys = await testKeys();
  upstream = await startFakeUpstream();
  gateway = await startTestGateway({ upstreamUrl: upstream.url, webhookKeys: [keys.publicKey], webhookBodyTimeoutMs: BODY_TIMEOUT_MS });
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

/** Sends the headers and the first bytes of a body that never completes; resolves with all the server said and whether it closed. */
function slowWebhook(): Promise<{ text: string; closed: boolean }> {
  const { hostname, port } = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const socket: Socket = tcpConnect(Number(port), hostname, () => {
      socket.write(
        `POST /webhooks/wix HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: text/plain\r\nContent-Length: 5000\r\n\r\neyJhbGciOi`,
      );
    });
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.on('close', () => resolve({ text, closed: true }));
    socket.on('error', reject);
  });
}

describe('a webhook body that does not arrive', () => {
  it('is answered 408 once the body timeout passes, and its connection is closed', async () => {
    const { text, closed } = await slowWebhook();
    expect(text.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
    expect(text).toContain('The request body did not arrive in time.');
    expect(closed).toBe(true);
  });

  it('does not keep the gateway from answering others meanwhile', async () => {
    const slow = Array.from({ length: 20 }, () => slowWebhook());
    const token = await signedWebhook(keys.privateKey, scheduleEnvelope({ scheduleId: 'sched-timeouts', sequence: 1 }));
    expect((await postWebhook(gateway.url, token)).status).toBe(200);
    for (const { text } of await Promise.all(slow)) expect(text).toContain(' 408 ');
  });
});

describe('slow HTTP requests in general', () => {
  it('are bounded by the server: headers within 10 s, the whole request within 30 s (Node answers 408)', () => {
    expect(gateway.httpServer.headersTimeout).toBe(10_000);
    expect(gateway.httpServer.requestTimeout).toBe(30_000);
  });
});

describe('a captured webhook replayed after the dedupe window', () => {
  it('is refused with 401 when it has no exp and was issued more than 48 h ago', async () => {
    const issuedAt = Math.floor(Date.now() / 1_000) - 49 * 3_600;
    const envelope = scheduleEnvelope({ scheduleId: 'sched-timeouts', sequence: 2 });
    const old = await new SignJWT({ data: JSON.stringify(envelope) })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuedAt(issuedAt)
      .sign(keys.privateKey);
    const answer = await postWebhook(gateway.url, old);
    expect(answer).toEqual({ status: 401, body: { status: 'refused', reason: 'token older than 48 h (iat)' } });
  });
});
