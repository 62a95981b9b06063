import { createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type CryptoKey, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AuthMode } from '../infra/config.js';
import { AuthUnavailableError, ForbiddenError, UnauthenticatedError } from '../infra/errors.js';
import { OPEN_CALLER, type Caller } from './caller.js';

export interface Authenticator {
  readonly open: boolean;
  /**
   * Verifies an `Authorization: Bearer <jwt>` value and returns the caller. Throws
   * UnauthenticatedError for a missing or bad token, ForbiddenError for a tenant this gateway
   * does not serve, and AuthUnavailableError when the JWKS cannot be fetched (down, slow, broken).
   */
  authenticate(authorization: string | undefined): Promise<Caller>;
}

type Verifier = { key: Promise<CryptoKey> | JWTVerifyGetKey; algorithms: string[] };

/**
 * Keys are imported into WebCrypto once: jose verifies with WebCrypto and would otherwise import
 * a secret or KeyObject again for every token.
 */
function importOnce(key: KeyObject, algorithm: 'RS256' | 'ES256'): Promise<CryptoKey> {
  const params = algorithm === 'RS256' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: 'P-256' };
  return webcrypto.subtle.importKey('spki', key.export({ type: 'spki', format: 'der' }), params, false, ['verify']);
}

function verifierOf(mode: Extract<AuthMode, { kind: 'jwt' }>): Verifier {
  if (mode.secret) {
    const secret = webcrypto.subtle.importKey('raw', new TextEncoder().encode(mode.secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'verify',
    ]);
    return { key: secret, algorithms: ['HS256'] };
  }
  if (mode.publicKey) {
    let key: KeyObject;
    try {
      key = createPublicKey(
        mode.publicKey.includes('-----BEGIN') ? mode.publicKey : Buffer.from(mode.publicKey, 'base64').toString('utf8'),
      );
    } catch {
      throw new Error('AUTH_JWT_PUBLIC_KEY: not a valid public key PEM.');
    }
    if (key.asymmetricKeyType === 'rsa') return { key: importOnce(key, 'RS256'), algorithms: ['RS256'] };
    if (key.asymmetricKeyType === 'ec') return { key: importOnce(key, 'ES256'), algorithms: ['ES256'] };
    throw new Error(`AUTH_JWT_PUBLIC_KEY: ${key.asymmetricKeyType ?? 'this'} keys are not supported; use RSA (RS256) or EC P-256 (ES256).`);
  }
  if (mode.jwksUrl) {
    const timeoutDuration = mode.jwksTimeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS;
    return { key: createRemoteJWKSet(new URL(mode.jwksUrl), { timeoutDuration }), algorithms: ['RS256', 'ES256'] };
  }
  throw new Error('AUTH_JWT_SECRET: no verification key configured.');
}

const DEFAULT_JWKS_TIMEOUT_MS = 3_000;

/**
 * The JWKS could not be had (unreachable, too slow, not 200, not a key set): the token was never
 * checked, so the caller is not told it is wrong. A key set without the token's key is a bad token.
 */
function jwksUnavailable(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true; // fetch's own network errors
  return error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error.code === errors.JOSEError.code;
}

const BEARER = /^Bearer ([\w-]+\.[\w-]+\.[\w-]*)$/i;

/**
 * Caller authentication with jose: HS256 with a shared secret, or RS256 / ES256 with a public key
 * or a JWKS URL; issuer and audience checked when configured; `exp` required.
 */
export function createAuthenticator(mode: AuthMode, options: { servedTenant?: string | undefined } = {}): Authenticator {
  if (mode.kind === 'open') return { open: true, authenticate: () => Promise.resolve(OPEN_CALLER) };
  const verifier = verifierOf(mode);
  return {
    open: false,
    async authenticate(authorization) {
      const token = authorization ? BEARER.exec(authorization.trim())?.[1] : undefined;
      if (!token)
        throw new UnauthenticatedError(authorization ? 'The Authorization header is not `Bearer <JWT>`.' : 'A bearer token is required.');
      let payload: JWTPayload;
      try {
        const options = {
          algorithms: verifier.algorithms,
          requiredClaims: ['exp'],
          ...(mode.issuer ? { issuer: mode.issuer } : {}),
          ...(mode.audience ? { audience: mode.audience } : {}),
        };
        ({ payload } =
          typeof verifier.key === 'function'
            ? await jwtVerify(token, verifier.key, options)
            : await jwtVerify(token, await verifier.key, options));
      } catch (error) {
        if (mode.jwksUrl && jwksUnavailable(error)) throw new AuthUnavailableError();
        throw new UnauthenticatedError(error instanceof errors.JWTExpired ? 'The token has expired.' : 'The token is not valid.');
      }
      const tenant = payload[mode.tenantClaim];
      if (typeof tenant !== 'string' || tenant === '')
        throw new UnauthenticatedError(`The token has no \`${mode.tenantClaim}\` claim naming the tenant.`);
      if (options.servedTenant && tenant !== options.servedTenant) throw new ForbiddenError('This gateway does not serve your tenant.');
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((role): role is string => typeof role === 'string') : [];
      return {
        authenticated: true,
        subject: payload.sub,
        tenant,
        roles: new Set(roles),
        expiresAt: typeof payload.exp === 'number' ? payload.exp * 1_000 : undefined,
      };
    },
  };
}
