import DataLoader from 'dataloader';
import {
  BulkEventsResponse,
  EventsViewResponse,
  GetCalendarEventResponse,
  ListCalendarEventsResponse,
  QueryCalendarEventsResponse,
  SplitRecurringEventResponse,
  type CalendarEventDto,
  type CalendarEventField,
  type CalendarEventPersonalFields,
  type RecurrenceType,
} from './calendar-events.dto.js';
import type { ParticipantNotification } from './schedules.dto.js';
import type { WixHttpClient } from './wix-http.js';
import { NotFoundError } from '../infra/errors.js';

const BASE = '/calendar/v3/events';
const BULK = '/calendar/v3/bulk/events';
/** List Events takes at most 100 ids (docs/wix-contract.md §5.1). */
export const LIST_EVENTS_MAX = 100;
/** Query Events answers at most 1,000 events per page (docs/wix-contract.md §5.2). */
export const QUERY_EVENTS_PAGE_MAX = 1_000;
/** The bulk methods take at most 50 events per call (docs/wix-contract.md §5.1). */
export const BULK_EVENTS_MAX = 50;

/** Reads kept briefly and shared; reads of personal data only joined while in flight; writes forget both. */
const NAMESPACE = 'calendarEvents';
const IN_FLIGHT_ONLY = { namespace: 'calendarEventsPersonalData', ttlMs: 0 };
const INVALIDATES = [NAMESPACE, IN_FLIGHT_ONLY.namespace] as const;

/** What every read takes: the zone of the adjusted times (and of the window), and which personal data. */
export interface EventReadOptions {
  /** IANA zone of `adjustedStart` / `adjustedEnd`; Wix uses the site's when absent. */
  timeZone?: string | undefined;
  personalFields?: CalendarEventPersonalFields | undefined;
}

/** The filter of Query Events (each list becomes `$in`; the gateway never sends an empty one). */
export interface CalendarEventQueryFilter {
  scheduleIds?: readonly string[] | undefined;
  types?: readonly string[] | undefined;
  resourceIds?: readonly string[] | undefined;
  recurringEventIds?: readonly string[] | undefined;
}

/** One Query Events page: the window (local date-times, in `timeZone`), filters, and Wix's cursor after the first page. */
export interface QueryCalendarEventsRequest extends EventReadOptions {
  fromLocalDate: string;
  toLocalDate: string;
  recurrenceTypes?: readonly RecurrenceType[] | undefined;
  filter?: CalendarEventQueryFilter | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** What the writes take besides the event: the zone of the answer's adjusted times, and whom to notify. */
export interface EventWriteOptions {
  timeZone?: string | undefined;
  participantNotification?: ParticipantNotification | undefined;
}

/** The Query Events filter in Wix's query language. */
function queryFilter(filter: CalendarEventQueryFilter | undefined): Record<string, unknown> | undefined {
  if (!filter) return undefined;
  const clauses: Record<string, unknown> = {};
  if (filter.scheduleIds?.length) clauses.scheduleId = { $in: filter.scheduleIds };
  if (filter.types?.length) clauses.type = { $in: filter.types };
  if (filter.recurringEventIds?.length) clauses.recurringEventId = { $in: filter.recurringEventIds };
  // Resources take `$hasSome` (an event with any of them), not `$in`.
  if (filter.resourceIds?.length) clauses['resources.id'] = { $hasSome: filter.resourceIds };
  return Object.keys(clauses).length > 0 ? clauses : undefined;
}

/**
 * Wix Calendar Events v3 (docs/wix-contract.md §5), one instance per operation. Gets of one
 * operation are batched into List Events calls (100 ids each) per zone and personal data; errors
 * are converted once by the Wix client; personal data is asked for only when the caller asks.
 */
export class CalendarEventsApi {
  readonly #http: WixHttpClient;
  /** One loader per zone and personal-data choice: those are per call in Wix. */
  readonly #loaders = new Map<string, DataLoader<string, CalendarEventDto | null>>();

  constructor(http: WixHttpClient) {
    this.#http = http;
  }

