import type { Logger } from 'pino';
import { z } from 'zod';
import { BrokenCircuitError, TransientFailure, type UpstreamGuard } from './resilience.js';
import { UpstreamResponseTooLarge, type Transport, type TransportResponse } from './transport.js';
import type { Metrics } from '../infra/metrics.js';
import type { CallKind, SiteBudget } from '../upstream/budget.js';
import type { UpstreamCache } from '../upstream/cache.js';
import {
  ErrorCode,
  GatewayError,
  isWixApplicationCode,
  NotFoundError,
  UpstreamAuthError,
  UpstreamInvalidResponseError,
  UpstreamRateLimitedError,
  UpstreamRefusedError,
  UpstreamUnavailableError,
  WixApplicationError,
  WixValidationError,
  type WixApplicationCode,
} from '../infra/errors.js';

/** How the gateway proves who it is to Wix (docs/wix-contract.md §4). */
export interface WixCredentials {
  headers(): Promise<Record<string, string>>;
  /**
   * Wix answered 401 to a call made with these headers. Credentials that can be renewed (an app
   * instance's access token) drop them, and the call is repeated once with fresh ones; without this
   * method (an API key) a 401 is final.
   */
  refused?(sent: Record<string, string>): void;
}

/** API-key mode: the raw key (no `Bearer`) and the site it may act on. */
export class ApiKeyCredentials implements WixCredentials {
  readonly #headers: Record<string, string>;
  constructor(apiKey: string, siteId: string) {
    this.#headers = { authorization: apiKey, 'wix-site-id': siteId };
  }
  headers(): Promise<Record<string, string>> {
    return Promise.resolve(this.#headers);
  }
}

/** A query-string value; arrays repeat the key, as the Wix SDK serialises them. */
export type QueryValue = string | number | boolean | undefined | null | readonly (string | number | boolean)[];

export interface WixRequest {
  /** Stable name of the upstream method, for logs and metrics, e.g. `schedules.query`. */
  endpoint: string;
  method: 'GET' | 'POST' | 'PATCH';
  /** Path under the base URL, already encoded, e.g. `/calendar/v3/schedules/query`. */
  path: string;
  /** Flat map; nested keys are written dotted (`cursorPaging.limit`), as Wix expects. */
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Read or write, for the site's budget (writes take precedence); by default GET is a read. */
  kind?: CallKind;
  /** A read whose answer may be shared and kept (see UpstreamCache), in this namespace. */
  cache?: { namespace: string; ttlMs?: number | undefined };
  /** A write: answers of these namespaces read before it are not used again. */
  invalidates?: readonly string[];
}

/** The site's budget and cache, and where to report an answer served stale. */
export interface UpstreamAccess {
  /** The Wix site (app instance) the calls act on: the key of the budget and the cache. */
  site: string;
  budget: SiteBudget;
  cache: UpstreamCache;
  /** Told the age of an answer served from the cache because the budget refused a fresh one. */
  onStale(ageMs: number): void;
}

export interface WixHttpClientOptions {
  /** How calls reach Wix (made once for many clients: see `transportFor`). */
  transport: Transport;
  access: UpstreamAccess;
  credentials: WixCredentials;
  guard: UpstreamGuard;
  metrics: Metrics;
  /** When the client's operation gives up (epoch ms): no attempt starts or runs past it. */
  deadline: number;
  logger: Logger;
  requestId?: string;
}

/**
 * A write refused by the budget waits for a free call when one comes this soon; a read waits only
 * for a call free in a moment (a pause ending as its timer fires), never long.
 */
const WRITE_WAIT_MAX_MS = 2_000;
const READ_WAIT_MAX_MS = 50;
/** A 429 without Retry-After pauses the site's calls this long. */
const DEFAULT_429_PAUSE_MS = 5_000;
/** A 429 is retried in the same operation only when Wix asks for at most this pause. */
const RETRY_429_MAX_MS = 1_000;

/** Wix refused the credentials a call was made with (401); they may be renewed and the call repeated once. */
class CredentialsRefused extends Error {
  constructor(
    readonly sent: Record<string, string>,
    readonly failure: GatewayError,
  ) {
    super('credentials refused');
  }
}

/**
 * Which calls may be repeated after a failure that Wix may have acted on (a 5xx, a timeout, a
 * reset): reads, Query Schedules (a read over POST), and Update Sync Config, which sets the
 * config to the values sent, so a repeat leaves the same state. Every other write is repeated only
 * when Wix certainly did not act on it (429, connection refused), or, for Create Schedule, when it
 * carries an idempotency key (Wix returns the first result for a repeated key).
 */
const REPEATABLE_WRITES = new Set(['schedules.query', 'externalCalendars.updateSyncConfig']);

function mayRepeat(request: WixRequest, failure: TransientFailure): boolean {
  if (failure.notProcessed || request.method === 'GET' || REPEATABLE_WRITES.has(request.endpoint)) return true;
  const body = request.body as { idempotencyKey?: unknown } | undefined;
  return request.endpoint === 'schedules.create' && typeof body?.idempotencyKey === 'string';
}

/** Seconds or an HTTP date, as Retry-After allows; capped at a minute. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1_000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), 60_000) : undefined;
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** `?a=1&b=x&b=y`: undefined and null are left out, arrays repeat the key. */
export function toQueryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The two Wix error body shapes (docs/wix-contract.md §4.3); anything else counts as "no details". */
const WixErrorBody = z.object({
  details: z
    .object({
      applicationError: z.object({ code: z.string().min(1) }).nullish(),
      validationError: z.object({ fieldViolations: z.array(z.object({ field: z.string().nullish() })).nullish() }).nullish(),
    })
    .nullish(),
});

/**
 * The one HTTP client both Wix APIs share: adds credentials, serialises the wire forms, validates
 * every response with zod and converts every upstream failure into the error vocabulary, once.
 */
export class WixHttpClient {
  readonly #options: WixHttpClientOptions;

