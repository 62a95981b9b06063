/**
 * List Events (docs/wix-contract.md §1.4): query parameters in the SDK's wire form (repeated keys, dotted
 * nested names), cursor paging by position in the fixed start order.
 */
import { decodeCursor, encodeCursor } from '../cursor.js';
import { validationError, violation } from '../errors.js';
import type { FaultInjector } from '../faults.js';
import type { ExternalEvent } from '../model.js';
import type { Tenant } from '../store.js';
import { Checker, isGuid, isRecord, validated } from '../validate.js';
import { eventsOf, importsEvents, scheduleOwnerOf } from './events.js';
import { splitByOutage } from './outages.js';

/** UNCONFIRMED default (docs/wix-contract.md §1.4); the documented maximum is 1000. */
export const EVENTS_DEFAULT_LIMIT = 100;
export const EVENTS_MAX_LIMIT = 1_000;
const MAX_IDS = 100;
const CURSOR_KIND = 'external-calendars.events';
const FIELDSETS = ['NO_PI', 'OWN_PI'] as const;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** What a cursor carries: the filter of the first request and where the next page starts. */
interface EventsFilter {
  fromMs: number;
  toMs: number;
  scheduleIds: string[];
  userIds: string[];
  allDay: boolean | undefined;
}

export interface EventsPage {
  events: ExternalEvent[];
  pagingMetadata: { count: number; cursors: { next: string | null }; hasNext: boolean };
  failedProviderIds?: string[];
}

function readTime(check: Checker, params: URLSearchParams, name: string): number | undefined {
  const value = params.get(name);
  if (value === null) {
    check.fail(name, 'is required unless cursorPaging.cursor is given', 'REQUIRED_FIELD');
    return undefined;
  }
  const ms = Date.parse(value);
  if (!RFC3339.test(value) || Number.isNaN(ms)) {
    check.fail(name, 'must be an RFC 3339 date-time', 'FORMAT', { format: 'RFC3339' });
    return undefined;
  }
  return ms;
}

function readBoolean(check: Checker, params: URLSearchParams, name: string): boolean | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  check.fail(name, 'must be true or false', 'FORMAT', { type: 'boolean' });
  return undefined;
}

function readGuids(check: Checker, params: URLSearchParams, name: string): string[] {
  const values = params.getAll(name);
  if (values.length > MAX_IDS) check.fail(name, `must have at most ${MAX_IDS} items`, 'MAX_SIZE', { threshold: MAX_IDS });
  values.forEach((value, index) => {
    if (!isGuid(value)) check.fail(`${name}[${index}]`, 'must be a GUID', 'FORMAT', { format: 'GUID' });
  });
  return values;
}

function readLimit(check: Checker, params: URLSearchParams): number | undefined {
  const value = params.get('cursorPaging.limit');
  if (value === null) return undefined;
  return check.integer(/^-?\d+$/.test(value) ? Number(value) : value, 'cursorPaging.limit', { min: 1, max: EVENTS_MAX_LIMIT });
}

/** Where a page starts: the filter of the first request, the position in it, and its projection. */
interface PageStart {
  filter: EventsFilter;
  offset: number;
  limit: number;
  ownPi: boolean;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isEventsFilter(value: unknown): value is EventsFilter {
  return (
    isRecord(value) &&
    typeof value.fromMs === 'number' &&
    typeof value.toMs === 'number' &&
    isStringArray(value.scheduleIds) &&
    isStringArray(value.userIds) &&
    (value.allDay === undefined || typeof value.allDay === 'boolean')
  );
}

function readCursor(cursor: string): PageStart {
  const state = decodeCursor(CURSOR_KIND, cursor);
  const filter = state?.filter;
  if (
    !state ||
    !isEventsFilter(filter) ||
    typeof state.offset !== 'number' ||
    typeof state.limit !== 'number' ||
    typeof state.ownPi !== 'boolean'
  ) {
    throw validationError([violation('cursorPaging.cursor', 'is not a valid cursor', 'FORMAT')]);
  }
  return { filter, offset: state.offset, limit: state.limit, ownPi: state.ownPi };
}

/** The filter of a first request (no cursor); undefined only when a violation was recorded. */
function readFilter(check: Checker, params: URLSearchParams): EventsFilter | undefined {
  const fromMs = readTime(check, params, 'from');
  const toMs = readTime(check, params, 'to');
  if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) check.other('to', 'must be later than from', 'AFTER_FROM');
  const scheduleIds = readGuids(check, params, 'scheduleIds');
  const userIds = readGuids(check, params, 'userIds');
  const allDay = readBoolean(check, params, 'allDay');
  return fromMs === undefined || toMs === undefined ? undefined : { fromMs, toMs, scheduleIds, userIds, allDay };
}

/**
 * With a cursor, the filter (from, to, scheduleIds, userIds, allDay) comes from the cursor and any
 * re-sent filter is ignored (whether Wix ignores or rejects it is UNCONFIRMED). `fieldsets`,
 * `cursorPaging.limit` and `partialFailure` apply per request; absent, the cursor's are kept.
 */
export function listEvents(tenant: Tenant, faults: FaultInjector, params: URLSearchParams): EventsPage {
  const check = new Checker();
  const cursor = params.get('cursorPaging.cursor') ?? undefined;
  const limit = readLimit(check, params);
  const partialFailure = readBoolean(check, params, 'partialFailure') ?? false;
  const fieldsets = params.getAll('fieldsets');
  fieldsets.forEach((value, index) => check.enumValue(value, `fieldsets[${index}]`, FIELDSETS, { required: true }));
  const firstFilter = cursor === undefined ? readFilter(check, params) : undefined;
  check.throwIfAny();
  const start: PageStart =
    cursor === undefined ? { filter: validated(firstFilter), offset: 0, limit: EVENTS_DEFAULT_LIMIT, ownPi: false } : readCursor(cursor);
  const { filter, offset } = start;
  const ownPi = fieldsets.length > 0 ? fieldsets.includes('OWN_PI') : start.ownPi;
  const pageSize = limit ?? start.limit;
  const { scheduleIds, userIds, allDay } = filter;

  const relevant = tenant
    .listConnections()
    .filter((connection) => importsEvents(connection))
    .filter((connection) => scheduleIds.length === 0 || scheduleIds.includes(connection.scheduleId))
    .filter((connection) => userIds.length === 0 || userIds.includes(scheduleOwnerOf(tenant, connection)));
  const { working, failedProviderIds } = splitByOutage(relevant, faults, partialFailure);
  const all = eventsOf(tenant, working, filter).filter((event) => allDay === undefined || event.allDay === allDay);
  const page = all.slice(offset, offset + pageSize);
  const hasNext = offset + pageSize < all.length;
  const next = hasNext ? encodeCursor(CURSOR_KIND, { filter: { ...filter }, offset: offset + pageSize, limit: pageSize, ownPi }) : null;
  return {
    events: page.map((event) => (ownPi ? event : withoutPersonalData(event))),
    pagingMetadata: { count: page.length, cursors: { next }, hasNext },
    ...(partialFailure && { failedProviderIds }),
  };
}

/** NO_PI (the default) leaves out the calendar's name, the event title and the owner's name. */
function withoutPersonalData(event: ExternalEvent): ExternalEvent {
  const copy = { ...event };
  delete copy.calendarName;
  delete copy.title;
  delete copy.scheduleOwnerName;
  return copy;
}
