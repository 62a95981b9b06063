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

/**
 * Authenticates every GraphQL request over HTTP before Apollo sees it: 401 with
 * `WWW-Authenticate: Bearer` for a missing or bad token, 403 for a tenant this gateway does not serve.
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
        const status = error.code === ErrorCode.FORBIDDEN ? 403 : 401;
        if (status === 401) res.setHeader('www-authenticate', 'Bearer');
        sendGraphQLStyleError(res, status, error.message, error.code);
      },
    );
  };
}

/**
 * Per-caller rate limiting (per instance): the caller's subject, else its tenant, else the client
 * address. 429 with Retry-After when the budget of the minute is spent; 0 turns it off.
 */
export function rateLimit(perMinute: number): RequestHandler {
  if (perMinute === 0) return (_req, _res, next) => next();
  const limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  return (req, res, next) => {
    if (req.method === 'OPTIONS') {
      next();
      return;
    }
    const caller = (res.locals as Partial<HttpLocals>).caller;
    const key = caller?.subject
      ? `sub:${caller.subject}`
      : caller?.tenant
        ? `tenant:${caller.tenant}`
        : `ip:${req.socket.remoteAddress ?? 'unknown'}`;
    limiter.consume(key).then(
      () => next(),
      (rejection: unknown) => {
        if (!(rejection instanceof RateLimiterRes)) {
          next(rejection);
          return;
        }
        const error = new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1_000)));
        res.setHeader('retry-after', String(error.retryAfterSeconds));
        sendGraphQLStyleError(res, 429, error.message, error.code);
      },
    );
  };
}
