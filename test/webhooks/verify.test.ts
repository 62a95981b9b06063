import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { WebhookRefusal, WebhookVerifier } from '../../src/webhooks/verify.js';

const rsa = (modulusLength = 2_048) => generateKeyPairSync('rsa', { modulusLength });
const key = rsa();
const other = rsa();
const now = () => Math.floor(Date.now() / 1_000);

/** A compact RS256 JWS over exactly these header and payload bytes (for shapes jose would not sign). */
function handMade(privateKey: KeyObject, header: object | string, payload: object | Buffer): string {
  const encode = (part: object | string | Buffer) =>
    Buffer.from(Buffer.isBuffer(part) ? part : typeof part === 'string' ? part : JSON.stringify(part)).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

async function refusal(verifier: WebhookVerifier, token: string): Promise<{ status: number; reason: string }> {
  const error: unknown = await verifier.verify(token).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof WebhookRefusal)) throw new Error(`expected a refusal, got ${String(error)}`);
  return { status: error.status, reason: error.reason };
}

describe('webhook age: nothing older than the 48 h the event ids are remembered', () => {
  const verifier = new WebhookVerifier([key.publicKey]);
  const HOUR_S = 3_600;

  it.each([
    ['without exp, issued 49 h ago', { data: 'x', iat: now() - 49 * HOUR_S }, 'token older than 48 h (iat)'],
    ['issued 49 h ago, whatever its exp says', { data: 'x', iat: now() - 49 * HOUR_S, exp: now() + HOUR_S }, 'token older than 48 h (iat)'],
    ['with neither exp nor iat (it cannot be dated)', { data: 'x' }, 'token has neither exp nor iat'],
    ['expired by exp', { data: 'x', exp: now() - 1 }, 'token expired'],
  ])('refuses a token %s with 401', async (_what, claims, reason) => {
    expect(await refusal(verifier, handMade(key.privateKey, { alg: 'RS256' }, claims))).toEqual({ status: 401, reason });
  });

  it('refuses the same token through jose (unusual header) with the same reason', async () => {
    const old = handMade(key.privateKey, { alg: 'RS256', zip: 'none' }, { data: 'x', iat: now() - 49 * HOUR_S });
    expect((await refusal(verifier, old)).status).toBe(401);
  });

  it('accepts one issued 47 h ago, and one dated by exp only', async () => {
    expect(await verifier.verify(handMade(key.privateKey, { alg: 'RS256' }, { data: 'x', iat: now() - 47 * HOUR_S }))).toMatchObject({
      data: 'x',
    });
    expect(await verifier.verify(handMade(key.privateKey, { alg: 'RS256' }, { data: 'x', exp: now() + 60 }))).toMatchObject({ data: 'x' });
  });
});

