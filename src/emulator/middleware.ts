/**
 * The request pipeline shared by every route: request id, body parsing, call recording, fault
 * injection, authentication, and the Wix-style answers for unknown routes and failures.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { authenticate } from './auth.js';
import { stateOf, type EmulatorDeps } from './context.js';
import { WixError, applicationError } from './errors.js';
import { newRequestId } from './ids.js';

/** Control routes of the emulator itself: not recorded, never faulted, no auth. */
export const CONTROL_PREFIX = '/_emulator';

/** Every response carries `x-wix-request-id`, like Wix's; each request is logged at debug level. */
export function requestId(deps: EmulatorDeps): RequestHandler {
  return (req, res, next) => {
    const id = newRequestId();
    const startedMs = performance.now();
    res.setHeader('x-wix-request-id', id);
    res.on('finish', () => {
      const durationMs = Math.round(performance.now() - startedMs);
      deps.logger.debug({ requestId: id, method: req.method, path: req.path, status: res.statusCode, durationMs }, 'emulator request');
    });
    next();
  };
}

export const TOKEN_PATH = '/oauth2/token';

/** Turns the raw body (from express.raw) into JSON, or a form for /oauth2/token; never throws. */
export const parseBody: RequestHandler = (req, _res, next) => {
  const state = stateOf(req);
  const raw: unknown = req.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) {
    next();
    return;
  }
  state.rawBody = raw.toString('utf8');
  // Only the token endpoint takes a form (OAuth clients often post one); the Wix APIs take JSON.
  if (req.path === TOKEN_PATH && req.is('application/x-www-form-urlencoded')) {
    state.body = Object.fromEntries(new URLSearchParams(state.rawBody));
  } else {
    try {
      state.body = JSON.parse(state.rawBody) as unknown;
    } catch (error) {
      state.bodyError = error instanceof Error ? error.message : String(error);
    }
  }
  next();
};

function headersOf(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

export function recordCalls(deps: EmulatorDeps): RequestHandler {
  return (req, _res, next) => {
    if (!req.path.startsWith(CONTROL_PREFIX)) {
      const state = stateOf(req);
      const index = req.originalUrl.indexOf('?');
      deps.calls.push({
        method: req.method,
        path: req.path,
        query: index < 0 ? '' : req.originalUrl.slice(index + 1),
        headers: headersOf(req),
        body: state.bodyError === undefined ? state.body : state.rawBody,
      });
    }
    next();
  };
}

/** Status text as a Wix-like code: 503 → SERVICE_UNAVAILABLE (what the SDK derives from statusText too). */
function codeForStatus(status: number): string {
  const known: Record<number, string> = {
    429: 'TOO_MANY_REQUESTS',
    500: 'INTERNAL_ERROR',
    502: 'BAD_GATEWAY',
    503: 'SERVICE_UNAVAILABLE',
    504: 'GATEWAY_TIMEOUT',
  };
  return known[status] ?? `HTTP_${status}`;
}

export function injectFaults(deps: EmulatorDeps): RequestHandler {
  return async (req, res, next) => {
    if (req.path.startsWith(CONTROL_PREFIX)) {
      next();
      return;
    }
    const decision = deps.faults.decide(req.method, req.path);
    if (decision.latencyMs > 0) {
      try {
        await delay(decision.latencyMs, undefined, { signal: deps.closing });
      } catch {
        req.socket.destroy();
        return;
      }
    }
    const action = decision.action;
    if (action === undefined) {
      next();
      return;
    }
    if (action.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    const error = applicationError(action.status, codeForStatus(action.status), `Injected fault: HTTP ${action.status}`);
    if (action.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(action.retryAfterSeconds));
    res.status(error.status).json(error.body);
  };
}

/** A body that is not JSON is a 400 with a Wix body, before any route sees it. */
export const rejectMalformedBody: RequestHandler = (req, _res, next) => {
  const bodyError = stateOf(req).bodyError;
  if (bodyError !== undefined) throw applicationError(400, 'INVALID_ARGUMENT', `Malformed JSON body: ${bodyError}`);
  next();
};

/**
 * Authenticates the caller, then counts the call against its site's limit, as Wix does: 200 calls
 * a minute per app instance by default (docs/wix-contract.md §4.4). Past it the answer is
 * 429 with `Retry-After` (seconds until a call is free again). Wix does not document whether it
 * sends Retry-After; the emulator does, and the gateway copes without it too.
 */
export function requireAuth(deps: EmulatorDeps): RequestHandler {
  return (req, _res, next) => {
    const caller = authenticate(req.headers, deps.config, deps.tokens, deps.store);
    stateOf(req).caller = caller;
    const grant = deps.rateLimit?.takeNow(caller.tenant.instanceId, 'write');
    if (grant) {
      if (!grant.granted) {
        deps.callCounts.refused += 1;
        const error = applicationError(429, 'TOO_MANY_REQUESTS', 'Too many requests: this site is over its limit of calls a minute');
        throw new WixError(error.status, error.body, { 'retry-after': String(Math.ceil(grant.retryAfterMs / 1_000)) });
      }
    }
    deps.callCounts.taken += 1;
    next();
  };
}

export const notFoundRoute: RequestHandler = (req) => {
  throw applicationError(404, 'NOT_FOUND', `No API at ${req.method} ${req.path}`);
};

interface HttpLikeError {
  status: number;
  message: string;
  type?: string;
}

/** Errors of express.raw (e.g. body too large) carry an HTTP status. */
function isHttpLikeError(error: unknown): error is HttpLikeError {
  return typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number';
}

export function errorHandler(deps: EmulatorDeps): ErrorRequestHandler {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    let wixError: WixError;
    if (error instanceof WixError) wixError = error;
    else if (isHttpLikeError(error) && error.status >= 400 && error.status < 500) {
      wixError = applicationError(error.status, error.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INVALID_ARGUMENT', error.message);
    } else {
      deps.logger.error({ err: error, method: req.method, path: req.path }, 'emulator route failed');
      wixError = applicationError(500, 'INTERNAL_ERROR', 'Internal error in the Wix emulator');
    }
    res.status(wixError.status).set(wixError.headers).json(wixError.body);
  };
}
