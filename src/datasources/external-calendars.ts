import DataLoader from 'dataloader';
import {
  ConnectByOAuthResponse,
  GetConnectionResponse,
  ListCalendarsResponse,
  ListConnectionsResponse,
  ListEventsResponse,
  ListProvidersResponse,
  type CalendarDto,
  type ConnectionDto,
  type ListEventsFilter,
  type ProviderDto,
  type WixSyncConfigBody,
} from './external-calendars.dto.js';
import type { QueryValue, WixHttpClient } from './wix-http.js';
import type { CacheTtls } from '../upstream/access.js';
import { ErrorCode, NotFoundError, WixApplicationError, type WixApplicationCode } from '../infra/errors.js';

const BASE = '/bookings/v2/external-calendars';
/**
 * Wix announces no change of External Calendar entities (docs/wix-contract.md): their reads are
 * cached briefly, shared between callers, and invalidated by every write through the gateway.
 */
const NAMESPACE = 'externalCalendars';
const INVALIDATES = [NAMESPACE] as const;
/** List Events serves at most 1000 events per call (docs/wix-contract.md §1.4). */
export const EVENTS_PAGE_MAX = 1_000;
/** List Calendars has no bulk form: at most this many run at once for one operation. */
export const CALENDARS_CONCURRENCY = 8;
/**
 * List Calendars refusals that mean "nothing to choose from" rather than a failure: the connection
 * is not connected, or its provider cannot list calendars (docs/wix-contract.md §1.6).
 */
const NOTHING_TO_LIST = new Set<WixApplicationCode>([ErrorCode.CONNECTION_NOT_CONNECTED, ErrorCode.NOT_SUPPORTED_BY_PROVIDER]);

/** One List Events call: a first page (the filter) or a following one (Wix's cursor only). */
export type ListEventsRequest = ({ filter: ListEventsFilter } | { cursor: string }) & {
  limit: number;
  personalData: boolean;
  partialFailure?: boolean | null | undefined;
};

/** Runs at most `limit` tasks at once, the others in arrival order; a finishing task hands its slot on. */
class ConcurrencyLimit {
  readonly #limit: number;
  readonly #waiting: Array<() => void> = [];
  #running = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running < this.#limit) this.#running += 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running -= 1;
    }
  }
}

/** Bookings External Calendar v2, one instance per operation (docs/wix-contract.md §1). */
export class ExternalCalendarsApi {
  readonly #http: WixHttpClient;
  /** Per-operation memo: the same connection asked twice in one operation costs one call. */
  readonly #connections = new Map<string, Promise<ConnectionDto | null>>();
  /** List Providers, at most once per operation. */
  #providers: Promise<ProviderDto[]> | undefined;
  /** List Calendars per connection, deduplicated per operation, never more than 8 in flight. */
  readonly #calendars: DataLoader<string, CalendarDto[]>;
  readonly #calendarCalls = new ConcurrencyLimit(CALENDARS_CONCURRENCY);

  readonly #ttls: CacheTtls | undefined;

