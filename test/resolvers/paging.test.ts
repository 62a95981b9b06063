import { describe, expect, it } from 'vitest';
import { type RecordedRequest } from '../helpers/fake-upstream.js';
import { wixSchedule } from '../helpers/fixtures.js';
import { ONE_ATTEMPT, codes, wixEvent } from '../helpers/api.js';
import { gatewayOverFakeUpstream } from '../helpers/suite.js';

/**
 * Relay paging over Wix's page cursors, against a fake Wix that pages a fixed list of 7 schedules
 * and 7 events by position, as Wix does: the cursor remembers where the previous page ended.
 */

const SCHEDULE_IDS = ['s0', 's1', 's2', 's3', 's4', 's5', 's6'];
const EVENTS = SCHEDULE_IDS.map((_, index) => wixEvent(index));

/** Wix's opaque cursor for "after position n" in this fake. */
const wixCursor = (position: number) => `pos-${position}`;
const positionOf = (cursor: string | undefined | null) => (cursor ? Number(cursor.slice('pos-'.length)) : 0);

function pageOf<T>(items: readonly T[], start: number, limit: number) {
  const page = items.slice(start, start + limit);
  const end = start + page.length;
  const hasNext = end < items.length;
  return { page, pagingMetadata: { count: page.length, cursors: { next: hasNext ? wixCursor(end) : null }, hasNext } };
}

function answer(request: RecordedRequest) {
  if (request.path === '/calendar/v3/schedules/query') {
    const { cursorPaging } = (request.body as { query: { cursorPaging: { limit: number; cursor?: string } } }).query;
    const { page, pagingMetadata } = pageOf(SCHEDULE_IDS, positionOf(cursorPaging.cursor), cursorPaging.limit);
    return { body: { schedules: page.map((id) => wixSchedule(id)), pagingMetadata } };
  }
  if (request.path === '/bookings/v2/external-calendars/events') {
    const params = new URLSearchParams(request.query);
    const { page, pagingMetadata } = pageOf(
      EVENTS,
      positionOf(params.get('cursorPaging.cursor')),
      Number(params.get('cursorPaging.limit')),
    );
    return { body: { events: page, pagingMetadata } };
  }
  return { status: 404, body: {} };
}

// The page-size rules themselves: a page of 1,000 events costs more than the default LIMIT_COST.
const { upstream, gateway } = gatewayOverFakeUpstream({ handler: answer, resilience: ONE_ATTEMPT, limits: { cost: 50_000 } });

interface Connection {
  edges: Array<{ node: { id?: string; start?: string }; cursor: string }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const SCHEDULES = `query($first: Int, $after: String, $filter: ScheduleFilter) {
  schedules(first: $first, after: $after, filter: $filter) { edges { node { id } cursor } pageInfo { hasNextPage endCursor } }
}`;
const EXTERNAL_EVENTS = `query($first: Int, $after: String, $filter: ExternalEventsFilter!) {
  externalEvents(first: $first, after: $after, filter: $filter) { edges { node { start } cursor } pageInfo { hasNextPage endCursor } }
}`;
const WINDOW = { from: '2026-12-01T00:00:00Z', to: '2026-12-31T00:00:00Z' };

async function schedules(variables: Record<string, unknown>) {
  const result = await gateway.graphql<{ schedules: Connection }>(SCHEDULES, variables);
  expect(result.errors).toBeUndefined();
  return result.data?.schedules as Connection;
}

const ids = (page: Connection) => page.edges.map((edge) => edge.node.id);
const wixBodies = () => upstream.requests.map((request) => (request.body as { query: unknown }).query);

describe('walking with endCursor', () => {
  it('returns every schedule exactly once, and each following page sends Wix only its cursor', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: Connection = await schedules({ first: 3, after, filter: { statuses: ['ACTIVE'] } });
      seen.push(...ids(page).map(String));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages += 1;
    } while (after);
    expect(seen).toEqual(SCHEDULE_IDS);
    expect(pages).toBe(3);
    expect(wixBodies()).toEqual([
      { filter: { status: { $in: ['ACTIVE'] } }, cursorPaging: { limit: 3 } },
      { cursorPaging: { limit: 3, cursor: 'pos-3' } },
      { cursorPaging: { limit: 3, cursor: 'pos-6' } },
    ]);
  });

