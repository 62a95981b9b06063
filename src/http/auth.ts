import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Authenticator } from '../auth/authenticator.js';
import type { Caller } from '../auth/caller.js';
import { ErrorCode, GatewayError, RateLimitedError } from '../infra/errors.js';
import { sendGraphQLStyleError } from './errors.js';

/** What the HTTP pipeline leaves for the Apollo context. */
export interface HttpLocals {
  caller: Caller;
}

/** A browser asking for the landing page (Sandbox) needs no token: the page itself calls with one. */
const wantsLandingPage = (method: string, accept: string | undefined) => method === 'GET' && (accept ?? '').includes('text/html');

/** How long a caller should wait before trying again when its token cannot be checked. */
const AUTH_RETRY_AFTER_S = 5;

/**
 * Authenticates every GraphQL request over HTTP before Apollo sees it: 401 with
 * `WWW-Authenticate: Bearer` for a missing or bad token, 403 for a tenant this gateway does not
 * serve, 503 with Retry-After when the token cannot be checked right now (the JWKS is down).
 */
export function authenticateHttp(authenticator: Authenticator): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'OPTIONS' || wantsLandingPage(req.method, req.get('accept'))) {
      next();
      return;
    }
    authenticator.authenticate(req.get('authorization')).then(
      (caller) => {
        (res.locals as HttpLocals).caller = caller;
        next();
      },
      (error: unknown) => {
        if (!(error instanceof GatewayError)) {
          next(error);
          return;
        }
        const status = error.code === ErrorCode.FORBIDDEN ? 403 : error.code === ErrorCode.AUTH_UNAVAILABLE ? 503 : 401;
        if (status === 401) res.setHeader('www-authenticate', 'Bearer');
        if (status === 503) res.setHeader('retry-after', String(AUTH_RETRY_AFTER_S));
        sendGraphQLStyleError(res, status, error.message, error.code);
      },
    );
  };
}

/**
 * Who a limit counts against: the caller's token subject, else its tenant, else the client address
 * (an open gateway, or a caller whose token names neither).
 */
export function callerKey(caller: Caller | undefined, address: string | undefined): string {
  if (caller?.subject) return `sub:${caller.subject}`;
  if (caller?.tenant) return `tenant:${caller.tenant}`;
  return `ip:${address ?? 'unknown'}`;
}

/**
 * One per-caller budget of `perMinute` operations (per instance), spent by HTTP requests and by
 * operations sent over WebSocket alike; 0 turns it off.
 */
export class CallerRateLimiter {
  readonly #limiter: RateLimiterMemory | undefined;

  constructor(perMinute: number) {
    this.#limiter = perMinute === 0 ? undefined : new RateLimiterMemory({ points: perMinute, duration: 60 });
  }

  /** Spends one operation of the caller's budget: undefined when allowed, the error to answer when spent. */
  async consume(key: string): Promise<RateLimitedError | undefined> {
    if (!this.#limiter) return undefined;
    try {
      await this.#limiter.consume(key);
      return undefined;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1_000)));
    }
  }
}

/** Per-caller rate limiting of HTTP requests: 429 with Retry-After when the budget of the minute is spent. */
export function rateLimit(limiter: CallerRateLimiter): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'OPTIONS') {
      next();
      return;
    }
    const key = callerKey((res.locals as Partial<HttpLocals>).caller, req.socket.remoteAddress);
    limiter.consume(key).then(
      (error) => {
        if (!error) {
          next();
          return;
        }
        res.setHeader('retry-after', String(error.retryAfterSeconds));
        sendGraphQLStyleError(res, 429, error.message, error.code);
      },
      (error: unknown) => next(error),
    );
  };
}