  constructor(http: WixHttpClient, ttls?: CacheTtls) {
    this.#http = http;
    this.#ttls = ttls;
    this.#calendars = new DataLoader(
      (ids) => Promise.all(ids.map((id) => this.#calendarCalls.run(() => this.#listCalendars(id)).catch((error: Error) => error))),
      { batch: false },
    );
  }

  /** Get Connection; null when Wix answers 404. */
  getConnection(id: string): Promise<ConnectionDto | null> {
    let pending = this.#connections.get(id);
    if (!pending) {
      pending = this.#http
        .call(GetConnectionResponse, {
          endpoint: 'externalCalendars.getConnection',
          method: 'GET',
          path: `${BASE}/connections/${encodeURIComponent(id)}`,
          cache: { namespace: NAMESPACE },
        })
        .then(
          (response) => response.connection,
          (error: unknown) => {
            if (error instanceof NotFoundError) return null;
            throw error;
          },
        );
      this.#connections.set(id, pending);
    }
    return pending;
  }

  /** List Connections. */
  listConnections(options: { scheduleIds?: readonly string[] | null; partialFailure?: boolean | null }): Promise<ListConnectionsResponse> {
    return this.#http.call(ListConnectionsResponse, {
      endpoint: 'externalCalendars.listConnections',
      method: 'GET',
      path: `${BASE}/connections`,
      query: { scheduleIds: options.scheduleIds ?? undefined, partialFailure: options.partialFailure ?? undefined },
      cache: { namespace: NAMESPACE },
    });
  }

  /** List Providers, read once per operation however many connections ask for their provider. */
  listProviders(): Promise<ProviderDto[]> {
    this.#providers ??= this.#http
      .call(ListProvidersResponse, {
        endpoint: 'externalCalendars.listProviders',
        method: 'GET',
        path: `${BASE}/providers`,
        cache: { namespace: 'providers', ttlMs: this.#ttls?.providersMs },
      })
      .then((response) => response.providers);
    return this.#providers;
  }

  /** One provider from List Providers; null when Wix does not list it. */
  async getProvider(id: string): Promise<ProviderDto | null> {
    const providers = await this.listProviders();
    return providers.find((provider) => provider.id === id) ?? null;
  }

  /**
   * List Calendars of one connection. Empty when there is nothing to choose from: the connection
   * is not connected, its provider cannot list calendars, or Wix no longer knows it. Other
   * failures (premium plan missing, upstream down) are thrown.
   */
  listCalendars(connectionId: string): Promise<CalendarDto[]> {
    return this.#calendars.load(connectionId);
  }

  /** Connect By OAuth: the URL of the provider's consent page. Throws for the mutation to report. */
  async connectByOAuth(body: { providerId: string; scheduleId: string; redirectUrl: string }): Promise<string> {
    const response = await this.#http.call(ConnectByOAuthResponse, {
      endpoint: 'externalCalendars.connectByOAuth',
      method: 'POST',
      path: `${BASE}/connections:connectByOAuth`,
      body,
      invalidates: INVALIDATES,
    });
    return response.oauthUrl;
  }

  /** Connect By Credentials: the new connection. The body holds a password: it is never logged. */
  async connectByCredentials(body: { providerId: string; scheduleId: string; email: string; password: string }): Promise<ConnectionDto> {
    const response = await this.#http.call(GetConnectionResponse, {
      endpoint: 'externalCalendars.connectByCredentials',
      method: 'POST',
      path: `${BASE}/connections:connectByCredentials`,
      body,
      invalidates: INVALIDATES,
    });
    this.#connections.set(response.connection.id, Promise.resolve(response.connection));
    return response.connection;
  }

  /** Update Sync Config; throws NotFoundError / WixApplicationError for the mutation to report. */
  async updateSyncConfig(connectionId: string, syncConfig: WixSyncConfigBody): Promise<ConnectionDto> {
    const response = await this.#http.call(GetConnectionResponse, {
      endpoint: 'externalCalendars.updateSyncConfig',
      method: 'PATCH',
      path: `${BASE}/connections/${encodeURIComponent(connectionId)}/sync-config`,
      body: { connectionId, syncConfig },
      invalidates: INVALIDATES,
    });
    this.#connections.set(connectionId, Promise.resolve(response.connection));
    return response.connection;
  }

  /** Disconnect; throws NotFoundError / WixApplicationError for the mutation to report. */
  async disconnect(connectionId: string): Promise<ConnectionDto> {
    const response = await this.#http.call(GetConnectionResponse, {
      endpoint: 'externalCalendars.disconnect',
      method: 'POST',
      path: `${BASE}/connections/${encodeURIComponent(connectionId)}/disconnect`,
      body: { connectionId },
      invalidates: INVALIDATES,
    });
    this.#connections.set(connectionId, Promise.resolve(response.connection));
    this.#calendars.clear(connectionId);
    return response.connection;
  }

  /**
   * List Events, in the SDK's wire form: arrays repeat the key, nested paging is dotted. A first
   * page sends the filter; a following page sends only Wix's cursor (with the limit), which
   * carries the filter. `fieldsets` is always sent, so whether personal data comes back never
   * depends on what a cursor remembers.
   */
  listEvents(request: ListEventsRequest): Promise<ListEventsResponse> {
    const filter: Record<string, QueryValue> =
      'filter' in request
        ? {
            from: request.filter.from,
            to: request.filter.to,
            scheduleIds: request.filter.scheduleIds,
            userIds: request.filter.userIds,
            allDay: request.filter.allDay,
          }
        : {};
    return this.#http.call(ListEventsResponse, {
      endpoint: 'externalCalendars.listEvents',
      method: 'GET',
      path: `${BASE}/events`,
      query: {
        ...filter,
        fieldsets: request.personalData ? 'OWN_PI' : 'NO_PI',
        'cursorPaging.limit': request.limit,
        'cursorPaging.cursor': 'cursor' in request ? request.cursor : undefined,
        partialFailure: request.partialFailure ?? undefined,
      },
      cache: { namespace: NAMESPACE },
    });
  }

  async #listCalendars(connectionId: string): Promise<CalendarDto[]> {
    try {
      const response = await this.#http.call(ListCalendarsResponse, {
        endpoint: 'externalCalendars.listCalendars',
        method: 'GET',
        path: `${BASE}/connections/${encodeURIComponent(connectionId)}/calendars`,
        cache: { namespace: NAMESPACE },
      });
      return response.calendars;
    } catch (error) {
      if (error instanceof NotFoundError) return [];
      if (error instanceof WixApplicationError && NOTHING_TO_LIST.has(error.wixCode)) return [];
      throw error;
    }
  }
}