  constructor(options: WixHttpClientOptions) {
    this.#options = options;
  }

  /**
   * One upstream call: retried with backoff (honouring Retry-After) where `mayRepeat` allows, at
   * most `maxAttempts` times and never past the operation's deadline; failing fast while the
   * upstream's circuit is open. Every failure leaves as one error of the vocabulary.
   */
  async call<S extends z.ZodType>(schema: S, request: WixRequest): Promise<z.output<S>> {
    const { access } = this.#options;
    if (request.cache) {
      const key = `${request.method} ${request.path}${toQueryString(request.query)} ${request.body === undefined ? '' : JSON.stringify(request.body)}`;
      return access.cache.read(
        { site: access.site, namespace: request.cache.namespace, key, ttlMs: request.cache.ttlMs },
        () => this.#call(schema, request),
        (ageMs) => access.onStale(ageMs),
      );
    }
    if (!request.invalidates?.length) return (await this.#call(schema, request)).value;
    try {
      return (await this.#call(schema, request)).value;
    } finally {
      // Whatever Wix answered, it may have acted: the next read of what this write touches goes to Wix.
      await Promise.allSettled(request.invalidates.map((namespace) => access.cache.invalidate(access.site, namespace)));
    }
  }

  async #call<S extends z.ZodType>(schema: S, request: WixRequest): Promise<{ value: z.output<S>; bytes: number }> {
    const { guard, deadline } = this.#options;
    const breaker = guard.breaker(request.endpoint.split('.')[0] ?? request.endpoint);
    let backoff = guard.backoff();
    let renewed = false;
    for (let attempt = 1; ; attempt += 1) {
      if (deadline - Date.now() <= 0) throw new UpstreamUnavailableError('The request ran out of time waiting for Wix.');
      // A write may wait here for a free call: what is left of the deadline is measured after.
      await this.#takeBudget(request);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new UpstreamUnavailableError('The request ran out of time waiting for Wix.');
      let text: string;
      try {
        text = await breaker.execute(() => this.#attempt(request, attempt, Math.min(guard.settings.timeoutMs, remaining)));
      } catch (error) {
        if (error instanceof BrokenCircuitError)
          throw new UpstreamUnavailableError('Wix is failing right now; the gateway is not calling it for a moment.');
        if (error instanceof CredentialsRefused) {
          // Wix did not act on a call it refused to authenticate: repeating it once with renewed credentials is safe.
          const { credentials } = this.#options;
          if (renewed || !credentials.refused) throw error.failure;
          renewed = true;
          credentials.refused(error.sent);
          continue;
        }
        if (!(error instanceof TransientFailure)) throw error;
        if (error.status === 429) {
          // Wix says slow down: every call of this site waits, on every instance; this one is
          // repeated only when the pause is short, otherwise it fails with the time to wait.
          const pauseMs = error.retryAfterMs ?? DEFAULT_429_PAUSE_MS;
          await this.#options.access.budget.pause(this.#options.access.site, pauseMs);
          if (pauseMs > RETRY_429_MAX_MS || attempt >= guard.settings.maxAttempts || Date.now() + pauseMs >= deadline) {
            throw new UpstreamRateLimitedError(pauseMs);
          }
        }
        const delay = Math.max(backoff.duration, error.retryAfterMs ?? 0);
        backoff = backoff.next(undefined);
        if (!error.retryable || attempt >= guard.settings.maxAttempts || !mayRepeat(request, error) || Date.now() + delay >= deadline) {
          throw new UpstreamUnavailableError();
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        continue;
      }
      return { value: this.#parse(schema, request, text), bytes: text.length };
    }
  }

  /** One call from the site's budget; a refused read fails at once, a refused write waits a little. */
  async #takeBudget(request: WixRequest): Promise<void> {
    const { access, deadline } = this.#options;
    const kind = request.kind ?? (request.method === 'GET' ? 'read' : 'write');
    for (;;) {
      const grant = await access.budget.take(access.site, kind);
      if (grant.granted) return;
      const waitMax = kind === 'read' ? READ_WAIT_MAX_MS : WRITE_WAIT_MAX_MS;
      if (grant.retryAfterMs > waitMax || Date.now() + grant.retryAfterMs >= deadline) {
        this.#options.metrics.budgetRefusals.inc({ kind });
        throw new UpstreamRateLimitedError(grant.retryAfterMs);
      }
      await new Promise((resolve) => setTimeout(resolve, grant.retryAfterMs));
    }
  }

  /** One HTTP exchange: the body text of a 2xx; TransientFailure to retry; a vocabulary error otherwise. */
  async #attempt(request: WixRequest, attempt: number, timeoutMs: number): Promise<string> {
    const { logger, requestId } = this.#options;
    const credentials = await this.#options.credentials.headers();
    const headers: Record<string, string> = { accept: 'application/json', ...credentials };
    if (requestId) headers['x-request-id'] = requestId;
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    const started = performance.now();
    const { metrics } = this.#options;
    const log = (status: number | string) => {
      const seconds = (performance.now() - started) / 1_000;
      const labels = { endpoint: request.endpoint, status: String(status) };
      metrics.upstreamCalls.observe(labels, seconds);
      metrics.upstreamSiteCalls.inc({ site: metrics.siteLabel(this.#options.access.site) });
      if (typeof status !== 'number' || status >= 400) metrics.upstreamErrors.inc(labels);
      if (logger.isLevelEnabled('info')) {
        logger.info(
          { endpoint: request.endpoint, method: request.method, status, attempt, durationMs: Math.round(seconds * 1_000) },
          'upstream call',
        );
      }
    };
    let response: TransportResponse;
    try {
      response = await this.#options.transport({
        method: request.method,
        path: `${request.path}${toQueryString(request.query)}`,
        headers,
        body,
        timeoutMs,
      });
    } catch (error) {
      if (error instanceof UpstreamResponseTooLarge) {
        // Not an outage and not worth repeating: the same call would bring the same answer.
        log('too-large');
        throw new UpstreamInvalidResponseError('Wix answered with more than the gateway reads.');
      }
      const timedOut = isTimeout(error);
      log(timedOut ? 'timeout' : 'network-error');
      const failure = error as { code?: string; cause?: { code?: string } };
      const code = failure.code ?? failure.cause?.code ?? '';
      throw new TransientFailure(timedOut ? 'timeout' : 'network', undefined, !timedOut && NOT_SENT_CODES.has(code), undefined);
    }
    const { status, text } = response;
    log(status);
    if (status >= 200 && status < 300) return text;
    if (status === 429 || status >= 500) {
      throw new TransientFailure('status', status, status === 429, retryAfterMs(response.header('retry-after')));
    }
    const failure = convertFailure(status, text);
    // Only a refusal of the credentials themselves, not an application code such as BAD_CREDENTIALS.
    if (failure instanceof UpstreamAuthError && failure.httpStatus === 401) throw new CredentialsRefused(credentials, failure);
    throw failure;
  }

  #parse<S extends z.ZodType>(schema: S, request: WixRequest, text: string): z.output<S> {
    const parsed = schema.safeParse(parseJson(text));
    if (!parsed.success) {
      this.#options.logger.warn(
        { endpoint: request.endpoint, issues: parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path, code: i.code })) },
        'upstream response does not match the contract',
      );
      throw new UpstreamInvalidResponseError();
    }
    return parsed.data;
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Wix statuses without an application code, named as the Wix SDK names them (CONSTANT_CASE of the
 * status text).
 */
const bareStatusCodes: Partial<Record<number, WixApplicationCode>> = {
  409: ErrorCode.CONFLICT,
  412: ErrorCode.PRECONDITION_FAILED,
  428: ErrorCode.PRECONDITION_REQUIRED,
};

/**
 * Maps a non-2xx upstream answer to the error vocabulary: converted once, here (docs/wix-contract.md
 * §4.3). Only codes of the closed set reach a client; Wix's 401 / 403 are the gateway's problem, not
 * the caller's, so they get codes of their own.
 */
export function convertFailure(status: number, text: string): GatewayError {
  if (status === 404) return new NotFoundError();
  if (status === 429 || status >= 500) return new UpstreamUnavailableError();
  const details = WixErrorBody.safeParse(parseJson(text)).data?.details;
  const applicationCode = details?.applicationError?.code;
  if (status >= 400 && applicationCode && isWixApplicationCode(applicationCode)) return new WixApplicationError(applicationCode, status);
  if (status === 401 || status === 403) return new UpstreamAuthError(status);
  if (status === 400 || details?.validationError) {
    const violations = details?.validationError?.fieldViolations ?? [];
    // `a.b[0].c` → ['a', 'b', '0', 'c']
    return new WixValidationError(violations.flatMap((v) => (v.field ? [v.field.split(/[.[\]]+/).filter(Boolean)] : [])));
  }
  // Any other code Wix sends is not passed on (it could be anything, markup included).
  if (applicationCode) return new UpstreamRefusedError();
  const bare = bareStatusCodes[status];
  if (bare) return new WixApplicationError(bare, status);
  return new UpstreamInvalidResponseError();
}
