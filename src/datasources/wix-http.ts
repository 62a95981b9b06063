import type { Logger } from 'pino';
import { z } from 'zod';
import { BrokenCircuitError, TransientFailure, type UpstreamGuard } from './resilience.js';
import type { Transport, TransportResponse } from './transport.js';
import type { Metrics } from '../infra/metrics.js';
import {
  ErrorCode,
  GatewayError,
  isWixApplicationCode,
  NotFoundError,
  ForbiddenError,
  UnauthenticatedError,
  UpstreamInvalidResponseError,
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
}

export interface WixHttpClientOptions {
  /** How calls reach Wix (made once for many clients: see `transportFor`). */
  transport: Transport;
  credentials: WixCredentials;
  guard: UpstreamGuard;
  metrics: Metrics;
  /** When the client's operation gives up (epoch ms): no attempt starts or runs past it. */
  deadline: number;
  logger: Logger;
  requestId?: string;
}

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
    const { guard, deadline } = this.#options;
    const breaker = guard.breaker(request.endpoint.split('.')[0] ?? request.endpoint);
    let backoff = guard.backoff();
    let renewed = false;
    for (let attempt = 1; ; attempt += 1) {
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
        const delay = Math.max(backoff.duration, error.retryAfterMs ?? 0);
        backoff = backoff.next(undefined);
        if (!error.retryable || attempt >= guard.settings.maxAttempts || !mayRepeat(request, error) || Date.now() + delay >= deadline) {
          throw new UpstreamUnavailableError();
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        continue;
      }
      return this.#parse(schema, request, text);
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
    if (status === 401) throw new CredentialsRefused(credentials, failure);
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

/** Wix statuses without an application code, named as the Wix SDK names them (CONSTANT_CASE of the status text). */
const bareStatusCodes: Partial<Record<number, WixApplicationCode>> = {
  409: ErrorCode.CONFLICT,
  412: ErrorCode.PRECONDITION_FAILED,
  428: ErrorCode.PRECONDITION_REQUIRED,
};

/** Maps a non-2xx upstream answer to the error vocabulary: converted once, here (docs/wix-contract.md §4.3). */
export function convertFailure(status: number, text: string): GatewayError {
  if (status === 404) return new NotFoundError();
  if (status === 429 || status >= 500) return new UpstreamUnavailableError();
  const details = WixErrorBody.safeParse(parseJson(text)).data?.details;
  const applicationCode = details?.applicationError?.code;
  // Only codes of the closed set pass through; any other is answered as if Wix had sent none.
  if (status >= 400 && applicationCode && isWixApplicationCode(applicationCode)) return new WixApplicationError(applicationCode, status);
  if (status === 401) return new UnauthenticatedError('Wix refused the gateway’s credentials.');
  if (status === 403) return new ForbiddenError('Wix does not allow the gateway to do this.');
  if (status === 400 || details?.validationError) {
    const violations = details?.validationError?.fieldViolations ?? [];
    // `a.b[0].c` → ['a', 'b', '0', 'c']
    return new WixValidationError(violations.flatMap((v) => (v.field ? [v.field.split(/[.[\]]+/).filter(Boolean)] : [])));
  }
  const bare = bareStatusCodes[status];
  if (bare) return new WixApplicationError(bare, status);
  return new UpstreamInvalidResponseError();
}
