import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { DEMO_SCHEDULE_IDS } from '../../src/emulator/index.js';
import { startTestGateway } from '../helpers/gateway.js';
import { postWebhook, scheduleEnvelope, signedWebhook } from '../helpers/webhooks.js';
import { connect, subscribe, waitFor } from '../helpers/ws-client.js';
import { gatewayOverEmulator } from '../helpers/suite.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'calendar-gateway';
const TENANT_A = 'tenant-a';
const TENANT_B = 'tenant-b';

interface TokenOptions {
  tenant?: string | undefined;
  roles?: string[];
  expiresIn?: string | number;
  issuer?: string;
  audience?: string;
  secret?: string;
}

async function token(options: TokenOptions = {}): Promise<string> {
  const claims: Record<string, unknown> = { roles: options.roles ?? [] };
  if (options.tenant !== undefined) claims.instanceId = options.tenant;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`user-${options.tenant ?? 'none'}`)
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

const { emulator, gateway, keys } = gatewayOverEmulator({
  authenticator: createAuthenticator({ kind: 'jwt', secret: SECRET, issuer: ISSUER, audience: AUDIENCE, tenantClaim: 'instanceId' }),
});

async function post(query: string, authorization?: string) {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> },
    headers: response.headers,
  };
}

async function badTokens(): Promise<Array<[string, string | undefined]>> {
  const valid = await token({ tenant: TENANT_A });
  const [header, payload] = valid.split('.');
  const forged = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
  forged.instanceId = TENANT_B;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2_048 });
  return [
    ['no token', undefined],
    ['not a bearer token', `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['garbage', 'Bearer not.a.jwt'],
    ['expired', `Bearer ${await token({ tenant: TENANT_A, expiresIn: Math.floor(Date.now() / 1_000) - 60 })}`],
    ['wrong issuer', `Bearer ${await token({ tenant: TENANT_A, issuer: 'https://evil.example.com' })}`],
    ['wrong audience', `Bearer ${await token({ tenant: TENANT_A, audience: 'someone-else' })}`],
    ['wrong secret', `Bearer ${await token({ tenant: TENANT_A, secret: 'another-secret-that-is-long-enough-too!' })}`],
    [
      'alg none',
      `Bearer ${new UnsecuredJWT({ instanceId: TENANT_A, iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1_000) + 600 }).encode()}`,
    ],
    [
      'RS256 from an unknown key',
      `Bearer ${await new SignJWT({ instanceId: TENANT_A }).setProtectedHeader({ alg: 'RS256' }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('1h').sign(rsa.privateKey)}`,
    ],
    ['tampered payload', `Bearer ${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${valid.split('.')[2]}`],
    ['no tenant claim', `Bearer ${await token({ tenant: undefined })}`],
    [
      'no expiry',
      `Bearer ${await new SignJWT({ instanceId: TENANT_A }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(AUDIENCE).sign(new TextEncoder().encode(SECRET))}`,
    ],
  ];
}

describe('caller authentication over HTTP', () => {
  it('refuses missing and bad tokens with 401 UNAUTHENTICATED before any upstream call', async () => {
    emulator.clearCalls();
    for (const [name, authorization] of await badTokens()) {
      const response = await post('{ connections { connections { id } } }', authorization);
      expect({ name, status: response.status, code: response.body.errors?.[0]?.extensions?.code }).toEqual({
        name,
        status: 401,
        code: 'UNAUTHENTICATED',
      });
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect(emulator.calls).toHaveLength(0);
  });

  it('lets a valid token query, and refuses mutations without calendar:write as FORBIDDEN', async () => {
    const reader = `Bearer ${await token({ tenant: TENANT_A })}`;
    expect((await post('{ connections { connections { id } } }', reader)).body.errors).toBeUndefined();
    emulator.clearCalls();
    const mutation = `mutation { updateSchedule(schedule: { id: "${DEMO_SCHEDULE_IDS.business}", revision: "1", name: "x" }) { userErrors { code } } }`;
    const refused = await post(mutation, reader);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(emulator.calls).toHaveLength(0);
    const writer = `Bearer ${await token({ tenant: TENANT_A, roles: ['calendar:write'] })}`;
    expect((await post(mutation, writer)).body.errors).toBeUndefined();
  });

  it('still serves the Sandbox page to a browser without a token, but no data', async () => {
    const page = await fetch(`${gateway.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const sneaky = await fetch(`${gateway.url}/graphql?query=${encodeURIComponent('{ connections { connections { id } } }')}`, {
      headers: { accept: 'text/html, application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await sneaky.text()).not.toContain('"connections"');
  });
});

describe('caller authentication over WebSocket (connection_init)', () => {
  it('closes sockets with bad tokens with 4403', async () => {
    for (const [name, authorization] of await badTokens()) {
      const socket = new WebSocket(gateway.wsUrl, 'graphql-transport-ws');
      const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
      await new Promise((resolve) => socket.on('open', resolve));
      socket.send(JSON.stringify({ type: 'connection_init', payload: authorization ? { authorization } : {} }));
      expect({ name, code: await closed }).toEqual({ name, code: 4403 });
    }
  });

  it('closes a socket with 4403 when its token expires', async () => {
    const shortLived = await token({ tenant: TENANT_A, expiresIn: Math.floor(Date.now() / 1_000) + 2 });
    const socket = new WebSocket(gateway.wsUrl, 'graphql-transport-ws');
    const messages: string[] = [];
    socket.on('message', (data: Buffer) => messages.push(data.toString()));
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${shortLived}` } }));
    expect(await closed).toBe(4403);
    expect(messages).toContain('{"type":"connection_ack"}');
  });

  it('refuses mutations over the socket without calendar:write', async () => {
    const client = connect(gateway.wsUrl, { connectionParams: { authorization: `Bearer ${await token({ tenant: TENANT_A })}` } });
    const result = subscribe(client, `mutation { updateSchedule(schedule: { id: "x", revision: "1" }) { userErrors { code } } }`);
    expect((await result.next()).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await client.dispose();
  });
});

describe('tenancy', () => {
  it('delivers each tenant only its own events, over many events', async () => {
    const clientA = connect(gateway.wsUrl, { connectionParams: { authorization: `Bearer ${await token({ tenant: TENANT_A })}` } });
    const clientB = connect(gateway.wsUrl, { connectionParams: { authorization: `Bearer ${await token({ tenant: TENANT_B })}` } });
    const query = 'subscription { scheduleUpdated { eventId schedule { id } } }';
    const a = subscribe(clientA, query);
    const b = subscribe(clientB, query);
    await waitFor(() => gateway.bus.listenerCount() === 2, 'both subscriptions');
    const sent = { [TENANT_A]: [] as string[], [TENANT_B]: [] as string[] };
    for (let i = 0; i < 40; i += 1) {
      const tenant = i % 3 === 0 ? TENANT_B : TENANT_A;
      const eventId = `${tenant}-evt-${i}`;
      sent[tenant].push(eventId);
      const response = await postWebhook(
        gateway.url,
        await signedWebhook(keys.privateKey, scheduleEnvelope({ instanceId: tenant, scheduleId: `s-${i}`, sequence: 1, eventId })),
      );
      expect(response.status).toBe(200);
    }
    const receivedA: string[] = [];
    for (let i = 0; i < sent[TENANT_A].length; i += 1)
      receivedA.push(((await a.next()).data as { scheduleUpdated: { eventId: string } }).scheduleUpdated.eventId);
    const receivedB: string[] = [];
    for (let i = 0; i < sent[TENANT_B].length; i += 1)
      receivedB.push(((await b.next()).data as { scheduleUpdated: { eventId: string } }).scheduleUpdated.eventId);
    expect(receivedA).toEqual(sent[TENANT_A]);
    expect(receivedB).toEqual(sent[TENANT_B]);
    // One more event of each tenant proves nothing else was queued behind.
    await postWebhook(
      gateway.url,
      await signedWebhook(keys.privateKey, scheduleEnvelope({ instanceId: TENANT_B, scheduleId: 'last', sequence: 1, eventId: 'last-b' })),
    );
    expect(((await b.next()).data as { scheduleUpdated: { eventId: string } }).scheduleUpdated.eventId).toBe('last-b');
    expect(a.received).toHaveLength(sent[TENANT_A].length);
    await clientA.dispose();
    await clientB.dispose();
  });

  it('refuses a tenant the API-key gateway does not serve (WIX_INSTANCE_ID) as FORBIDDEN', async () => {
    const pinned = await startTestGateway({
      upstreamUrl: emulator.url,
      apiKey: emulator.apiKey,
      siteId: emulator.siteId,
      authenticator: createAuthenticator({ kind: 'jwt', secret: SECRET, tenantClaim: 'instanceId' }, { servedTenant: TENANT_A }),
    });
    try {
      emulator.clearCalls();
      const other = await fetch(`${pinned.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token({ tenant: TENANT_B })}` },
        body: JSON.stringify({ query: '{ connections { connections { id } } }' }),
      });
      expect(other.status).toBe(403);
      expect(((await other.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('FORBIDDEN');
      expect(emulator.calls).toHaveLength(0);
      const own = await fetch(`${pinned.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token({ tenant: TENANT_A })}` },
        body: JSON.stringify({ query: '{ connections { connections { id } } }' }),
      });
      expect(own.status).toBe(200);
    } finally {
      await pinned.close();
    }
  });
});
