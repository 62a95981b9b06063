import { beforeEach, describe, expect, it } from 'vitest';
import { decodeExternalCalendarId, externalCalendarId } from '../../src/resolvers/node.js';
import { type FakeReply, type RecordedRequest } from '../helpers/fake-upstream.js';
import { wixConnection, wixSchedule } from '../helpers/fixtures.js';
import { ONE_ATTEMPT } from '../helpers/api.js';
import { gatewayOverFakeUpstream } from '../helpers/suite.js';

/** Relay's Node: node(id:), nodes(ids:), globally unique calendar ids, full PageInfo. */

const EC = '/bookings/v2/external-calendars';
/** The same provider calendar id is in every Google account. */
const SHARED_CALENDAR = 'addressbook#contacts@group.v.calendar.google.com';
const SCHEDULES = ['0a6f3c39-1b8e-4f5e-9d3a-5f2c1e7b9a01', '0a6f3c39-1b8e-4f5e-9d3a-5f2c1e7b9a02', '0a6f3c39-1b8e-4f5e-9d3a-5f2c1e7b9a03'];
const CONNECTIONS = ['7c1d2e3f-0000-4000-8000-00000000c001', '7c1d2e3f-0000-4000-8000-00000000c002'];

function answer(request: RecordedRequest): FakeReply {
  if (request.path === '/calendar/v3/schedules/query') {
    const body = request.body as { query?: { filter?: { id?: { $in?: string[] } }; cursorPaging?: { limit?: number; cursor?: string } } };
    const ids = (body.query?.filter?.id?.$in ?? SCHEDULES).filter((id) => SCHEDULES.includes(id));
    // Wix's cursor paging, with the position as the cursor.
    const from = Number(body.query?.cursorPaging?.cursor ?? 0);
    const to = from + (body.query?.cursorPaging?.limit ?? 100);
    const hasNext = to < ids.length;
    return {
      body: {
        schedules: ids.slice(from, to).map((id) => wixSchedule(id)),
        pagingMetadata: { hasNext, ...(hasNext && { cursors: { next: String(to) } }) },
      },
    };
  }
  if (request.path === `${EC}/connections`)
    return { body: { connections: CONNECTIONS.map((id) => wixConnection(id, SCHEDULES[0] ?? '')) } };
  if (request.path.endsWith('/calendars')) return { body: { calendars: [{ id: SHARED_CALENDAR, name: 'Contacts' }] } };
  if (request.method === 'PATCH') {
    const connectionId = request.path.split('/').at(-2) ?? '';
    return {
      body: {
        connection: wixConnection(connectionId, SCHEDULES[0] ?? '', { syncConfig: (request.body as { syncConfig: unknown }).syncConfig }),
      },
    };
  }
  const id = decodeURIComponent(request.path.split('/').at(-1) ?? '');
  if (request.path.startsWith(`${EC}/connections/`) && CONNECTIONS.includes(id))
    return { body: { connection: wixConnection(id, SCHEDULES[0] ?? '') } };
  if (request.path.startsWith(`${EC}/connections/`))
    return { status: 404, body: { message: 'not found', details: { applicationError: { code: 'NOT_FOUND' } } } };
  return { status: 404, body: {} };
}

const { upstream, gateway } = gatewayOverFakeUpstream({ handler: answer, resilience: ONE_ATTEMPT });
beforeEach(() => {
  upstream.requests.length = 0;
});
const calls = () => upstream.requests.map((request) => `${request.method} ${request.path}`);

