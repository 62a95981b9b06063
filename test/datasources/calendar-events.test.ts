import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { CalendarEventsApi } from '../../src/datasources/calendar-events.js';
import { UpstreamGuard } from '../../src/datasources/resilience.js';
import { transportFor } from '../../src/datasources/transport.js';
import { ApiKeyCredentials, WixHttpClient } from '../../src/datasources/wix-http.js';
import { ErrorCode } from '../../src/infra/errors.js';
import { createMetrics } from '../../src/infra/metrics.js';
import { startFakeUpstream, type FakeHandler, type FakeUpstream, type RecordedRequest } from '../helpers/fake-upstream.js';
import { unlimitedAccess } from '../helpers/upstream.js';

/**
 * The Events v3 datasource against a recording fake Wix: the exact request of each method (path,
 * method, query keys, body, `timeZone`, `fields`), errors converted once, paging walks, batching.
 */

const RESILIENCE = {
  timeoutMs: 2_000,
  maxAttempts: 1,
  breakerFailureRatio: 0.5,
  breakerWindowMs: 10_000,
  breakerMinCalls: 1_000,
  breakerHalfOpenMs: 10_000,
  deadlineMs: 5_000,
};

const event = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  scheduleId: 'a96c3c31-c9fc-495d-b55b-40c694fe196c',
  type: 'CLASS',
  status: 'CONFIRMED',
  title: `Event ${id}`,
  start: { localDate: '2026-12-07T09:00:00', timeZone: 'Europe/Dublin', utcDate: '2026-12-07T09:00:00Z' },
  end: { localDate: '2026-12-07T10:00:00', timeZone: 'Europe/Dublin', utcDate: '2026-12-07T10:00:00Z' },
  recurrenceType: 'NONE',
  transparency: 'OPAQUE',
  revision: '1',
  ...overrides,
});

let upstream: FakeUpstream;
let handler: FakeHandler = () => ({ body: {} });
beforeAll(async () => {
  upstream = await startFakeUpstream((request) => handler(request));
});
afterAll(async () => {
  await upstream.close();
});
beforeEach(() => {
  upstream.requests.length = 0;
});

function api(): CalendarEventsApi {
  const logger = pino({ level: 'silent' });
  return new CalendarEventsApi(
    new WixHttpClient({
      transport: transportFor(upstream.url),
      credentials: new ApiKeyCredentials('key', 'site'),
      guard: new UpstreamGuard(RESILIENCE, logger),
      metrics: createMetrics(),
      deadline: Date.now() + RESILIENCE.deadlineMs,
      logger,
      access: unlimitedAccess(),
    }),
  );
}

const sent = (request: RecordedRequest | undefined) => ({
  method: request?.method,
  path: request?.path,
  query: request?.query,
  body: request?.body,
});