  it('returns every event exactly once, and each following page sends Wix only its cursor', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const result = await gateway.graphql<{ externalEvents: Connection }>(EXTERNAL_EVENTS, { first: 4, after, filter: WINDOW });
      const page = result.data?.externalEvents as Connection;
      seen.push(...page.edges.map((edge) => String(edge.node.start)));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(EVENTS.map((event) => event.start));
    expect(upstream.requests.map((request) => request.query)).toEqual([
      'from=2026-12-01T00%3A00%3A00.000Z&to=2026-12-31T00%3A00%3A00.000Z&fieldsets=NO_PI&cursorPaging.limit=4',
      'fieldsets=NO_PI&cursorPaging.limit=4&cursorPaging.cursor=pos-4',
    ]);
  });

  it('ends with hasNextPage false and the last item’s cursor, which leads to an empty page', async () => {
    const last = await schedules({ first: 7 });
    expect(last.pageInfo).toEqual({ hasNextPage: false, endCursor: last.edges.at(-1)?.cursor });
    const beyond = await schedules({ first: 7, after: last.pageInfo.endCursor });
    expect(beyond).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });
});

describe('resuming after any edge', () => {
  it('continues right after an edge in the middle of a first page, fetching that page again with a larger limit', async () => {
    const first = await schedules({ first: 3, filter: { ids: SCHEDULE_IDS } });
    upstream.requests.length = 0;
    const resumed = await schedules({ first: 3, after: first.edges[0]?.cursor });
    expect(ids(resumed)).toEqual(['s1', 's2', 's3']);
    expect(wixBodies()).toEqual([{ filter: { id: { $in: SCHEDULE_IDS } }, cursorPaging: { limit: 4 } }]);
  });

  it('continues right after an edge in the middle of a following page, from that page’s Wix cursor', async () => {
    const first = await schedules({ first: 3 });
    const second = await schedules({ first: 3, after: first.pageInfo.endCursor });
    upstream.requests.length = 0;
    const resumed = await schedules({ first: 2, after: second.edges[1]?.cursor });
    expect(ids(resumed)).toEqual(['s5', 's6']);
    expect(wixBodies()).toEqual([{ cursorPaging: { limit: 4, cursor: 'pos-3' } }]);
  });

  it('never asks Wix for more than its largest page, answering fewer edges that still lead on', async () => {
    const first = await schedules({ first: 3 });
    upstream.requests.length = 0;
    const resumed = await schedules({ first: 100, after: first.edges[1]?.cursor });
    expect(ids(resumed)).toEqual(['s2', 's3', 's4', 's5', 's6']);
    expect(wixBodies()).toEqual([{ cursorPaging: { limit: 100 } }]);
  });

  it('gives every edge a distinct cursor', async () => {
    const page = await schedules({ first: 7 });
    expect(new Set(page.edges.map((edge) => edge.cursor)).size).toBe(7);
  });
});

describe('invalid paging arguments are BAD_USER_INPUT, and nothing is sent to Wix', () => {
  it.each([0, -1, 101])('schedules(first: %i)', async (first) => {
    const result = await gateway.graphql(SCHEDULES, { first });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toBe('first must be between 1 and 100.');
    expect(upstream.requests).toEqual([]);
  });

  it.each([0, -5, 1_001])('externalEvents(first: %i)', async (first) => {
    const result = await gateway.graphql(EXTERNAL_EVENTS, { first, filter: WINDOW });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toBe('first must be between 1 and 1000.');
    expect(upstream.requests).toEqual([]);
  });

  it('accepts the largest pages, 100 schedules and 1000 events', async () => {
    expect(codes(await gateway.graphql(SCHEDULES, { first: 100 }))).toBeUndefined();
    expect(codes(await gateway.graphql(EXTERNAL_EVENTS, { first: 1_000, filter: WINDOW }))).toBeUndefined();
  });

  it.each([
    ['not base64 JSON', '%%%'],
    ['JSON of another shape', Buffer.from('{"page":1}').toString('base64url')],
    ['a hand-made cursor with a negative skip', Buffer.from('{"k":"schedules","c":"pos-1","s":-1}').toString('base64url')],
    ['a cursor holding an invalid filter', Buffer.from('{"k":"schedules","f":{"ids":[]},"s":1}').toString('base64url')],
  ])('refuses an after that is %s', async (_name, after) => {
    const result = await gateway.graphql(SCHEDULES, { after });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions).toMatchObject({ field: ['after'] });
    expect(upstream.requests).toEqual([]);
  });

  it('refuses a cursor of one list given to the other', async () => {
    const page = await schedules({ first: 2 });
    upstream.requests.length = 0;
    const result = await gateway.graphql(EXTERNAL_EVENTS, { after: page.pageInfo.endCursor, filter: {} });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(upstream.requests).toEqual([]);
  });
});

