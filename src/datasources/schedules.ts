import DataLoader from 'dataloader';
import {
  GetScheduleResponse,
  QuerySchedulesResponse,
  ScheduleStatus,
  type SchedulePersonalFields,
  type CancelScheduleBody,
  type NewScheduleBody,
  type ParticipantNotification,
  type ScheduleDto,
  type ScheduleQueryFilter,
  type ScheduleQueryInput,
} from './schedules.dto.js';
import type { WixHttpClient } from './wix-http.js';
import { NotFoundError } from '../infra/errors.js';

const BASE = '/calendar/v3/schedules';
/** Query Schedules answers at most 100 items per call (docs/wix-contract.md §2.2). */
export const QUERY_PAGE_MAX = 100;
/**
 * Query Schedules returns only ACTIVE schedules unless the filter names a status, but a connection
 * may point at a cancelled one: name every status when loading by id.
 */
const EVERY_STATUS = Object.values(ScheduleStatus);

/** One Query Schedules call: a first page (the filter) or a following one (Wix's cursor only). */
export type QuerySchedulesRequest = ({ filter: ScheduleQueryInput } | { cursor: string }) & {
  limit: number;
  /** Wix's `fields`: which personal data to include; none when absent. */
  personalFields?: SchedulePersonalFields | undefined;
};

/** A Get Schedule: which schedule, and which of its personal data (none when absent). */
interface GetKey {
  id: string;
  personalFields?: SchedulePersonalFields | undefined;
}

/** Every `fields` value, to forget each variant of a schedule once it changed. */
const PERSONAL_FIELDS_VARIANTS: readonly SchedulePersonalFields[] = ['PI_FIELDS', 'OWN_PI_FIELDS'];

/** Calendar Schedules v3, one instance per operation (docs/wix-contract.md §2). */
export class SchedulesApi {
  readonly #http: WixHttpClient;
  /** Batches every schedule asked by id within one tick into Query Schedules calls. */
  readonly #byId: DataLoader<string, ScheduleDto | null>;
  /** Get Schedule per id (and personal-data switch), memoised per operation. */
  readonly #get: DataLoader<GetKey, ScheduleDto | null, string>;

  constructor(http: WixHttpClient) {
    this.#http = http;
    this.#get = new DataLoader((keys) => Promise.all(keys.map((key) => this.#fetchOne(key).catch((error: Error) => error))), {
      batch: false,
      cacheKeyFn: ({ id, personalFields }) => `${personalFields ?? 'public'}:${id}`,
    });
    this.#byId = new DataLoader((ids) => this.#queryByIds(ids), { maxBatchSize: QUERY_PAGE_MAX });
  }

  /** One schedule by id through the batch loader (Query Schedules `id $in`); null when Wix does not have it. */
  load(id: string): Promise<ScheduleDto | null> {
    return this.#byId.load(id);
  }

  /** Get Schedule; null when Wix answers 404. `personalFields` is Wix's `fields` (PI_FIELDS or OWN_PI_FIELDS). */
  get(id: string, options: { personalFields?: SchedulePersonalFields | undefined } = {}): Promise<ScheduleDto | null> {
    return this.#get.load({ id, personalFields: options.personalFields });
  }

  /**
   * Query Schedules, one page. A first page sends the filter (each list as `$in`; no status means
   * Wix's default, ACTIVE only); a following page sends only the cursor and the limit, as Wix
   * requires ("following requests use the cursor token and not filter").
   */
  query(request: QuerySchedulesRequest): Promise<QuerySchedulesResponse> {
    const query =
      'cursor' in request
        ? { cursorPaging: { limit: request.limit, cursor: request.cursor } }
        : { ...withFilter(request.filter), cursorPaging: { limit: request.limit } };
    return this.#http.call(QuerySchedulesResponse, {
      endpoint: 'schedules.query',
      method: 'POST',
      path: `${BASE}/query`,
      body: { query, ...(request.personalFields && { fields: [request.personalFields] }) },
    });
  }

  /** Create Schedule; throws for the mutation to report. */
  async create(schedule: NewScheduleBody, idempotencyKey?: string): Promise<ScheduleDto> {
    const response = await this.#http.call(GetScheduleResponse, {
      endpoint: 'schedules.create',
      method: 'POST',
      path: BASE,
      body: { schedule, ...(idempotencyKey !== undefined && { idempotencyKey }) },
    });
    this.#remember(response.schedule);
    return response.schedule;
  }

  /** Update Schedule (a PATCH: id, revision and the fields that change); throws for the mutation to report. */
  async update(
    schedule: { id: string; revision: string } & Record<string, unknown>,
    participantNotification?: ParticipantNotification,
  ): Promise<ScheduleDto> {
    const response = await this.#http.call(GetScheduleResponse, {
      endpoint: 'schedules.update',
      method: 'PATCH',
      path: `${BASE}/${encodeURIComponent(schedule.id)}`,
      body: { schedule, ...(participantNotification && { participantNotification }) },
    });
    this.#remember(response.schedule);
    return response.schedule;
  }

  /** Cancel Schedule; throws for the mutation to report. */
  async cancel(id: string, body: CancelScheduleBody): Promise<ScheduleDto> {
    const response = await this.#http.call(GetScheduleResponse, {
      endpoint: 'schedules.cancel',
      method: 'POST',
      path: `${BASE}/${encodeURIComponent(id)}/cancel`,
      body,
    });
    this.#remember(response.schedule);
    return response.schedule;
  }

  /** After a change, later reads in the same operation see the new schedule, not a stale memo. */
  #remember(schedule: ScheduleDto): void {
    const key = { id: schedule.id };
    for (const personalFields of PERSONAL_FIELDS_VARIANTS) this.#get.clear({ id: schedule.id, personalFields });
    this.#get.clear(key).prime(key, schedule);
    this.#byId.clear(schedule.id).prime(schedule.id, schedule);
  }

  async #fetchOne({ id, personalFields }: GetKey): Promise<ScheduleDto | null> {
    try {
      const response = await this.#http.call(GetScheduleResponse, {
        endpoint: 'schedules.get',
        method: 'GET',
        path: `${BASE}/${encodeURIComponent(id)}`,
        ...(personalFields && { query: { fields: [personalFields] } }),
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

/** The gateway's filter as Query Schedules' `filter`: each list as `$in`; none at all, no filter. */
function withFilter(input: ScheduleQueryInput): { filter?: ScheduleQueryFilter } {
  const filter: ScheduleQueryFilter = {};
  if (input.ids) filter.id = { $in: input.ids };
  if (input.externalIds) filter.externalId = { $in: input.externalIds };
  if (input.appIds) filter.appId = { $in: input.appIds };
  if (input.statuses) filter.status = { $in: input.statuses };
  return Object.keys(filter).length > 0 ? { filter } : {};
}
