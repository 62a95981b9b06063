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
import { ReplicaUnavailable, type ScheduleReplica } from '../upstream/schedule-replica.js';

const BASE = '/calendar/v3/schedules';
/** Query Schedules answers at most 100 items per call (docs/wix-contract.md §2.2). */
export const QUERY_PAGE_MAX = 100;
/**
 * Query Schedules returns only ACTIVE schedules unless the filter names a status, but a connection
 * may point at a cancelled one: name every status when loading by id.
 */
const EVERY_STATUS = Object.values(ScheduleStatus);
/**
 * Cached schedule reads (when there is no replica, or it is not coherent right now) and what
 * schedule writes invalidate. Reads of personal data are only joined while in flight, never kept.
 */
const NAMESPACE = 'schedules';
const IN_FLIGHT_ONLY = { namespace: 'schedulesPersonalData', ttlMs: 0 };
/** A write: no read of either namespace begun before it is joined or used after it. */
const INVALIDATES = [NAMESPACE, IN_FLIGHT_ONLY.namespace] as const;
/** Query Schedules with no status filter answers ACTIVE schedules only. */
const DEFAULT_STATUSES: readonly ScheduleStatus[] = [ScheduleStatus.ACTIVE];

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

export interface SchedulesApiOptions {
  /** The replica that answers reads without personal data, and the site this operation reads. */
  replica?: { replica: ScheduleReplica; site: string } | undefined;
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
  readonly #replica: { replica: ScheduleReplica; site: string } | undefined;

  constructor(http: WixHttpClient, options: SchedulesApiOptions = {}) {
    this.#http = http;
    this.#replica = options.replica;
    this.#get = new DataLoader((keys) => Promise.all(keys.map((key) => this.#fetchOne(key).catch((error: Error) => error))), {
      batch: false,
      cacheKeyFn: ({ id, personalFields }) => `${personalFields ?? 'public'}:${id}`,
    });
    this.#byId = new DataLoader((ids) => this.#loadByIds(ids), { maxBatchSize: QUERY_PAGE_MAX });
  }

  /** Whether lists are served by the replica (then `list` and the replica's cursors are used). */
  get replicated(): boolean {
    return this.#replica !== undefined;
  }

  /**
   * Every schedule matching the filter, in listing order: from the replica, or (when it is not
   * coherent right now) read whole from Wix. No status in the filter means ACTIVE only, as in Wix.
   */
  async list(filter: ScheduleQueryInput): Promise<ScheduleDto[]> {
    const all = await this.#all();
    const statuses = new Set<string>(filter.statuses ?? DEFAULT_STATUSES);
    const ids = filter.ids && new Set(filter.ids);
    const externalIds = filter.externalIds && new Set(filter.externalIds);
    const appIds = filter.appIds && new Set(filter.appIds);
    return all.filter(
      (schedule) =>
        statuses.has(schedule.status) &&
        (!ids || ids.has(schedule.id)) &&
        (!externalIds || externalIds.has(schedule.externalId ?? '')) &&
        (!appIds || appIds.has(schedule.appId ?? '')),
    );
  }

  /** These schedules with the personal data asked for, fresh from Wix (one call), in the order asked. */
  async withPersonalData(ids: readonly string[], personalFields: SchedulePersonalFields): Promise<(ScheduleDto | null)[]> {
    if (ids.length === 0) return [];
    const response = await this.#http.call(QuerySchedulesResponse, {
      endpoint: 'schedules.query',
      method: 'POST',
      path: `${BASE}/query`,
      kind: 'read',
      cache: IN_FLIGHT_ONLY,
      body: {
        query: { filter: { id: { $in: ids }, status: { $in: EVERY_STATUS } }, cursorPaging: { limit: ids.length } },
        fields: [personalFields],
      },
    });
    const byId = new Map(response.schedules.map((schedule) => [schedule.id, schedule]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** One schedule by id through the batch loader (Query Schedules `id $in`); null when Wix does not have it. */
  load(id: string): Promise<ScheduleDto | null> {
    return this.#byId.load(id);
  }

  /** Get Schedule; null when Wix answers 404. `personalFields` is Wix's `fields` (PI_FIELDS or OWN_PI_FIELDS). */
  get(id: string, options: { personalFields?: SchedulePersonalFields | undefined } = {}): Promise<ScheduleDto | null> {
    if (this.#replica && !options.personalFields) return this.#byId.load(id);
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
      kind: 'read',
      cache: request.personalFields ? IN_FLIGHT_ONLY : { namespace: NAMESPACE },
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
      invalidates: INVALIDATES,
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
      invalidates: INVALIDATES,
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
      invalidates: INVALIDATES,
    });
    this.#remember(response.schedule);
    return response.schedule;
  }

  /** After a change, later reads in the same operation see the new schedule, not a stale memo. */
  #remember(schedule: ScheduleDto): void {
    this.#replica?.replica.applyWrite(this.#replica.site, schedule);
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
        cache: personalFields ? IN_FLIGHT_ONLY : { namespace: NAMESPACE },
        ...(personalFields && { query: { fields: [personalFields] } }),
      });
      return response.schedule;
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /** By id from the replica when it is coherent; otherwise Query Schedules by ids. */
  async #loadByIds(ids: readonly string[]): Promise<(ScheduleDto | null | Error)[]> {
    try {
      const held = await this.#fromReplica((replica, site, loadAll) => replica.byIds(site, ids, loadAll));
      return held ?? (await this.#queryByIds(ids));
    } catch (error) {
      return ids.map(() => error as Error);
    }
  }

  async #all(): Promise<ScheduleDto[]> {
    // No replica, or not coherent right now: read briefly cached, like the reads of other entities.
    return (await this.#fromReplica((replica, site, loadAll) => replica.all(site, loadAll))) ?? readWhole(this.#http, true);
  }

  /** A read answered by the replica; undefined when there is none or it is not coherent right now. */
  async #fromReplica<T>(
    read: (replica: ScheduleReplica, site: string, loadAll: () => Promise<ScheduleDto[]>) => Promise<T>,
  ): Promise<T | undefined> {
    if (!this.#replica) return undefined;
    const { replica, site } = this.#replica;
    try {
      // The replica's own loads are never cached: they must be fresh.
      return await read(replica, site, () => readWhole(this.#http, false));
    } catch (error) {
      if (error instanceof ReplicaUnavailable) return undefined;
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
        kind: 'read',
        cache: { namespace: NAMESPACE },
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

/**
 * Every schedule of the site, every status, in Wix's order: pages of 100 by cursor. The replica's
 * loads are never cached (they must be fresh); a list read without a coherent replica is.
 */
async function readWhole(http: WixHttpClient, cached: boolean): Promise<ScheduleDto[]> {
  const schedules: ScheduleDto[] = [];
  let cursor: string | undefined;
  do {
    const query = cursor
      ? { cursorPaging: { limit: QUERY_PAGE_MAX, cursor } }
      : { filter: { status: { $in: EVERY_STATUS } }, cursorPaging: { limit: QUERY_PAGE_MAX } };
    const response = await http.call(QuerySchedulesResponse, {
      endpoint: 'schedules.query',
      method: 'POST',
      path: `${BASE}/query`,
      kind: 'read',
      ...(cached && { cache: { namespace: NAMESPACE } }),
      body: { query },
    });
    schedules.push(...response.schedules);
    const next = response.pagingMetadata?.cursors?.next;
    cursor = (response.pagingMetadata?.hasNext ?? Boolean(next)) && next ? next : undefined;
  } while (cursor);
  return schedules;
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
