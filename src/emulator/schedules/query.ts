/**
 * Query Schedules (docs/wix-contract.md §2.2): filter on id/externalId/appId/status with `$eq`, `$in` or a
 * bare value; ACTIVE only unless the filter names status; cursor paging in creation order, which
 * is stable because schedules are never deleted.
 */
import { decodeCursor, encodeCursor } from '../cursor.js';
import { validationError, violation } from '../errors.js';
import type { Schedule } from '../model.js';
import type { Tenant } from '../store.js';
import { Checker, isRecord } from '../validate.js';

const FILTERABLE = ['id', 'externalId', 'appId', 'status'] as const;
const SCHEDULE_STATUSES = ['UNKNOWN_STATUS', 'ACTIVE', 'CANCELLED'] as const;
type FilterField = (typeof FILTERABLE)[number];

/** Per field, the values a schedule may have (AND across fields). */
export type ScheduleFilter = Partial<Record<FilterField, string[]>>;

export const QUERY_DEFAULT_LIMIT = 50;
export const QUERY_MAX_LIMIT = 100;
const CURSOR_KIND = 'schedules.query';

export function readFilter(check: Checker, value: unknown, field: string): ScheduleFilter {
  const input = check.object(value, field);
  if (!input) return {};
  const filter: ScheduleFilter = {};
  for (const [key, condition] of Object.entries(input)) {
    const keyField = `${field}.${key}`;
    if (!(FILTERABLE as readonly string[]).includes(key)) {
      check.other(keyField, `cannot be filtered on; filterable fields are ${FILTERABLE.join(', ')}`, 'FILTERABLE_FIELD', {
        allowed: FILTERABLE,
      });
      continue;
    }
    const values = readCondition(check, condition, keyField);
    if (values !== undefined && key === 'status') {
      values.forEach((value) => check.enumValue(value, keyField, SCHEDULE_STATUSES, { required: true }));
    }
    if (values !== undefined) filter[key as FilterField] = values;
  }
  return filter;
}

function readCondition(check: Checker, condition: unknown, field: string): string[] | undefined {
  if (typeof condition === 'string') return [condition];
  if (!isRecord(condition)) {
    check.fail(field, 'must be a string or an object with $eq or $in', 'FORMAT');
    return undefined;
  }
  const operators = Object.keys(condition);
  const [operator] = operators;
  if (operators.length !== 1 || (operator !== '$eq' && operator !== '$in')) {
    check.other(field, 'supports exactly one operator, $eq or $in', 'FILTER_OPERATOR', { allowed: ['$eq', '$in'] });
    return undefined;
  }
  if (operator === '$eq') {
    const value = check.string(condition.$eq, `${field}.$eq`, { required: true });
    return value === undefined ? undefined : [value];
  }
  const items = check.array(condition.$in, `${field}.$in`, { required: true });
  if (!items) return undefined;
  if (!items.every((item): item is string => typeof item === 'string')) {
    check.fail(`${field}.$in`, 'must be an array of strings', 'FORMAT');
    return undefined;
  }
  return items;
}

function matches(schedule: Schedule, filter: ScheduleFilter): boolean {
  const statuses = filter.status ?? ['ACTIVE'];
  if (!statuses.includes(schedule.status)) return false;
  return FILTERABLE.every((field) => {
    if (field === 'status') return true;
    const allowed = filter[field];
    if (allowed === undefined) return true;
    const value = schedule[field];
    return value !== undefined && allowed.includes(value);
  });
}

/** Where a page starts: from the beginning, after a schedule (next page), or before one (previous page). */
export type PagePosition = { after: string } | { before: string } | Record<string, never>;

export interface QueryState {
  filter: ScheduleFilter;
  position: PagePosition;
  limit: number;
}

export interface QueryPage {
  schedules: Schedule[];
  pagingMetadata: { count: number; cursors: { next: string | null; prev: string | null }; hasNext: boolean };
}

function isScheduleFilter(value: unknown): value is ScheduleFilter {
  return (
    isRecord(value) &&
    Object.entries(value).every(
      ([key, values]) =>
        (FILTERABLE as readonly string[]).includes(key) && Array.isArray(values) && values.every((item) => typeof item === 'string'),
    )
  );
}

function isPagePosition(value: unknown): value is PagePosition {
  return isRecord(value) && (typeof value.after === 'string' || typeof value.before === 'string');
}

/** The state carried by a cursor, or a 400 when it is not one of ours. */
export function readCursor(cursor: string): QueryState {
  const state = decodeCursor(CURSOR_KIND, cursor);
  const { filter, position, limit } = state ?? {};
  if (!isScheduleFilter(filter) || !isPagePosition(position) || typeof limit !== 'number' || limit < 1 || limit > QUERY_MAX_LIMIT) {
    throw validationError([violation('query.cursorPaging.cursor', 'is not a valid cursor', 'FORMAT')]);
  }
  return { filter, position, limit };
}

function cursorFor(filter: ScheduleFilter, limit: number, position: PagePosition): string {
  return encodeCursor(CURSOR_KIND, { filter, limit, position });
}

export function runQuery(tenant: Tenant, state: QueryState): QueryPage {
  const all = [...tenant.schedules.values()];
  const order = new Map(all.map((schedule, index) => [schedule.id, index]));
  const matching = all.filter((schedule) => matches(schedule, state.filter));
  const { position, limit, filter } = state;

  let page: Schedule[];
  let hasNext: boolean;
  let hasPrev: boolean;
  if ('before' in position) {
    const anchor = order.get(position.before);
    if (anchor === undefined) throw validationError([violation('query.cursorPaging.cursor', 'points at an unknown schedule', 'FORMAT')]);
    const earlier = matching.filter((schedule) => (order.get(schedule.id) ?? 0) < anchor);
    page = earlier.slice(-limit);
    hasPrev = earlier.length > limit;
    hasNext = matching.length > earlier.length;
  } else {
    const anchor = 'after' in position ? order.get(position.after) : -1;
    if (anchor === undefined) throw validationError([violation('query.cursorPaging.cursor', 'points at an unknown schedule', 'FORMAT')]);
    const later = matching.filter((schedule) => (order.get(schedule.id) ?? 0) > anchor);
    page = later.slice(0, limit);
    hasNext = later.length > limit;
    hasPrev = matching.length > later.length;
  }

  const first = page[0];
  const last = page[page.length - 1];
  return {
    schedules: page,
    pagingMetadata: {
      count: page.length,
      cursors: {
        next: hasNext && last ? cursorFor(filter, limit, { after: last.id }) : null,
        prev: hasPrev && first ? cursorFor(filter, limit, { before: first.id }) : null,
      },
      hasNext,
    },
  };
}
