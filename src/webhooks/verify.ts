import { verify as verifySignature, webcrypto, type KeyObject } from 'node:crypto';
import { errors, jwtVerify, type CryptoKey, type JWTPayload } from 'jose';
import { DEDUPE_TTL_MS } from '../bus/memory-bus.js';

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

/** jose refuses RS256 keys shorter than this (and so every webhook, whichever key signed it). */
const RS256_MIN_MODULUS_BITS = 2_048;

/** Header parameters that change nothing in a verification without options (no `crit`, no `b64`). */
const PLAIN_HEADER_PARAMETERS = new Set(['alg', 'typ', 'kid', 'cty']);

/** jose decodes the header and the claims with a fatal UTF-8 decoder (which also drops a BOM). */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Verifies the raw webhook body: one compact JWT signed RS256 by one of the configured keys, with
 * `exp` / `nbf` honoured when present, dated by `exp` or `iat` and no older than the dedupe window
 * (docs/wix-contract.md §3.1). Issuer and audience are not checked: Wix sets none for webhooks.
 *
 * A well-formed token goes the short way: its signature checked with `crypto.verify` (synchronous;
 * WebCrypto's job round trip costs several times the RSA operation itself), its claims read here.
 * Anything that way cannot accept, from a bad signature to an unusual header or a failed claim
 * check, is decided by jose exactly as before, so every refusal keeps its status and reason.
 */
export class WebhookVerifier {
  /**
   * The keys as WebCrypto keys, imported once: jose verifies with WebCrypto, and handing it a
   * KeyObject would import the key again on every webhook (most of the cost of a verification).
   */
  readonly #keys: Promise<CryptoKey[]>;
  /** The same keys for the short way; empty when one of them is a key jose would refuse outright. */
  readonly #fastKeys: readonly KeyObject[];
  readonly #count: number;

  constructor(keys: readonly KeyObject[]) {
    this.#count = keys.length;
    this.#keys = Promise.all(
      keys.map((key) =>
        webcrypto.subtle.importKey(
          'spki',
          key.export({ type: 'spki', format: 'der' }),
          { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
          false,
          ['verify'],
        ),
      ),
    );
    const usable = keys.every(
      (key) => key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= RS256_MIN_MODULUS_BITS,
    );
    this.#fastKeys = usable ? [...keys] : [];
  }

  get configured(): boolean {
    return this.#count > 0;
  }

  async verify(token: string): Promise<JWTPayload> {
    if (!this.configured) throw new WebhookRefusal(401, 'no webhook public key configured');
    if (!COMPACT_JWS.test(token)) throw new WebhookRefusal(400, 'body is not a JWT');
    const claims = this.#verifyQuickly(token) ?? (await this.#verifyWithJose(token));
    assertFresh(claims);
    return claims;
  }

  /** The payload of a token jose would accept, or undefined to let jose decide. Never throws. */
  #verifyQuickly(token: string): JWTPayload | undefined {
    if (this.#fastKeys.length === 0) return undefined;
    const firstDot = token.indexOf('.');
    const secondDot = token.indexOf('.', firstDot + 1);
    const header = token.slice(0, firstDot);
    const payload = token.slice(firstDot + 1, secondDot);
    const signature = token.slice(secondDot + 1);
    // A length of 1 modulo 4 is not base64 (jose refuses it; Buffer would decode it leniently).
    if (header.length % 4 === 1 || payload.length % 4 === 1 || signature.length % 4 === 1) return undefined;
    try {
      const protectedHeader = decodeJson(header);
      if (!isPlainObject(protectedHeader) || protectedHeader.alg !== 'RS256') return undefined;
      for (const parameter of Object.keys(protectedHeader)) if (!PLAIN_HEADER_PARAMETERS.has(parameter)) return undefined;

      const signingInput = Buffer.from(token.slice(0, secondDot), 'latin1');
      const signatureBytes = Buffer.from(signature, 'base64url');
      if (!this.#fastKeys.some((key) => verifySignature('sha256', signingInput, key, signatureBytes))) return undefined;

      const claims = decodeJson(payload);
      if (!isPlainObject(claims)) return undefined;
      const now = Math.floor(Date.now() / 1_000);
      const { iat, nbf, exp } = claims;
      if (iat !== undefined && typeof iat !== 'number') return undefined;
      if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now)) return undefined;
      if (exp !== undefined && (typeof exp !== 'number' || exp <= now)) return undefined;
      return claims;
    } catch {
      return undefined;
    }
  }

  async #verifyWithJose(token: string): Promise<JWTPayload> {
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

/**
 * The event ids of webhooks are remembered for 48 hours (Wix retries for about 47): a token older
 * than that could be a captured delivery replayed once its id is forgotten. `exp` (checked by the
 * verification) and `iat` date a token; one with neither cannot be dated, so it is refused too.
 */
export const WEBHOOK_MAX_AGE_S = DEDUPE_TTL_MS / 1_000;

function assertFresh(claims: JWTPayload): void {
  const { iat, exp } = claims;
  if (iat === undefined && exp === undefined) throw new WebhookRefusal(401, 'token has neither exp nor iat');
  if (typeof iat === 'number' && Math.floor(Date.now() / 1_000) - iat > WEBHOOK_MAX_AGE_S) {
    throw new WebhookRefusal(401, 'token older than 48 h (iat)');
  }
}

function decodeJson(base64url: string): unknown {
  return JSON.parse(strictUtf8.decode(Buffer.from(base64url, 'base64url')));
}

/** What jose accepts as a JOSE header or a claims set: a plain JSON object. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
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
