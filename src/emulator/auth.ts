/**
 * REST authentication like Wix (docs/wix-contract.md §4.1–4.2): `Authorization` carries either the raw API
 * key, together with `wix-site-id`, or a raw access token from `POST /oauth2/token`. No `Bearer`.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { WIX_BOOKINGS_APP_ID } from './demo-data.js';
import { unauthenticated } from './errors.js';
import type { EmulatorStore, Tenant } from './store.js';

/** App access tokens live 4 hours (Wix documents 4 h for visitor tokens; UNCONFIRMED for app tokens). */
export const ACCESS_TOKEN_LIFETIME_S = 14_400;

export interface Caller {
  tenant: Tenant;
  /** The app the call is made as; API-key calls count as Wix Bookings, which owns these APIs. */
  appId: string;
  via: 'apiKey' | 'accessToken';
}

interface IssuedToken {
  instanceId: string;
  expiresAtMs: number;
}

export class TokenRegistry {
  private readonly tokens = new Map<string, IssuedToken>();

  issue(instanceId: string, now = Date.now()): string {
    this.dropExpired(now);
    const token = `OauthNG.JWS.emulator.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { instanceId, expiresAtMs: now + ACCESS_TOKEN_LIFETIME_S * 1_000 });
    return token;
  }

  instanceOf(token: string, now = Date.now()): string | undefined {
    const issued = this.tokens.get(token);
    if (!issued || issued.expiresAtMs <= now) return undefined;
    return issued.instanceId;
  }

  private dropExpired(now: number): void {
    for (const [token, issued] of this.tokens) if (issued.expiresAtMs <= now) this.tokens.delete(token);
  }
}

export interface AuthConfig {
  apiKey: string;
  siteId: string;
  appId: string;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function authenticate(headers: IncomingHttpHeaders, config: AuthConfig, tokens: TokenRegistry, store: EmulatorStore): Caller {
  const authorization = header(headers, 'authorization');
  if (authorization === undefined || authorization === '') throw unauthenticated('Missing Authorization header');
  if (/^bearer\s/i.test(authorization)) {
    throw unauthenticated('Authorization must be the raw API key or access token, without a "Bearer" prefix');
  }
  if (authorization === config.apiKey) {
    const siteId = header(headers, 'wix-site-id');
    if (siteId === undefined) throw unauthenticated('API-key calls to site-level APIs need the wix-site-id header');
    if (siteId !== config.siteId) throw unauthenticated(`The API key has no access to site ${siteId}`);
    return { tenant: store.defaultTenant, appId: WIX_BOOKINGS_APP_ID, via: 'apiKey' };
  }
  const instanceId = tokens.instanceOf(authorization);
  if (instanceId === undefined) throw unauthenticated('Invalid or expired API key or access token');
  return { tenant: store.tenant(instanceId), appId: config.appId, via: 'accessToken' };
}