describe('reads', () => {
  it('Get Event: GET /calendar/v3/events/{id} with timeZone and fields; null on 404', async () => {
    handler = (request) =>
      request.path.endsWith('/missing') ? { status: 404, body: { message: 'not found' } } : { body: { event: event('e1') } };
    expect(await api().get('e1', { timeZone: 'Europe/Dublin', personalFields: 'PI_FIELDS' })).toMatchObject({
      id: 'e1',
      status: 'CONFIRMED',
    });
    expect(sent(upstream.requests[0])).toEqual({
      method: 'GET',
      path: '/calendar/v3/events/e1',
      query: 'timeZone=Europe%2FDublin&fields=PI_FIELDS',
      body: undefined,
    });
    expect(await api().get('missing')).toBeNull();
    expect(upstream.requests[1]?.query).toBe('');
  });

  it('List Events: one GET with repeated eventIds for every load of an operation, per zone and personal data', async () => {
    handler = (request) => {
      const ids = new URLSearchParams(request.query).getAll('eventIds');
      return { body: { events: ids.filter((id) => id !== 'gone').map((id) => event(id)) } };
    };
    const events = api();
    const loaded = await Promise.all([
      events.load('a'),
      events.load('b'),
      events.load('gone'),
      events.load('a'),
      events.load('c', { timeZone: 'UTC' }),
    ]);
    expect(loaded.map((value) => value?.id ?? null)).toEqual(['a', 'b', null, 'a', 'c']);
    expect(upstream.requests.map((request) => `${request.method} ${request.path}?${request.query}`).sort()).toEqual([
      'GET /calendar/v3/events?eventIds=a&eventIds=b&eventIds=gone',
      'GET /calendar/v3/events?eventIds=c&timeZone=UTC',
    ]);
  });

  it('splits more than 100 loads into List Events calls of 100', async () => {
    handler = (request) => ({ body: { events: new URLSearchParams(request.query).getAll('eventIds').map((id) => event(id)) } });
    const events = api();
    const ids = Array.from({ length: 230 }, (_, index) => `e${index}`);
    expect((await Promise.all(ids.map((id) => events.load(id)))).every((value, index) => value?.id === ids[index])).toBe(true);
    expect(upstream.requests.map((request) => new URLSearchParams(request.query).getAll('eventIds').length)).toEqual([100, 100, 30]);
  });

  it('Query Events: the window, zone, recurrence types, fields, $in filters and paging in the body', async () => {
    handler = () => ({ body: { events: [event('q1')], pagingMetadata: { count: 1, cursors: { next: 'c2' }, hasNext: true } } });
    const page = await api().query({
      fromLocalDate: '2026-12-07T00:00:00',
      toLocalDate: '2026-12-14T00:00:00',
      timeZone: 'Europe/Dublin',
      recurrenceTypes: ['NONE', 'INSTANCE', 'EXCEPTION'],
      personalFields: 'OWN_PI_FIELDS',
      filter: { scheduleIds: ['s1', 's2'], types: ['CLASS'], resourceIds: ['r1'] },
      limit: 100,
    });
    expect(page.events.map((value) => value.id)).toEqual(['q1']);
    expect(page.pagingMetadata?.cursors?.next).toBe('c2');
    expect(sent(upstream.requests[0])).toEqual({
      method: 'POST',
      path: '/calendar/v3/events/query',
      query: '',
      body: {
        fromLocalDate: '2026-12-07T00:00:00',
        toLocalDate: '2026-12-14T00:00:00',
        timeZone: 'Europe/Dublin',
        recurrenceType: ['NONE', 'INSTANCE', 'EXCEPTION'],
        fields: ['OWN_PI_FIELDS'],
        query: {
          filter: { scheduleId: { $in: ['s1', 's2'] }, type: { $in: ['CLASS'] }, 'resources.id': { $hasSome: ['r1'] } },
          cursorPaging: { limit: 100 },
        },
      },
    });
  });

  it('walks every page once, sending the same body plus the cursor', async () => {
    const all = Array.from({ length: 7 }, (_, index) => event(`w${index}`));
    handler = (request) => {
      const { query } = request.body as { query: { cursorPaging: { limit: number; cursor?: string } } };
      const from = Number(query.cursorPaging.cursor ?? 0);
      const to = from + query.cursorPaging.limit;
      return {
        body: {
          events: all.slice(from, to),
          pagingMetadata: { hasNext: to < all.length, cursors: to < all.length ? { next: String(to) } : {} },
        },
      };
    };
    const events = api();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 10; guard += 1) {
      const page = await events.query({ fromLocalDate: '2026-12-07T00:00:00', toLocalDate: '2026-12-14T00:00:00', limit: 3, cursor });
      seen.push(...page.events.map((value) => value.id));
      cursor = page.pagingMetadata?.cursors?.next ?? undefined;
      if (!page.pagingMetadata?.hasNext || !cursor) break;
    }
    expect(seen).toEqual(all.map((value) => value.id));
    expect(upstream.requests.map((request) => (request.body as { query: { cursorPaging: unknown } }).query.cursorPaging)).toEqual([
      { limit: 3 },
      { limit: 3, cursor: '3' },
      { limit: 3, cursor: '6' },
    ]);
  });

  it('Get Events View: GET /calendar/v3/events/view', async () => {
    handler = () => ({ body: { eventsView: { endDate: '2027-12-17T00:00:00Z', futureDurationInDays: 380 } } });
    expect(await api().view()).toEqual({ endDate: '2027-12-17T00:00:00Z', futureDurationInDays: 380 });
    expect(sent(upstream.requests[0])).toMatchObject({ method: 'GET', path: '/calendar/v3/events/view' });
  });

  it('keeps reading an event with an enum value Wix added later, and refuses an answer without an event', async () => {
    handler = () => ({ body: { event: event('e2', { status: 'SOMETHING_NEW', type: 'SEMINAR' }) } });
    expect(await api().get('e2')).toMatchObject({ status: 'UNKNOWN_STATUS', type: 'SEMINAR' });
    handler = () => ({ body: { nothing: true } });
    await expect(api().get('e3')).rejects.toMatchObject({ code: ErrorCode.UPSTREAM_INVALID_RESPONSE });
  });
});

