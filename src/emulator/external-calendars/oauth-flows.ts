/**
 * OAuth connections waiting for the calendar owner to open the `oauthUrl` Connect By OAuth handed
 * out. The emulator plays the provider's consent page: opening the URL completes the flow.
 */
import { randomBytes } from 'node:crypto';

/** How long an oauthUrl stays usable, like a provider's authorisation request. */
export const OAUTH_FLOW_LIFETIME_MS = 600_000;

export interface PendingOAuth {
  instanceId: string;
  providerId: string;
  scheduleId: string;
  redirectUrl: string;
  /** App that started the flow; becomes the connection's appId. */
  appId: string;
}

interface StoredFlow {
  flow: PendingOAuth;
  expiresAtMs: number;
}

export class OAuthFlows {
  private readonly flows = new Map<string, StoredFlow>();

  start(flow: PendingOAuth, now = Date.now()): string {
    for (const [state, stored] of this.flows) if (stored.expiresAtMs <= now) this.flows.delete(state);
    const state = randomBytes(16).toString('base64url');
    this.flows.set(state, { flow, expiresAtMs: now + OAUTH_FLOW_LIFETIME_MS });
    return state;
  }

  /** The flow of a state, once: a second visit of the same URL finds nothing, as with a spent OAuth code. */
  take(state: string, now = Date.now()): PendingOAuth | undefined {
    const stored = this.flows.get(state);
    this.flows.delete(state);
    if (!stored || stored.expiresAtMs <= now) return undefined;
    return stored.flow;
  }
}
