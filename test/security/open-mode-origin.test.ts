import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const EVIL = 'https://evil.example.com';

let upstream: FakeUpstream;
let open: TestGateway;
let authenticated: TestGateway;
beforeAll(async () => {
  upstream = await startFakeUpstream();
  open = await startTestGateway({ upstreamUrl: upstream.url });
  authenticated = await startTestGateway({
    upstreamUrl: upstream.url,
    authenticator: createAuthenticator({ kind: 'jwt', secret: 'a-caller-secret-of-at-least-32-characters', tenantClaim: 'instanceId' }),
  });
});
afterAll(async () => {
  await open.close();
  await authenticated.close();
  await upstream.close();
});

/** The HTTP status of a refused handshake, or 101 when the socket opened. */
function handshake(url: string, origin: string | undefined): Promise<number> {
  const socket = new WebSocket(url, 'graphql-transport-ws', origin ? { origin } : {});
  return new Promise<number>((resolve, reject) => {
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('error', reject);
  });
}

function preflight(url: string, origin: string) {
  return fetch(`${url}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
}

describe('open mode without CORS_ORIGINS: only the gateway’s own origin', () => {
  it('gives another origin no CORS permission over HTTP', async () => {
    expect((await preflight(open.url, EVIL)).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses another origin’s WebSocket handshake, so no page elsewhere can run mutations over it', async () => {
    expect(await handshake(open.wsUrl, EVIL)).toBe(401);
  });

  it('still lets the gateway’s own pages and clients without an Origin (servers) open a socket', async () => {
    expect(await handshake(open.wsUrl, open.url)).toBe(101);
    expect(await handshake(open.wsUrl, undefined)).toBe(101);
  });
});

describe('with caller authentication and no CORS_ORIGINS', () => {
  it('allows any origin: a page elsewhere still needs the caller’s token', async () => {
    expect((await preflight(authenticated.url, EVIL)).headers.get('access-control-allow-origin')).toBe(EVIL);
    expect(await handshake(authenticated.wsUrl, EVIL)).toBe(101);
  });
});