describe('ExternalCalendar ids are globally unique', () => {
  it('gives the same provider calendar of two connections two ids, and keeps the provider id in calendarId', async () => {
    const result = await gateway.graphql<{
      connections: { connections: Array<{ id: string; calendars: Array<{ id: string; calendarId: string }> }> };
    }>('{ connections { connections { id calendars { id calendarId } } } }');
    expect(result.errors).toBeUndefined();
    const calendars = result.data!.connections.connections.map((connection) => connection.calendars[0]!);
    expect(calendars.map((calendar) => calendar.calendarId)).toEqual([SHARED_CALENDAR, SHARED_CALENDAR]);
    expect(new Set(calendars.map((calendar) => calendar.id)).size).toBe(2);
    expect(calendars.map((calendar) => decodeExternalCalendarId(calendar.id))).toEqual(
      CONNECTIONS.map((connectionId) => ({ connectionId, calendarId: SHARED_CALENDAR })),
    );
  });

  it('takes either id in updateSyncConfig and sends Wix the provider id', async () => {
    for (const id of [SHARED_CALENDAR, externalCalendarId(CONNECTIONS[0] ?? '', { id: SHARED_CALENDAR })]) {
      upstream.requests.length = 0;
      const result = await gateway.graphql(
        `mutation($id: ID!, $calendar: ID!) { updateSyncConfig(connectionId: $id, syncConfig: { listEventFromCalendars: { enabled: true, source: { calendars: [{ id: $calendar, name: "Contacts" }] } } }) {
          connection { syncConfig { listEventFromCalendars { source { ... on CalendarSelection { calendars { id calendarId } } } } } }
          userErrors { code }
        } }`,
        { id: CONNECTIONS[0], calendar: id },
      );
      expect(result.errors).toBeUndefined();
      const patch = upstream.requests.find((request) => request.method === 'PATCH');
      expect(patch?.body).toMatchObject({
        syncConfig: { listEventFromCalendars: { calendars: { calendars: [{ id: SHARED_CALENDAR, name: 'Contacts' }] } } },
      });
      expect(JSON.stringify(result.data)).toContain(externalCalendarId(CONNECTIONS[0] ?? '', { id: SHARED_CALENDAR }));
    }
  });
});

describe('node(id:) and nodes(ids:)', () => {
  const NODE = `query($id: ID!) { node(id: $id) { __typename id ... on Schedule { name } ... on Connection { status } ... on ExternalCalendar { calendarId } } }`;

  it('finds a schedule, a connection and a calendar by the id they show', async () => {
    const schedule = await gateway.graphql<{ node: { __typename: string; id: string } }>(NODE, { id: SCHEDULES[1] });
    expect(schedule.data?.node).toMatchObject({ __typename: 'Schedule', id: SCHEDULES[1] });
    const connection = await gateway.graphql<{ node: { __typename: string; id: string } }>(NODE, { id: CONNECTIONS[1] });
    expect(connection.data?.node).toMatchObject({ __typename: 'Connection', id: CONNECTIONS[1], status: 'SYNCED' });
    const calendarId = externalCalendarId(CONNECTIONS[1] ?? '', { id: SHARED_CALENDAR });
    const calendar = await gateway.graphql<{ node: { __typename: string; id: string } }>(NODE, { id: calendarId });
    expect(calendar.data?.node).toEqual({ __typename: 'ExternalCalendar', id: calendarId, calendarId: SHARED_CALENDAR });
  });

  it('answers null for an unknown, malformed or empty id, with no error', async () => {
    for (const id of [
      '0a6f3c39-1b8e-4f5e-9d3a-000000000000',
      'not an id at all',
      '',
      'x'.repeat(2_000),
      externalCalendarId('nope', { id: 'x' }),
    ]) {
      const result = await gateway.graphql(NODE, { id });
      expect(result.errors, id).toBeUndefined();
      expect(result.data).toEqual({ node: null });
    }
  });

  it('answers nodes in the order asked, batching the schedules into one upstream call', async () => {
    const result = await gateway.graphql<{ nodes: Array<{ id: string } | null> }>('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
      ids: [SCHEDULES[2], 'missing', SCHEDULES[0], CONNECTIONS[0]],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.nodes).toEqual([{ id: SCHEDULES[2] }, null, { id: SCHEDULES[0] }, { id: CONNECTIONS[0] }]);
    expect(calls().filter((call) => call === 'POST /calendar/v3/schedules/query')).toHaveLength(1);
  });

  it('refuses more than 100 ids as BAD_USER_INPUT, before any upstream call', async () => {
    const result = await gateway.graphql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
      ids: Array.from({ length: 101 }, (_, i) => `id-${i}`),
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(calls()).toEqual([]);
  });
});

describe('PageInfo is complete (Relay connection spec)', () => {
  it('gives startCursor (the first edge) and hasPreviousPage (false: forward paging) on every page', async () => {
    const PAGE =
      'query($after: String) { schedules(first: 2, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }';
    type PageData = {
      schedules: {
        edges: Array<{ cursor: string; node: { id: string } }>;
        pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
      };
    };
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const result: { data?: PageData | null } = await gateway.graphql<PageData>(PAGE, { after });
      const { edges, pageInfo } = result.data!.schedules;
      expect(pageInfo.hasPreviousPage).toBe(false);
      expect(pageInfo.startCursor).toBe(edges[0]?.cursor ?? null);
      expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? pageInfo.endCursor);
      seen.push(...edges.map((edge) => edge.node.id));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toEqual(SCHEDULES);
  });
});
