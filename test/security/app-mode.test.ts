import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AppTokenProvider } from '../../src/datasources/app-tokens.js';
import { appModeOverEmulator } from '../helpers/suite.js';

const SECRET = 'app-mode-test-secret-long-enough-for-hs256';
const TENANT_A = 'aaaaaaaa-0000-4000-8000-00000000000a';
const TENANT_B = 'bbbbbbbb-0000-4000-8000-00000000000b';

const token = (tenant: string) =>
  new SignJWT({ instanceId: tenant, roles: ['calendar:write'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));

const { emulator, app } = appModeOverEmulator({ AUTH_JWT_SECRET: SECRET });

async function connectionIds(tenant: string): Promise<string[]> {
  const response = await fetch(`${app.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(tenant)}` },
    body: JSON.stringify({ query: '{ connections { connections { id schedule { id } } } }' }),
  });
  const body = (await response.json()) as { data: { connections: { connections: Array<{ id: string }> } }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data.connections.connections.map((c) => c.id);
}

describe('app mode: each tenant with its own access token', () => {
  it('answers each tenant with its own site data, and none of the other', async () => {
    const a = await connectionIds(TENANT_A);
    const b = await connectionIds(TENANT_B);
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBe(a.length);
    expect(a.filter((id) => b.includes(id))).toEqual([]);
    expect(new Set(a)).toEqual(new Set(emulator.store.tenant(TENANT_A).connections.keys()));
    expect(new Set(b)).toEqual(new Set(emulator.store.tenant(TENANT_B).connections.keys()));
  });

  it('asks Wix for a tenant token once, however many requests need it at the same time', async () => {
    emulator.clearCalls();
    const tenant = 'cccccccc-0000-4000-8000-00000000000c';
    await Promise.all(Array.from({ length: 20 }, () => connectionIds(tenant)));
    const tokenCalls = emulator.calls.filter((c) => c.path === '/oauth2/token');
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]?.body).toMatchObject({ grant_type: 'client_credentials', client_id: emulator.appId, instance_id: tenant });
    const apiCall = emulator.calls.find((c) => c.path.startsWith('/bookings/'));
    expect(apiCall?.headers.authorization).not.toMatch(/^Bearer /); // raw token, as the Wix SDK sends it
    expect(apiCall?.headers['wix-site-id']).toBeUndefined();
  });
});

describe('AppTokenProvider', () => {
  it('renews a token shortly before it expires, and keeps it until then', async () => {
    let now = 1_000_000;
    let issued = 0;
    const fakeFetch = (async () => {
      issued += 1;
      return new Response(JSON.stringify({ access_token: `token-${issued}`, expires_in: 3_600 }), { status: 200 });
    }) as unknown as typeof fetch;
    const provider = new AppTokenProvider({
      baseUrl: 'http://wix.invalid',
      appId: 'a',
      appSecret: 's',
      timeoutMs: 1_000,
      fetch: fakeFetch,
      now: () => now,
    });
    expect(await provider.token('i')).toBe('token-1');
    now += 3_600_000 - 61_000;
    expect(await provider.token('i')).toBe('token-1');
    now += 2_000;
    expect(await provider.token('i')).toBe('token-2');
  });

  it('reports refused app credentials as UPSTREAM_UNAUTHENTICATED and an unreachable Wix as UPSTREAM_UNAVAILABLE', async () => {
    const refused = new AppTokenProvider({ baseUrl: emulator.url, appId: emulator.appId, appSecret: 'wrong', timeoutMs: 1_000 });
    await expect(refused.token('i')).rejects.toMatchObject({ code: 'UPSTREAM_UNAUTHENTICATED' });
    const down = new AppTokenProvider({ baseUrl: 'http://127.0.0.1:9', appId: 'a', appSecret: 's', timeoutMs: 1_000 });
    await expect(down.token('i')).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });
});
