import type { Logger } from 'pino';
import { z } from 'zod';
import {
  GatewayError,
  NotFoundError,
  ForbiddenError,
  UnauthenticatedError,
  UpstreamInvalidResponseError,
  UpstreamUnavailableError,
  WixApplicationError,
  WixValidationError,
} from '../errors.js';

/** How the gateway proves who it is to Wix (WIX-API.md §4). */
export interface WixCredentials {
  headers(): Promise<Record<string, string>>;
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
  baseUrl: string;
  credentials: WixCredentials;
  timeoutMs: number;
  logger: Logger;
  requestId?: string;
  fetch?: typeof fetch;
}

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

/** The two Wix error body shapes (WIX-API.md §4.3); anything else counts as "no details". */
const WixErrorBody = z.object({
  details: z
    .object({
      applicationError: z.object({ code: z.string().min(1) }).nullish(),
      validationError: z
        .object({ fieldViolations: z.array(z.object({ field: z.string().nullish() })).nullish() })
        .nullish(),
    })
    .nullish(),
});

/**
 * The one HTTP client both Wix APIs share: adds credentials, serialises the wire forms, validates
 * every response with zod and converts every upstream failure into the error vocabulary, once.
 */
export class WixHttpClient {
  readonly #options: WixHttpClientOptions;
  readonly #baseUrl: string;

  constructor(options: WixHttpClientOptions) {
    this.#options = options;
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  async call<S extends z.ZodType>(schema: S, request: WixRequest): Promise<z.output<S>> {
    const { logger, timeoutMs, requestId } = this.#options;
    const url = `${this.#baseUrl}${request.path}${toQueryString(request.query)}`;
    const headers: Record<string, string> = { accept: 'application/json', ...(await this.#options.credentials.headers()) };
    if (requestId) headers['x-request-id'] = requestId;
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }

    const started = performance.now();
    const log = (status: number | string) =>
      logger.debug(
        { endpoint: request.endpoint, method: request.method, status, durationMs: Math.round(performance.now() - started) },
        'upstream call',
      );
    let response: Response;
    let text: string;
    try {
      const fetchImpl = this.#options.fetch ?? fetch;
      response = await fetchImpl(url, { method: request.method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
      text = await response.text();
    } catch (error) {
      log(isTimeout(error) ? 'timeout' : 'network-error');
      throw new UpstreamUnavailableError();
    }
    log(response.status);

    if (!response.ok) throw convertFailure(response.status, text);
    const parsed = schema.safeParse(parseJson(text));
    if (!parsed.success) {
      logger.warn(
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
const bareStatusCodes: Record<number, string> = {
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  428: 'PRECONDITION_REQUIRED',
};

/** Maps a non-2xx upstream answer to the error vocabulary (ARCHITECTURE.md: converted once, here). */
export function convertFailure(status: number, text: string): GatewayError {
  if (status === 404) return new NotFoundError();
  if (status === 429 || status >= 500) return new UpstreamUnavailableError();
  const details = WixErrorBody.safeParse(parseJson(text)).data?.details;
  const applicationCode = details?.applicationError?.code;
  if (status >= 400 && applicationCode) return new WixApplicationError(applicationCode, status);
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
