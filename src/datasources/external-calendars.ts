import {
  GetConnectionResponse,
  ListConnectionsResponse,
  type ConnectionDto,
  type WixSyncConfigBody,
} from './external-calendars.dto.js';
import type { WixHttpClient } from './wix-http.js';
import { NotFoundError } from '../errors.js';

const BASE = '/bookings/v2/external-calendars';

/** Bookings External Calendar v2, one instance per operation (WIX-API.md §1). */
export class ExternalCalendarsApi {
  readonly #http: WixHttpClient;
  /** Per-operation memo: the same connection asked twice in one operation costs one call. */
  readonly #connections = new Map<string, Promise<ConnectionDto | null>>();

  constructor(http: WixHttpClient) {
    this.#http = http;
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
    });
  }

  /** Update Sync Config; throws NotFoundError / WixApplicationError for the mutation to report. */
  async updateSyncConfig(connectionId: string, syncConfig: WixSyncConfigBody): Promise<ConnectionDto> {
    const response = await this.#http.call(GetConnectionResponse, {
      endpoint: 'externalCalendars.updateSyncConfig',
      method: 'PATCH',
      path: `${BASE}/connections/${encodeURIComponent(connectionId)}/sync-config`,
      body: { connectionId, syncConfig },
    });
    this.#connections.set(connectionId, Promise.resolve(response.connection));
    return response.connection;
  }
}
