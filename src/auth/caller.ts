/** Who is calling: from a verified bearer token, or the open caller when auth is not configured. */
export interface Caller {
  /** False when the gateway runs open: no tenant, every role, every event. */
  authenticated: boolean;
  subject: string | undefined;
  /** The Wix app instance (site) the caller acts for; undefined only when open. */
  tenant: string | undefined;
  roles: ReadonlySet<string>;
  /** When the token stops being valid (epoch ms), if it says. */
  expiresAt: number | undefined;
}

/** The role a caller needs for mutations; a token without roles may query and subscribe. */
export const WRITE_ROLE = 'calendar:write';

export const OPEN_CALLER: Caller = {
  authenticated: false,
  subject: undefined,
  tenant: undefined,
  roles: new Set([WRITE_ROLE]),
  expiresAt: undefined,
};

/** Whether an event of `instanceId` may reach this caller: only its own tenant's, unless open. */
export function mayReceive(caller: Caller, instanceId: string): boolean {
  return !caller.authenticated || caller.tenant === instanceId;
}
