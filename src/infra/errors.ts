import { GraphQLError } from 'graphql';

/** A code of the gateway's own making (or Apollo Server's, for the request itself). */
const own = { wix: false } as const;
/** A Wix application code a client may receive, with the message the gateway shows for it. */
const wix = <M extends string>(message: M) => ({ wix: true, message }) as const;

/**
 * The gateway's error vocabulary, closed: every code a client can receive, in `extensions.code` of a
 * GraphQL error or in `UserError.code` of a mutation payload, is a key here, and the README's
 * "Errors" table lists exactly these keys (a test checks both). Upstream failures are converted
 * into these once, in the Wix HTTP client; nothing from an upstream body reaches a client unless it
 * was chosen to. Adding a code is one line here and one row in the README.
 */
const VOCABULARY = {
  // Failures of a request (GraphQL errors).
  UNAUTHENTICATED: own,
  FORBIDDEN: own,
  RATE_LIMITED: own,
  BAD_REQUEST: own,
  GRAPHQL_PARSE_FAILED: own,
  GRAPHQL_VALIDATION_FAILED: own,
  BAD_USER_INPUT: own,
  OPERATION_RESOLUTION_FAILURE: own,
  PERSISTED_QUERY_NOT_FOUND: own,
  TOO_MANY_SUBSCRIPTIONS: own,
  CURSOR_EXPIRED: own,
  SLOW_CONSUMER: own,
  EVENT_BUS_UNAVAILABLE: own,
  AUTH_UNAVAILABLE: own,
  UPSTREAM_UNAVAILABLE: own,
  UPSTREAM_RATE_LIMITED: own,
  UPSTREAM_INVALID_RESPONSE: own,
  UPSTREAM_UNAUTHENTICATED: own,
  UPSTREAM_FORBIDDEN: own,
  UPSTREAM_REFUSED: own,
  INTERNAL_SERVER_ERROR: own,
  // Expected business failures of a mutation (user errors), and their Wix counterparts.
  NOT_FOUND: own,
  INVALID_ARGUMENT: own,
  NOT_SUPPORTED_BY_PROVIDER: wix('The calendar provider does not support this.'),
  BAD_CREDENTIALS: wix('The calendar account rejected the email or password.'),
  PREMIUM_FEATURE_NOT_ENABLED: wix('This needs a Wix Premium plan.'),
  CONNECTION_NOT_CONNECTED: wix('The connection is not connected.'),
  CONNECTION_ALREADY_DISCONNECTED: wix('The connection is already disconnected.'),
  SCHEDULE_REVISION_MISMATCH: wix('The schedule changed since it was read: read it again and retry with its current revision.'),
  SCHEDULE_CANCELLED: wix('The schedule is cancelled and cannot be changed.'),
  // A Wix 4xx without an application code, named as the Wix SDK names it (CONSTANT_CASE of the status text).
  CONFLICT: wix('Wix refused the request (CONFLICT).'),
  PRECONDITION_FAILED: wix('Wix refused the request (PRECONDITION_FAILED).'),
  PRECONDITION_REQUIRED: wix('Wix refused the request (PRECONDITION_REQUIRED).'),
} as const satisfies Record<string, { wix: false } | { wix: true; message: string }>;

/** Every code a client can receive. */
export type ErrorCode = keyof typeof VOCABULARY;
/** The codes by name, for `ErrorCode.NOT_FOUND` rather than a string literal. */
export const ErrorCode = Object.fromEntries(Object.keys(VOCABULARY).map((code) => [code, code])) as { readonly [C in ErrorCode]: C };
/** The whole vocabulary, in the README's order. */
export const ERROR_CODES = Object.keys(VOCABULARY) as readonly ErrorCode[];

/** The Wix application codes that pass through to clients; any other Wix code is not shown as such. */
export type WixApplicationCode = { [C in ErrorCode]: (typeof VOCABULARY)[C] extends { wix: true } ? C : never }[ErrorCode];

export function isWixApplicationCode(code: string): code is WixApplicationCode {
  return Object.hasOwn(VOCABULARY, code) && VOCABULARY[code as ErrorCode].wix;
}

/** Base class: a GraphQL error with a code, safe to show to a client as is. */
export class GatewayError extends GraphQLError {
  constructor(
    message: string,
    readonly code: ErrorCode,
    extensions: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { ...extensions, code } });
  }
}

export class BadUserInputError extends GatewayError {
  constructor(
    message: string,
    readonly field?: readonly string[],
  ) {
    super(message, ErrorCode.BAD_USER_INPUT, field ? { field } : {});
  }
}