  /** Get Event: one event, null when Wix does not know it. Batched with the other gets of the operation. */
  load(id: string, options: EventReadOptions = {}): Promise<CalendarEventDto | null> {
    return this.#loaderFor(options).load(id);
  }

  /** Get Event, alone: `GET /calendar/v3/events/{id}`; null on 404. */
  async get(id: string, options: EventReadOptions = {}): Promise<CalendarEventDto | null> {
    try {
      const response = await this.#http.call(GetCalendarEventResponse, {
        endpoint: 'calendarEvents.get',
        method: 'GET',
        path: `${BASE}/${encodeURIComponent(id)}`,
        query: { timeZone: options.timeZone, fields: options.personalFields },
        cache: options.personalFields ? IN_FLIGHT_ONLY : { namespace: NAMESPACE },
      });
      return response.event;
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /** List Events by ids (1–100): `GET /calendar/v3/events?eventIds=…`; the events Wix knows, in its order. */
  async list(ids: readonly string[], options: EventReadOptions = {}): Promise<CalendarEventDto[]> {
    if (ids.length === 0) return [];
    const response = await this.#http.call(ListCalendarEventsResponse, {
      endpoint: 'calendarEvents.list',
      method: 'GET',
      path: BASE,
      query: { eventIds: ids, timeZone: options.timeZone, fields: options.personalFields },
      cache: options.personalFields ? IN_FLIGHT_ONLY : { namespace: NAMESPACE },
    });
    return response.events;
  }

  /**
   * Query Events, one page. Every page sends the whole request (window, zone, filters) plus Wix's
   * cursor after the first: Wix says following pages use the cursor, and the full body works
   * whether Wix re-applies the filters or ignores them (docs/wix-contract.md §5.2).
   */
  query(request: QueryCalendarEventsRequest): Promise<QueryCalendarEventsResponse> {
    const filter = queryFilter(request.filter);
    return this.#http.call(QueryCalendarEventsResponse, {
      endpoint: 'calendarEvents.query',
      method: 'POST',
      path: `${BASE}/query`,
      kind: 'read',
      cache: request.personalFields ? IN_FLIGHT_ONLY : { namespace: NAMESPACE },
      body: {
        fromLocalDate: request.fromLocalDate,
        toLocalDate: request.toLocalDate,
        ...(request.timeZone && { timeZone: request.timeZone }),
        ...(request.recurrenceTypes?.length && { recurrenceType: request.recurrenceTypes }),
        ...(request.personalFields && { fields: [request.personalFields] }),
        query: {
          ...(filter && { filter }),
          cursorPaging: { limit: request.limit, ...(request.cursor && { cursor: request.cursor }) },
        },
      },
    });
  }

  /** Create Event; `idempotencyKey` makes a retried create return the first event, not a second one. */
  async create(event: Record<string, unknown>, options: { timeZone?: string | undefined; idempotencyKey?: string | undefined } = {}) {
    const response = await this.#http.call(GetCalendarEventResponse, {
      endpoint: 'calendarEvents.create',
      method: 'POST',
      path: BASE,
      body: {
        event,
        ...(options.timeZone && { timeZone: options.timeZone }),
        ...(options.idempotencyKey && { idempotencyKey: options.idempotencyKey }),
      },
      invalidates: INVALIDATES,
    });
    return response.event;
  }

  /** Update Event (a PATCH of `id`, `revision` and what changes); a stale revision is Wix's 409. */
  async update(event: { id: string; revision: string } & Record<string, unknown>, options: EventWriteOptions = {}) {
    const response = await this.#http.call(GetCalendarEventResponse, {
      endpoint: 'calendarEvents.update',
      method: 'PATCH',
      path: `${BASE}/${encodeURIComponent(event.id)}`,
      body: { event, ...writeOptions(options) },
      invalidates: INVALIDATES,
    });
    return response.event;
  }

  /** Cancel Event (no revision). */
  async cancel(id: string, options: EventWriteOptions = {}) {
    const response = await this.#http.call(GetCalendarEventResponse, {
      endpoint: 'calendarEvents.cancel',
      method: 'POST',
      path: `${BASE}/${encodeURIComponent(id)}/cancel`,
      body: writeOptions(options),
      invalidates: INVALIDATES,
    });
    return response.event;
  }

  /** Restore Event Defaults: these fields take the schedule's (or the MASTER's) values again. */
  async restoreDefaults(id: string, fields: readonly CalendarEventField[], options: EventWriteOptions = {}) {
    const response = await this.#http.call(GetCalendarEventResponse, {
      endpoint: 'calendarEvents.restoreDefaults',
      method: 'POST',
      path: `${BASE}/${encodeURIComponent(id)}/restore-defaults`,
      body: { fields, ...writeOptions(options) },
      invalidates: INVALIDATES,
    });
    return response.event;
  }

  /** Split Recurring Event at a local date: the MASTER ends before it, a new MASTER starts from it. */
  split(recurringEventId: string, splitLocalDate: string, timeZone?: string): Promise<SplitRecurringEventResponse> {
    return this.#http.call(SplitRecurringEventResponse, {
      endpoint: 'calendarEvents.split',
      method: 'POST',
      path: `${BASE}/${encodeURIComponent(recurringEventId)}/split`,
      body: { splitLocalDate, ...(timeZone && { timeZone }) },
      invalidates: INVALIDATES,
    });
  }

  /** Bulk Create Event (1–50), each with its result; the events themselves with `returnEntity`. */
  bulkCreate(events: readonly Record<string, unknown>[], options: { timeZone?: string | undefined } = {}): Promise<BulkEventsResponse> {
    return this.#http.call(BulkEventsResponse, {
      endpoint: 'calendarEvents.bulkCreate',
      method: 'POST',
      path: `${BULK}/create`,
      body: { events: events.map((event) => ({ event })), returnEntity: true, ...(options.timeZone && { timeZone: options.timeZone }) },
      invalidates: INVALIDATES,
    });
  }

  /** Bulk Update Event (1–50), each with its `id` and `revision`. */
  bulkUpdate(events: readonly ({ id: string; revision: string } & Record<string, unknown>)[], options: EventWriteOptions = {}) {
    return this.#http.call(BulkEventsResponse, {
      endpoint: 'calendarEvents.bulkUpdate',
      method: 'POST',
      path: `${BULK}/update`,
      body: { events: events.map((event) => ({ event })), returnEntity: true, ...writeOptions(options) },
      invalidates: INVALIDATES,
    });
  }

  /** Bulk Cancel Event. */
  bulkCancel(eventIds: readonly string[], options: EventWriteOptions = {}) {
    return this.#http.call(BulkEventsResponse, {
      endpoint: 'calendarEvents.bulkCancel',
      method: 'POST',
      path: `${BULK}/cancel`,
      body: { eventIds, returnEntity: true, ...writeOptions(options) },
      invalidates: INVALIDATES,
    });
  }

  /** Get Events View: how far ahead Wix keeps every occurrence materialised. */
  async view(): Promise<EventsViewResponse['eventsView']> {
    const response = await this.#http.call(EventsViewResponse, {
      endpoint: 'calendarEvents.view',
      method: 'GET',
      path: `${BASE}/view`,
      cache: { namespace: NAMESPACE },
    });
    return response.eventsView;
  }

  #loaderFor(options: EventReadOptions): DataLoader<string, CalendarEventDto | null> {
    const key = JSON.stringify([options.timeZone ?? null, options.personalFields ?? null]);
    let loader = this.#loaders.get(key);
    if (!loader) {
      loader = new DataLoader<string, CalendarEventDto | null>(
        async (ids) => {
          const byId = new Map((await this.list(ids, options)).map((event) => [event.id, event]));
          return ids.map((id) => byId.get(id) ?? null);
        },
        { maxBatchSize: LIST_EVENTS_MAX },
      );
      this.#loaders.set(key, loader);
    }
    return loader;
  }
}

function writeOptions(options: EventWriteOptions): Record<string, unknown> {
  return {
    ...(options.participantNotification && { participantNotification: options.participantNotification }),
    ...(options.timeZone && { timeZone: options.timeZone }),
  };
}
