/**
 * The Wix application error codes a client may see, with the message the gateway shows for each:
 * the documented codes of External Calendar v2 and Schedules v3, and the SDK's names for a bare
 * status. Any other code Wix sends is not passed on (it could be anything, markup included): the
 * client gets UPSTREAM_REFUSED with a fixed message.
 */
export const WIX_APPLICATION_ERRORS = {
  // External Calendar v2
  NOT_SUPPORTED_BY_PROVIDER: 'The calendar provider does not support this.',
  BAD_CREDENTIALS: 'The calendar account rejected the email or password.',
  PREMIUM_FEATURE_NOT_ENABLED: 'This needs a Wix Premium plan.',
  CONNECTION_NOT_CONNECTED: 'The connection is not connected.',
  CONNECTION_ALREADY_DISCONNECTED: 'The connection is already disconnected.',
  // Schedules v3
  SCHEDULE_REVISION_MISMATCH: 'The schedule changed since it was read: read it again and retry with its current revision.',
  SCHEDULE_CANCELLED: 'The schedule is cancelled and cannot be changed.',
  // A status without an application code, named as the Wix SDK names it (CONSTANT_CASE of the status text)
  CONFLICT: 'Wix refused the request: it conflicts with the current state.',
  PRECONDITION_FAILED: 'Wix refused the request: a precondition failed.',
  PRECONDITION_REQUIRED: 'Wix refused the request: a precondition is not met.',
} as const;

export type WixApplicationCode = keyof typeof WIX_APPLICATION_ERRORS;

export function isWixApplicationCode(code: string): code is WixApplicationCode {
  return Object.hasOwn(WIX_APPLICATION_ERRORS, code);
}

/** Statuses Wix answers without an application code, and the code the SDK gives them. */
export const BARE_STATUS_CODES: Readonly<Record<number, WixApplicationCode>> = {
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  428: 'PRECONDITION_REQUIRED',
};
