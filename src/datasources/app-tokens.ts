import { z } from 'zod';
import { UpstreamAuthError, UpstreamUnavailableError } from '../infra/errors.js';
import type { WixCredentials } from './wix-http.js';

const TokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.number().positive().optional() });

/** Tokens are renewed this long before Wix says they expire, so none is used at its last second. */
const RENEW_BEFORE_MS = 60_000;
/** When Wix does not say how long a token lasts (docs/wix-contract.md §4.2: the lifetime Wix documents for its other access tokens). */
const DEFAULT_LIFETIME_S = 4 * 60 * 60;

interface Cached {
  token: string;
  renewAt: number;
}

/**
 * App mode (many sites): one access token per app instance from `POST /oauth2/token`
 * (client_credentials with `instance_id`), cached until shortly before it expires. Concurrent
 * requests for the same instance share one token request (no thundering herd).
 */
export class AppTokenProvider {
  readonly #cache = new Map<string, Cached>();
  readonly #pending = new Map<string, Promise<string>>();

  constructor(
    private readonly options: {
      baseUrl: string;
      appId: string;
      appSecret: string;
      timeoutMs: number;
      fetch?: typeof fetch;
      now?: () => number;
    },
  ) {}

  token(instanceId: string): Promise<string> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.#cache.get(instanceId);
    if (cached && cached.renewAt > now) return Promise.resolve(cached.token);
    let pending = this.#pending.get(instanceId);
    if (!pending) {
      pending = this.#request(instanceId).finally(() => this.#pending.delete(instanceId));
      this.#pending.set(instanceId, pending);
    }
    return pending;
  }

  /**
   * Wix refused `token` (401) before its expiry: it is dropped, so the next `token()` fetches a new
   * one. Only that token is dropped: callers that were refused the same token at the same time do
   * not drop the fresh one another caller fetched, and all of them share one token request.
   */
  refused(instanceId: string, token: string): void {
    if (this.#cache.get(instanceId)?.token === token) this.#cache.delete(instanceId);
  }

  async #request(instanceId: string): Promise<string> {
    const { baseUrl, appId, appSecret, timeoutMs } = this.options;
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(`${baseUrl.replace(/\/+$/, '')}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: appId, client_secret: appSecret, instance_id: instanceId }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      throw new UpstreamUnavailableError('Wix could not be reached for an access token.');
    }
    if (response.status >= 500 || response.status === 429)
      throw new UpstreamUnavailableError('Wix could not issue an access token right now.');
    const parsed = TokenResponse.safeParse(await response.json().catch(() => undefined));
    if (!response.ok || !parsed.success)
      throw new UpstreamAuthError(401, 'Wix refused the app credentials for this site (WIX_APP_ID, WIX_APP_SECRET).');
    const lifetimeMs = (parsed.data.expires_in ?? DEFAULT_LIFETIME_S) * 1_000;
    const now = (this.options.now ?? Date.now)();
    this.#cache.set(instanceId, { token: parsed.data.access_token, renewAt: now + Math.max(lifetimeMs - RENEW_BEFORE_MS, lifetimeMs / 2) });
    return parsed.data.access_token;
  }
}

/** The credentials of one app instance: its access token, raw, as the Wix SDK sends it. */
export class AppInstanceCredentials implements WixCredentials {
  constructor(
    private readonly provider: AppTokenProvider,
    private readonly instanceId: string,
  ) {}

  async headers(): Promise<Record<string, string>> {
    return { authorization: await this.provider.token(this.instanceId) };
  }

  refused(sent: Record<string, string>): void {
    if (sent.authorization !== undefined) this.provider.refused(this.instanceId, sent.authorization);
  }
}
