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
  constructor(message = 'Not allowed.') {
    super(message, ErrorCode.FORBIDDEN);
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

/** A Wix application error (`details.applicationError.code`), e.g. NOT_SUPPORTED_BY_PROVIDER. */
export class WixApplicationError extends GatewayError {
  constructor(
    readonly wixCode: string,
    readonly httpStatus: number,
  ) {
    super(applicationErrorMessage(wixCode), wixCode);
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

const applicationErrorMessages: Record<string, string> = {
  NOT_SUPPORTED_BY_PROVIDER: 'The calendar provider does not support this.',
  BAD_CREDENTIALS: 'The calendar account rejected the email or password.',
  PREMIUM_FEATURE_NOT_ENABLED: 'This needs a Wix Premium plan.',
  CONNECTION_NOT_CONNECTED: 'The connection is not connected.',
  CONNECTION_ALREADY_DISCONNECTED: 'The connection is already disconnected.',
  SCHEDULE_REVISION_MISMATCH: 'The schedule changed since it was read: read it again and retry with its current revision.',
  SCHEDULE_CANCELLED: 'The schedule is cancelled and cannot be changed.',
};

/** A message chosen by the gateway for a Wix code; Wix's own description is never passed through. */
function applicationErrorMessage(code: string): string {
  return applicationErrorMessages[code] ?? `Wix refused the request (${code}).`;
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
