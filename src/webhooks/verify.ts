import { webcrypto, type KeyObject } from 'node:crypto';
import { errors, jwtVerify, type CryptoKey, type JWTPayload } from 'jose';

/** Why a webhook was refused: the HTTP status Wix gets and a reason for the log. */
export class WebhookRefusal extends Error {
  constructor(
    readonly status: 400 | 401 | 413,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]*$/;

/**
 * Verifies the raw webhook body: one compact JWT signed RS256 by one of the configured keys, with
 * `exp` / `nbf` honoured when present (WIX-API.md §3.1, §3.3). Issuer and audience are not checked:
 * Wix sets none for webhooks.
 */
export class WebhookVerifier {
  /**
   * The keys as WebCrypto keys, imported once: jose verifies with WebCrypto, and handing it a
   * KeyObject would import the key again on every webhook (most of the cost of a verification).
   */
  readonly #keys: Promise<CryptoKey[]>;
  readonly #count: number;

  constructor(keys: readonly KeyObject[]) {
    this.#count = keys.length;
    this.#keys = Promise.all(
      keys.map(
        (key) =>
          webcrypto.subtle.importKey('spki', key.export({ type: 'spki', format: 'der' }), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, [
            'verify',
          ]) as Promise<CryptoKey>,
      ),
    );
  }

  get configured(): boolean {
    return this.#count > 0;
  }

  async verify(token: string): Promise<JWTPayload> {
    if (!this.configured) throw new WebhookRefusal(401, 'no webhook public key configured');
    if (!COMPACT_JWS.test(token)) throw new WebhookRefusal(400, 'body is not a JWT');
    let lastError: unknown;
    for (const key of await this.#keys) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['RS256'] });
        return payload;
      } catch (error) {
        // Only a signature mismatch may mean "another key of the rotation": anything else is final.
        if (!(error instanceof errors.JWSSignatureVerificationFailed)) throw classify(error);
        lastError = error;
      }
    }
    throw classify(lastError);
  }
}

function classify(error: unknown): WebhookRefusal {
  if (error instanceof errors.JWTExpired) return new WebhookRefusal(401, 'token expired');
  if (error instanceof errors.JWTClaimValidationFailed) return new WebhookRefusal(401, `claim check failed: ${error.claim}`);
  if (error instanceof errors.JOSEAlgNotAllowed) return new WebhookRefusal(401, 'algorithm not allowed (RS256 only)');
  if (error instanceof errors.JWSSignatureVerificationFailed) return new WebhookRefusal(401, 'bad signature');
  if (error instanceof errors.JWTInvalid) return new WebhookRefusal(400, 'JWT payload is not a JSON object');
  if (error instanceof errors.JOSEError) return new WebhookRefusal(400, 'body is not a valid JWT');
  return new WebhookRefusal(400, 'body is not a valid JWT');
}
