import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/auth/authenticator.js';

describe('caller authentication with a public key', () => {
  it.each([
    ['RS256', generateKeyPairSync('rsa', { modulusLength: 2_048 })],
    ['ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' })],
  ] as const)('verifies %s tokens against AUTH_JWT_PUBLIC_KEY and refuses the other algorithm', async (alg, pair) => {
    const publicKey = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const authenticator = createAuthenticator({ kind: 'jwt', publicKey, tenantClaim: 'instanceId' });
    const token = await new SignJWT({ instanceId: 'site-1', roles: ['calendar:write'] })
      .setProtectedHeader({ alg })
      .setSubject('u1')
      .setExpirationTime('5m')
      .sign(pair.privateKey);
    await expect(authenticator.authenticate(`Bearer ${token}`)).resolves.toMatchObject({
      authenticated: true,
      tenant: 'site-1',
      subject: 'u1',
    });
    const hs = await new SignJWT({ instanceId: 'site-1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(publicKey));
    await expect(authenticator.authenticate(`Bearer ${hs}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses a key it cannot use, naming the variable', () => {
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => createAuthenticator({ kind: 'jwt', publicKey: ed, tenantClaim: 'instanceId' })).toThrow(/AUTH_JWT_PUBLIC_KEY/);
  });
});
