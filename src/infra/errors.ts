import { GraphQLError } from 'graphql';

/**
 * The gateway's error vocabulary. Every failure a client can see is one of these codes, in
 * `extensions.code` of a GraphQL error or in `UserError.code` of a mutation payload. Upstream
 * failures are converted into these once, in the Wix HTTP client; nothing from an upstream body
 * reaches a client unless it was chosen to.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_INVALID_RESPONSE: 'UPSTREAM_INVALID_RESPONSE',
  UPSTREAM_RATE_LIMITED: 'UPSTREAM_RATE_LIMITED',
  /** Wix refused the gateway's own credentials (401): a configuration problem, not the caller's. */
  UPSTREAM_UNAUTHENTICATED: 'UPSTREAM_UNAUTHENTICATED',
  /** Wix does not allow the gateway's credentials to do this (403). */
  UPSTREAM_FORBIDDEN: 'UPSTREAM_FORBIDDEN',
  /** Wix refused the request with an application code outside the documented set. */
  UPSTREAM_REFUSED: 'UPSTREAM_REFUSED',
  /** The caller's token cannot be checked right now (the JWKS is down or slow): retry later. */
  AUTH_UNAVAILABLE: 'AUTH_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class: a GraphQL error with a code, safe to show to a client as is. */
export class GatewayError extends GraphQLError {
  constructor(
    message: string,
    readonly code: string,
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
  /** `httpStatus`: the status Apollo answers with when this is thrown before execution (e.g. 403). */
  constructor(message = 'Not allowed.', httpStatus?: number) {
    super(message, ErrorCode.FORBIDDEN, httpStatus ? { http: { status: httpStatus } } : {});
  }
}

/** Too many requests from one caller: slow down. */
export class RateLimitedError extends GatewayError {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests: retry in ${retryAfterSeconds} s.`, 'RATE_LIMITED');
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

/** Wix answered 2xx with a body that does not match its contract. */
export class UpstreamInvalidResponseError extends GatewayError {
  constructor(message = 'Wix answered with an unexpected response.') {
    super(message, ErrorCode.UPSTREAM_INVALID_RESPONSE);
  }
}

/** A documented Wix application error (`details.applicationError.code`), e.g. NOT_SUPPORTED_BY_PROVIDER. */
export class WixApplicationError extends GatewayError {
  /** `message`: chosen by the gateway for the code; Wix's own description is never passed through. */
  constructor(
    readonly wixCode: string,
    readonly httpStatus: number,
    message: string,
  ) {
    super(message, wixCode);
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

/** Wix refused the input (`details.validationError`, or a bare 400). */
export class WixValidationError extends GatewayError {
  constructor(readonly fields: readonly (readonly string[])[]) {
    super(
      fields.length > 0 ? `Wix rejected the input: ${fields.map((path) => path.join('.')).join(', ')}.` : 'Wix rejected the input.',
      ErrorCode.INVALID_ARGUMENT,
    );
  }
}

/** The caller's token could not be checked (the key set is unreachable or too slow): 503, retry later. */
export class AuthUnavailableError extends GatewayError {
  constructor() {
    super('Caller authentication is unavailable right now; try again later.', ErrorCode.AUTH_UNAVAILABLE);
  }
}

/** A resume cursor the event log no longer covers: query again, then subscribe without `since`. */
export class CursorExpiredError extends GatewayError {
  constructor(message = 'The cursor is older than the event log holds: query the current state again, then subscribe without `since`.') {
    super(message, 'CURSOR_EXPIRED');
  }
}

/** The event bus (Redis) cannot answer right now, e.g. to replay after a cursor: retry later. */
export class EventBusUnavailableError extends GatewayError {
  constructor(message = 'The event log is not reachable right now; retry later.') {
    super(message, 'EVENT_BUS_UNAVAILABLE');
  }
}
