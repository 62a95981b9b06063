import { describe, expect, it } from 'vitest';
import { DEMO_SCHEDULE_IDS } from '../../src/emulator/index.js';
import { emulatorForFile } from '../helpers/suite.js';
import { startTestGateway } from '../helpers/gateway.js';
import { subscribeOver } from '../helpers/stream-client.js';
import { waitFor } from '../helpers/ws-client.js';

/** GraphQL over SSE and multipart HTTP: the edges of the protocol, CSRF, and a graceful shutdown. */

const emulator = emulatorForFile();
const UPDATED = 'subscription { scheduleUpdated { cursor } }';

async function gatewayOnEmulator() {
  return startTestGateway({ upstreamUrl: emulator.url, apiKey: emulator.apiKey, siteId: emulator.siteId });
}

describe('GraphQL over SSE on /graphql/stream', () => {
  it('refuses what is not an event-stream request, and mutations over GET, with a clear 4xx', async () => {
    const gateway = await gatewayOnEmulator();
    try {
      const query = encodeURIComponent('{ schedule(id: "x") { id } }');
      const noAccept = await fetch(`${gateway.url}/graphql/stream?query=${query}`);
      expect(noAccept.status).toBe(406);
      const mutation = encodeURIComponent('mutation { cancelSchedule(id: "x") { userErrors { code } } }');
      const mutationOverGet = await fetch(`${gateway.url}/graphql/stream?query=${mutation}`, { headers: { accept: 'text/event-stream' } });
      expect(mutationOverGet.status).toBe(405);
      const noQuery = await fetch(`${gateway.url}/graphql/stream`, { headers: { accept: 'text/event-stream' } });
      expect(noQuery.status).toBe(400);
      const badVariables = await fetch(`${gateway.url}/graphql/stream?query=${query}&variables=%7Bnot-json`, {
        headers: { accept: 'text/event-stream' },
      });
      expect(badVariables.status).toBe(400);
      const textBody = await fetch(`${gateway.url}/graphql/stream`, {
        method: 'POST',
        headers: { accept: 'text/event-stream', 'content-type': 'text/plain' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(textBody.status).toBe(400);
    } finally {
      await gateway.close();
    }
  });

  it('refuses a simple cross-site GET as a possible CSRF before anything runs', async () => {
    const gateway = await gatewayOnEmulator();
    try {
      const response = await fetch(`${gateway.url}/graphql/stream?query=${encodeURIComponent(UPDATED)}`, {
        headers: { accept: 'text/event-stream', 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      });
      expect(response.status).toBe(400);
      expect(gateway.bus.listenerCount()).toBe(0);
    } finally {
      await gateway.close();
    }
  });

  it('answers a query as one `next` event, then `complete`', async () => {
    const gateway = await gatewayOnEmulator();
    try {
      const query = encodeURIComponent(`{ schedule(id: "${DEMO_SCHEDULE_IDS.business}") { id } }`);
      const response = await fetch(`${gateway.url}/graphql/stream?query=${query}`, { headers: { accept: 'text/event-stream' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      const text = await response.text();
      expect(text).toBe(
        `:\n\nevent: next\ndata: ${JSON.stringify({ data: { schedule: { id: DEMO_SCHEDULE_IDS.business } } })}\n\nevent: complete\ndata:\n\n`,
      );
    } finally {
      await gateway.close();
    }
  });
});

describe('shutting down', () => {
  it('ends open SSE and multipart streams with their closing event and boundary, and closes promptly', async () => {
    const gateway = await gatewayOnEmulator();
    const sse = subscribeOver('sse', gateway.url, UPDATED);
    const multipart = subscribeOver('multipart', gateway.url, 'subscription { scheduleCreated { cursor } }');
    await waitFor(() => gateway.bus.listenerCount() === 2, 'both streams');
    const started = Date.now();
    await gateway.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    // Both ended as their protocol ends a stream (no error): `complete`, and the closing boundary.
    expect(await sse.ended).toBeUndefined();
    expect(await multipart.ended).toBeUndefined();
  });
});
