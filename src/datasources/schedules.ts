import DataLoader from 'dataloader';
import {
  GetScheduleResponse,
  QuerySchedulesResponse,
  ScheduleStatus,
  type ScheduleDto,
} from './schedules.dto.js';
import type { WixHttpClient } from './wix-http.js';
import { NotFoundError } from '../errors.js';

const BASE = '/calendar/v3/schedules';
/** Query Schedules answers at most 100 items per call (WIX-API.md §2.2). */
export const QUERY_PAGE_MAX = 100;
/**
 * Query Schedules returns only ACTIVE schedules unless the filter names a status, but a connection
 * may point at a cancelled one: name every status when loading by id.
 */
const EVERY_STATUS = Object.values(ScheduleStatus);

export interface SchedulesApiOptions {
  /** false turns batching off (one Get Schedule per id): the naive N+1 baseline for benchmarks. */
  batch?: boolean;
}

/** Calendar Schedules v3, one instance per operation (WIX-API.md §2). */
export class SchedulesApi {
  readonly #http: WixHttpClient;
  /** Batches every schedule asked by id within one tick into Query Schedules calls. */
  readonly #byId: DataLoader<string, ScheduleDto | null>;
  /** Get Schedule per id, memoised per operation. */
  readonly #get: DataLoader<string, ScheduleDto | null>;

  constructor(http: WixHttpClient, options: SchedulesApiOptions = {}) {
    this.#http = http;
    this.#get = new DataLoader((ids) => Promise.all(ids.map((id) => this.#fetchOne(id).catch((error: Error) => error))), {
      batch: false,
    });
    this.#byId =
      options.batch === false
        ? this.#get
        : new DataLoader((ids) => this.#queryByIds(ids), { maxBatchSize: QUERY_PAGE_MAX });
  }

  /** One schedule by id through the batch loader (Query Schedules `id $in`); null when Wix does not have it. */
  load(id: string): Promise<ScheduleDto | null> {
    return this.#byId.load(id);
  }

  /** Get Schedule; null when Wix answers 404. */
  get(id: string): Promise<ScheduleDto | null> {
    return this.#get.load(id);
  }

  /** Update Schedule (a PATCH: id, revision and the fields that change); throws for the mutation to report. */
  async update(schedule: { id: string; revision: string } & Record<string, unknown>): Promise<ScheduleDto> {
    const response = await this.#http.call(GetScheduleResponse, {
      endpoint: 'schedules.update',
      method: 'PATCH',
      path: `${BASE}/${encodeURIComponent(schedule.id)}`,
      body: { schedule },
    });
    this.#get.clear(schedule.id).prime(schedule.id, response.schedule);
    this.#byId.clear(schedule.id).prime(schedule.id, response.schedule);
    return response.schedule;
  }

  async #fetchOne(id: string): Promise<ScheduleDto | null> {
    try {
      const response = await this.#http.call(GetScheduleResponse, {
        endpoint: 'schedules.get',
        method: 'GET',
        path: `${BASE}/${encodeURIComponent(id)}`,
      });
      return response.schedule;
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /**
   * The batch function: one Query Schedules call per chunk of ≤ 100 ids (DataLoader's
   * maxBatchSize), results matched by id, same length and order as `ids`, null where missing.
   */
  async #queryByIds(ids: readonly string[]): Promise<(ScheduleDto | null | Error)[]> {
    try {
      const response = await this.#http.call(QuerySchedulesResponse, {
        endpoint: 'schedules.query',
        method: 'POST',
        path: `${BASE}/query`,
        body: {
          query: {
            filter: { id: { $in: ids }, status: { $in: EVERY_STATUS } },
            cursorPaging: { limit: ids.length },
          },
        },
      });
      const byId = new Map(response.schedules.map((schedule) => [schedule.id, schedule]));
      return ids.map((id) => byId.get(id) ?? null);
    } catch (error) {
      return ids.map(() => error as Error);
    }
  }
}