export class UnauthenticatedError extends GatewayError {
  /** `httpStatus`: the status Apollo answers with when this is thrown while building the context. */
  constructor(message = 'Authentication is required.', httpStatus?: number) {
    super(message, ErrorCode.UNAUTHENTICATED, httpStatus ? { http: { status: httpStatus } } : {});
  }
}

export class ForbiddenError extends GatewayError {
  /** `httpStatus`: the status Apollo answers with over HTTP (403 for a mutation without the write role). */
  constructor(message = 'Not allowed.', httpStatus?: number) {
    super(message, ErrorCode.FORBIDDEN, httpStatus ? { http: { status: httpStatus } } : {});
  }
}

/** Too many requests from one caller: slow down. */
export class RateLimitedError extends GatewayError {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests: retry in ${retryAfterSeconds} s.`, ErrorCode.RATE_LIMITED);
  }
}

/** Wix answered 404 for the addressed entity. Queries turn it into null, mutations into a user error. */
export class NotFoundError extends GatewayError {
  constructor(message = 'Not found.') {
    super(message, ErrorCode.NOT_FOUND);
  }
}

/** The upstream is down, slow, rate-limiting or unreachable: retrying later may help. */
export class UpstreamUnavailableError extends GatewayError {
  constructor(message = 'Wix is not reachable right now; try again later.') {
    super(message, ErrorCode.UPSTREAM_UNAVAILABLE);
  }
}

/**
 * The site's budget of Wix calls is spent (or Wix answered 429) and nothing cached can stand in:
 * `retryAfterSeconds` says when a call will be possible again.
 */
export class UpstreamRateLimitedError extends GatewayError {
  constructor(readonly retryAfterMs: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1_000));
    super(`This site's budget of calls to Wix is spent for the moment: retry in ${seconds} s.`, ErrorCode.UPSTREAM_RATE_LIMITED, {
      retryAfterSeconds: seconds,
    });
  }
}

/** Wix refused the gateway's credentials (401) or what they may do (403): never the caller's own codes. */
export class UpstreamAuthError extends GatewayError {
  constructor(
    readonly httpStatus: 401 | 403,
    message = httpStatus === 401 ? 'Wix refused the gateway’s credentials.' : 'Wix does not allow the gateway to do this.',
  ) {
    super(message, httpStatus === 401 ? ErrorCode.UPSTREAM_UNAUTHENTICATED : ErrorCode.UPSTREAM_FORBIDDEN);
  }
}

/** Wix refused the request with a code the gateway does not know: nothing of it is passed on. */
export class UpstreamRefusedError extends GatewayError {
  constructor() {
    super('Wix refused the request.', ErrorCode.UPSTREAM_REFUSED);
  }
}

/** The caller's token could not be checked (the key set is unreachable or too slow): 503, retry later. */
export class AuthUnavailableError extends GatewayError {
  constructor() {
    super('Caller authentication is unavailable right now; try again later.', ErrorCode.AUTH_UNAVAILABLE);
  }
}

/** The event bus (Redis) cannot answer right now, e.g. to replay after a cursor: retry later. */
export class EventBusUnavailableError extends GatewayError {
  constructor(message = 'The event log is not reachable right now; retry later.') {
    super(message, ErrorCode.EVENT_BUS_UNAVAILABLE);
  }
}

/** Wix answered 2xx with a body that does not match its contract. */
export class UpstreamInvalidResponseError extends GatewayError {
  constructor(message = 'Wix answered with an unexpected response.') {
    super(message, ErrorCode.UPSTREAM_INVALID_RESPONSE);
  }
}

/** A Wix application error (`details.applicationError.code`) of the closed set, e.g. NOT_SUPPORTED_BY_PROVIDER. */
export class WixApplicationError extends GatewayError {
  constructor(
    readonly wixCode: WixApplicationCode,
    readonly httpStatus: number,
  ) {
    // A message chosen by the gateway for the code; Wix's own description is never passed through.
    super(VOCABULARY[wixCode].message, wixCode);
  }
}

/** Wix refused the input (`details.validationError`, or a bare 400). */
export class WixValidationError extends GatewayError {
  constructor(readonly fields: readonly (readonly string[])[]) {
    super(
      fields.length > 0 ? `Wix rejected the input: ${fields.map((path) => path.join('.')).join(', ')}.` : 'Wix rejected the input.',
      ErrorCode.INVALID_ARGUMENT,
    );
  }
}

/** A resume cursor the event log no longer covers: query again, then subscribe without `since`. */
export class CursorExpiredError extends GatewayError {
  constructor(message = 'The cursor is older than the event log holds: query the current state again, then subscribe without `since`.') {
    super(message, ErrorCode.CURSOR_EXPIRED);
  }
}