describe('invalid filters are BAD_USER_INPUT, and nothing is sent to Wix', () => {
  const manyIds = Array.from({ length: 101 }, (_, index) => `id-${index}`);

  it.each([
    ['an empty id list', { ids: [] }, 'filter.ids: Give at least one id, or leave the list out.'],
    ['101 ids', { ids: manyIds }, 'filter.ids: Give at most 100 ids.'],
    ['an empty status list', { statuses: [] }, 'filter.statuses: Give at least one status, or leave the list out.'],
  ])('schedules with %s', async (_name, filter, message) => {
    const result = await gateway.graphql(SCHEDULES, { filter });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toBe(message);
    expect(upstream.requests).toEqual([]);
  });

  it.each([
    ['no from', { to: WINDOW.to }, 'filter.from: from is required unless after is given.'],
    ['no to', { from: WINDOW.from }, 'filter.to: to is required unless after is given.'],
    ['to before from', { from: WINDOW.to, to: WINDOW.from }, 'filter.to: to must be later than from.'],
    ['to equal to from', { from: WINDOW.from, to: WINDOW.from }, 'filter.to: to must be later than from.'],
    ['101 scheduleIds', { ...WINDOW, scheduleIds: manyIds }, 'filter.scheduleIds: Give at most 100 scheduleIds.'],
    ['101 userIds', { ...WINDOW, userIds: manyIds }, 'filter.userIds: Give at most 100 userIds.'],
    ['an empty scheduleIds', { ...WINDOW, scheduleIds: [] }, 'filter.scheduleIds: Give at least one of scheduleIds, or leave it out.'],
  ])('externalEvents with %s', async (_name, filter, message) => {
    const result = await gateway.graphql(EXTERNAL_EVENTS, { filter });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toBe(message);
    expect(upstream.requests).toEqual([]);
  });

  it('needs no from/to with after: the window comes from the cursor, one given again is ignored', async () => {
    const first = await gateway.graphql<{ externalEvents: Connection }>(EXTERNAL_EVENTS, { first: 2, filter: WINDOW });
    upstream.requests.length = 0;
    const after = first.data?.externalEvents.pageInfo.endCursor;
    const withoutWindow = await gateway.graphql(EXTERNAL_EVENTS, { first: 2, after, filter: {} });
    const withOtherWindow = await gateway.graphql(EXTERNAL_EVENTS, {
      first: 2,
      after,
      filter: { from: '2030-01-01T00:00:00Z', to: '2030-01-02T00:00:00Z' },
    });
    expect(withoutWindow.errors).toBeUndefined();
    expect(withOtherWindow.data).toEqual(withoutWindow.data);
    expect(upstream.requests.map((request) => request.query)).toEqual([
      'fieldsets=NO_PI&cursorPaging.limit=2&cursorPaging.cursor=pos-2',
      'fieldsets=NO_PI&cursorPaging.limit=2&cursorPaging.cursor=pos-2',
    ]);
  });

  it('refuses a malformed DateTime in GraphQL validation', async () => {
    const result = await gateway.graphql(EXTERNAL_EVENTS, { filter: { from: 'yesterday', to: WINDOW.to } });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(upstream.requests).toEqual([]);
  });
});