describe('webhook verification', () => {
  const verifier = new WebhookVerifier([key.publicKey]);

  it('returns the claims of a valid token, with or without kid, typ, nbf, and with iat, exp or both', async () => {
    const data = JSON.stringify({ instanceId: 'i' });
    const issued = await new SignJWT({ data }).setProtectedHeader({ alg: 'RS256' }).setIssuedAt().sign(key.privateKey);
    expect(await verifier.verify(issued)).toEqual({ data, iat: expect.any(Number) });
    const expiring = await new SignJWT({ data })
      .setProtectedHeader({ alg: 'RS256' })
      .setExpirationTime(now() + 60)
      .sign(key.privateKey);
    expect(await verifier.verify(expiring)).toEqual({ data, exp: expect.any(Number) });
    const full = await new SignJWT({ data })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'k1' })
      .setIssuedAt()
      .setNotBefore(now() - 10)
      .setExpirationTime(now() + 60)
      .sign(key.privateKey);
    expect(await verifier.verify(full)).toMatchObject({ data, iat: expect.any(Number), nbf: expect.any(Number), exp: expect.any(Number) });
  });

  it('accepts a token signed by any key of a rotation', async () => {
    const rotation = new WebhookVerifier([other.publicKey, key.publicKey]);
    const token = await new SignJWT({ data: 'x' }).setProtectedHeader({ alg: 'RS256' }).setIssuedAt().sign(key.privateKey);
    expect(await rotation.verify(token)).toMatchObject({ data: 'x' });
  });

  it('gives every refusal the status and reason it had', async () => {
    const cases: Array<[string, string, { status: number; reason: string }]> = [
      [
        'another key',
        await new SignJWT({ data: 'x' }).setProtectedHeader({ alg: 'RS256' }).sign(other.privateKey),
        { status: 401, reason: 'bad signature' },
      ],
      [
        'expired',
        await new SignJWT({ data: 'x' })
          .setProtectedHeader({ alg: 'RS256' })
          .setExpirationTime(now() - 1)
          .sign(key.privateKey),
        { status: 401, reason: 'token expired' },
      ],
      ['expiring now', handMade(key.privateKey, { alg: 'RS256' }, { data: 'x', exp: now() }), { status: 401, reason: 'token expired' }],
      [
        'not yet valid',
        handMade(key.privateKey, { alg: 'RS256' }, { data: 'x', nbf: now() + 60 }),
        { status: 401, reason: 'claim check failed: nbf' },
      ],
      [
        'iat as text',
        handMade(key.privateKey, { alg: 'RS256' }, { data: 'x', iat: 'yesterday' }),
        { status: 401, reason: 'claim check failed: iat' },
      ],
      [
        'exp as text',
        handMade(key.privateKey, { alg: 'RS256' }, { data: 'x', exp: '9999999999' }),
        { status: 401, reason: 'claim check failed: exp' },
      ],
      ['RS384', handMade(key.privateKey, { alg: 'RS384' }, { data: 'x' }), { status: 401, reason: 'algorithm not allowed (RS256 only)' }],
      [
        'a crit header',
        handMade(key.privateKey, { alg: 'RS256', crit: ['exp'] }, { data: 'x' }),
        { status: 400, reason: 'body is not a valid JWT' },
      ],
      [
        'an unencoded payload (b64: false)',
        handMade(key.privateKey, { alg: 'RS256', b64: false, crit: ['b64'] }, { data: 'x' }),
        { status: 400, reason: 'JWT payload is not a JSON object' },
      ],
      [
        'a header that is not an object',
        handMade(key.privateKey, '["RS256"]', { data: 'x' }),
        { status: 400, reason: 'body is not a valid JWT' },
      ],
      [
        'claims that are an array',
        handMade(key.privateKey, { alg: 'RS256' }, Buffer.from('[1]')),
        { status: 400, reason: 'JWT payload is not a JSON object' },
      ],
      [
        'claims that are not UTF-8',
        handMade(key.privateKey, { alg: 'RS256' }, Buffer.from([0x7b, 0xff, 0x7d])),
        { status: 400, reason: 'JWT payload is not a JSON object' },
      ],
      [
        'a signature cut short',
        (await new SignJWT({ data: 'x' }).setProtectedHeader({ alg: 'RS256' }).sign(key.privateKey)).slice(0, -10),
        { status: 401, reason: 'bad signature' },
      ],
      [
        'no signature',
        `${handMade(key.privateKey, { alg: 'RS256' }, { data: 'x' }).split('.').slice(0, 2).join('.')}.`,
        { status: 401, reason: 'bad signature' },
      ],
      [
        'a part that is not base64',
        `${handMade(key.privateKey, { alg: 'RS256' }, { data: 'x' })}a`.replace(/^[^.]+/, 'eyJhbGciOiJSUzI1NiJ9a'),
        { status: 400, reason: 'body is not a valid JWT' },
      ],
    ];
    const outcomes = await Promise.all(cases.map(async ([name, token]) => [name, await refusal(verifier, token)] as const));
    expect(outcomes).toEqual(cases.map(([name, , expected]) => [name, expected]));
  });

  it('reads claims that start with a byte order mark, as jose does', async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ data: 'x', iat: now() }))]);
    expect(await verifier.verify(handMade(key.privateKey, { alg: 'RS256' }, bom))).toMatchObject({ data: 'x' });
  });

  it('refuses every token, as jose does, when a configured key is shorter than 2048 bits', async () => {
    const weak = rsa(1_024);
    const mixed = new WebhookVerifier([weak.publicKey, key.publicKey]);
    const token = await new SignJWT({ data: 'x' }).setProtectedHeader({ alg: 'RS256' }).sign(key.privateKey);
    expect(await refusal(mixed, token)).toEqual({ status: 400, reason: 'body is not a valid JWT' });
  });
});