describe('writes', () => {
  it('Create Event: POST /calendar/v3/events with the event, timeZone and idempotencyKey', async () => {
    handler = () => ({ body: { event: event('new') } });
    const body = {
      scheduleId: 's1',
      title: 'Yoga',
      start: { localDate: '2026-12-07T09:00:00' },
      end: { localDate: '2026-12-07T10:00:00' },
    };
    await api().create(body, { timeZone: 'Europe/Dublin', idempotencyKey: '4b9a2f0e-3c1d-4e5f-8a7b-6c5d4e3f2a1b' });
    expect(sent(upstream.requests[0])).toEqual({
      method: 'POST',
      path: '/calendar/v3/events',
      query: '',
      body: { event: body, timeZone: 'Europe/Dublin', idempotencyKey: '4b9a2f0e-3c1d-4e5f-8a7b-6c5d4e3f2a1b' },
    });
  });

  it('Update Event: PATCH with id and revision; a stale revision is Wix’s 409, converted once', async () => {
    handler = () => ({ body: { event: event('e1', { revision: '2' }) } });
    await api().update({ id: 'e1', revision: '1', title: 'Renamed' }, { participantNotification: { notifyParticipants: true } });
    expect(sent(upstream.requests[0])).toEqual({
      method: 'PATCH',
      path: '/calendar/v3/events/e1',
      query: '',
      body: { event: { id: 'e1', revision: '1', title: 'Renamed' }, participantNotification: { notifyParticipants: true } },
    });
    handler = () => ({ status: 409, body: { message: 'entity has already changed since the requested revision' } });
    await expect(api().update({ id: 'e1', revision: '1', title: 'Again' })).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
  });

  it('Cancel, Restore Defaults and Split: their paths and bodies', async () => {
    handler = (request) =>
      request.path.endsWith('/split')
        ? { body: { updatedRecurringEventEndingBeforeSplit: event('m1'), newRecurringEventStartingFromSplit: event('m2') } }
        : { body: { event: event('e1') } };
    const events = api();
    await events.cancel('e1', { timeZone: 'UTC' });
    await events.restoreDefaults('e1', ['TITLE', 'LOCATION']);
    const split = await events.split('m1', '2027-01-04T00:00:00', 'Europe/Dublin');
    expect(split.newRecurringEventStartingFromSplit.id).toBe('m2');
    expect(upstream.requests.map(sent)).toEqual([
      { method: 'POST', path: '/calendar/v3/events/e1/cancel', query: '', body: { timeZone: 'UTC' } },
      { method: 'POST', path: '/calendar/v3/events/e1/restore-defaults', query: '', body: { fields: ['TITLE', 'LOCATION'] } },
      {
        method: 'POST',
        path: '/calendar/v3/events/m1/split',
        query: '',
        body: { splitLocalDate: '2027-01-04T00:00:00', timeZone: 'Europe/Dublin' },
      },
    ]);
  });

  it('the bulk methods: each event wrapped as { event }, returnEntity, and per-item results', async () => {
    handler = () => ({
      body: {
        results: [
          { itemMetadata: { id: 'b1', originalIndex: 0, success: true }, item: event('b1') },
          { itemMetadata: { originalIndex: 1, success: false, error: { code: 'INVALID', description: 'bad' } } },
        ],
        bulkActionMetadata: { totalSuccesses: 1, totalFailures: 1 },
      },
    });
    const events = api();
    const created = await events.bulkCreate([{ title: 'A' }, { title: 'B' }], { timeZone: 'UTC' });
    expect(created.results.map((result) => result.itemMetadata.success)).toEqual([true, false]);
    await events.bulkUpdate([{ id: 'b1', revision: '3', title: 'C' }]);
    await events.bulkCancel(['b1', 'b2'], { participantNotification: { notifyParticipants: false } });
    expect(upstream.requests.map(sent)).toEqual([
      {
        method: 'POST',
        path: '/calendar/v3/bulk/events/create',
        query: '',
        body: { events: [{ event: { title: 'A' } }, { event: { title: 'B' } }], returnEntity: true, timeZone: 'UTC' },
      },
      {
        method: 'POST',
        path: '/calendar/v3/bulk/events/update',
        query: '',
        body: { events: [{ event: { id: 'b1', revision: '3', title: 'C' } }], returnEntity: true },
      },
      {
        method: 'POST',
        path: '/calendar/v3/bulk/events/cancel',
        query: '',
        body: { eventIds: ['b1', 'b2'], returnEntity: true, participantNotification: { notifyParticipants: false } },
      },
    ]);
  });
});
