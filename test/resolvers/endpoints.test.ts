import { describe, expect, it } from 'vitest';
import { wixConnection, wixSchedule } from '../helpers/fixtures.js';
import {
  APPLE,
  GOOGLE,
  ONE_ATTEMPT,
  applicationError,
  codes,
  expectWixHeaders,
  validationError,
  wire,
  wixEvent,
  wixProvider,
} from '../helpers/api.js';
import { gatewayOverFakeUpstream } from '../helpers/suite.js';

/**
 * The 14 upstream endpoints (docs/wix-contract.md §6), each reached through its GraphQL operation: the exact
 * request Wix receives (method, path, raw query string, body, headers), and at least one failure.
 */

const EC = '/bookings/v2/external-calendars';
const SCHEDULES = '/calendar/v3/schedules';

const { upstream, gateway } = gatewayOverFakeUpstream({ resilience: ONE_ATTEMPT });

const USER_ERRORS = 'userErrors { code message field }';

describe('1. List Providers: Query.providers', () => {
  it('GETs /providers with no query or body, and maps every feature', async () => {
    upstream.handle(() => ({
      body: {
        providers: [
          wixProvider(GOOGLE),
          wixProvider(APPLE, {
            name: 'Apple',
            calendarType: 'I_CAL',
            features: {
              connectMethods: ['CREDENTIALS', 'FAX'],
              updateSyncConfig: true,
              listEventFromCalendars: 'PRIMARY_CALENDAR_ONLY',
              syncToCalendar: 'SPECIFIC_CALENDAR',
            },
          }),
        ],
      },
    }));
    const result = await gateway.graphql(
      '{ providers { id name calendarType features { connectMethods updateSyncConfig listEventFromCalendars syncToCalendar } } }',
    );
    expect(wire(upstream.requests)).toEqual([{ method: 'GET', path: `${EC}/providers`, query: '', body: undefined }]);
    expectWixHeaders(upstream.requests[0], { body: false });
    expect(result.data).toEqual({
      providers: [
        {
          id: GOOGLE,
          name: 'Google',
          calendarType: 'GOOGLE',
          features: {
            connectMethods: ['OAUTH'],
            updateSyncConfig: true,
            listEventFromCalendars: 'SPECIFIC_CALENDARS',
            syncToCalendar: 'DEDICATED_CALENDAR',
          },
        },
        // A connect method this gateway does not know yet reads as UNDEFINED instead of failing the list.
        {
          id: APPLE,
          name: 'Apple',
          calendarType: 'I_CAL',
          features: {
            connectMethods: ['CREDENTIALS', 'UNDEFINED'],
            updateSyncConfig: true,
            listEventFromCalendars: 'PRIMARY_CALENDAR_ONLY',
            syncToCalendar: 'SPECIFIC_CALENDAR',
          },
        },
      ],
    });
  });

  it('turns a bare 403 into UPSTREAM_FORBIDDEN', async () => {
    upstream.handle(() => ({ status: 403, body: { message: 'no scope' } }));
    const result = await gateway.graphql('{ providers { id } }');
    expect(codes(result)).toEqual(['UPSTREAM_FORBIDDEN']);
  });
});

describe('2. Get Connection: Query.connection', () => {
  it('GETs /connections/{id}, the id path-encoded', async () => {
    upstream.handle(() => ({ body: { connection: wixConnection('c/1', 's1') } }));
    const result = await gateway.graphql('{ connection(id: "c/1") { id status } }');
    expect(wire(upstream.requests)).toEqual([{ method: 'GET', path: `${EC}/connections/c%2F1`, query: '', body: undefined }]);
    expectWixHeaders(upstream.requests[0], { body: false });
    expect(result.data).toEqual({ connection: { id: 'c/1', status: 'SYNCED' } });
  });

  it('answers null for a 404', async () => {
    upstream.handle(() => ({ status: 404, body: { message: 'Not Found' } }));
    const result = await gateway.graphql('{ connection(id: "gone") { id } }');
    expect(result.data).toEqual({ connection: null });
    expect(result.errors).toBeUndefined();
  });
});

describe('3. List Connections: Query.connections', () => {
  it('repeats scheduleIds in the query string and sends partialFailure', async () => {
    upstream.handle(() => ({ body: { connections: [wixConnection('c1', 'a')], failedProviderIds: [APPLE] } }));
    const result = await gateway.graphql(
      '{ connections(scheduleIds: ["a", "b"], partialFailure: true) { connections { id } failedProviderIds } }',
    );
    expect(wire(upstream.requests)).toEqual([
      { method: 'GET', path: `${EC}/connections`, query: 'scheduleIds=a&scheduleIds=b&partialFailure=true', body: undefined },
    ]);
    expectWixHeaders(upstream.requests[0], { body: false });
    expect(result.data).toEqual({ connections: { connections: [{ id: 'c1' }], failedProviderIds: [APPLE] } });
  });

  it('turns a Wix validation error into INVALID_ARGUMENT', async () => {
    upstream.handle(() => validationError('scheduleIds[0]'));
    const result = await gateway.graphql('{ connections(scheduleIds: ["not-a-guid"]) { connections { id } } }');
    expect(codes(result)).toEqual(['INVALID_ARGUMENT']);
  });
});

describe('4. Connect By OAuth: Mutation.connectByOAuth', () => {
  const CONNECT = `mutation { connectByOAuth(providerId: "${GOOGLE}", scheduleId: "s1", redirectUrl: "https://app.example.com/done?x=1") { oauthUrl ${USER_ERRORS} } }`;

  it('POSTs the literal custom-verb path connections:connectByOAuth with exactly the three fields', async () => {
    upstream.handle(() => ({ body: { oauthUrl: 'https://accounts.example.com/consent?state=abc' } }));
    const result = await gateway.graphql(CONNECT);
    expect(wire(upstream.requests)).toEqual([
      {
        method: 'POST',
        path: `${EC}/connections:connectByOAuth`,
        query: '',
        body: { providerId: GOOGLE, scheduleId: 's1', redirectUrl: 'https://app.example.com/done?x=1' },
      },
    ]);
    expectWixHeaders(upstream.requests[0], { body: true });
    expect(result.data).toEqual({ connectByOAuth: { oauthUrl: 'https://accounts.example.com/consent?state=abc', userErrors: [] } });
  });

  it('reports NOT_SUPPORTED_BY_PROVIDER as a user error', async () => {
    upstream.handle(() => applicationError(428, 'NOT_SUPPORTED_BY_PROVIDER'));
    const result = await gateway.graphql(CONNECT);
    expect(result.data).toEqual({
      connectByOAuth: {
        oauthUrl: null,
        userErrors: [{ code: 'NOT_SUPPORTED_BY_PROVIDER', message: 'The calendar provider does not support this.', field: null }],
      },
    });
  });
});

describe('5. Connect By Credentials: Mutation.connectByCredentials', () => {
  const CONNECT = `mutation { connectByCredentials(providerId: "${APPLE}", scheduleId: "s1", email: "maya@icloud.com", password: "app-specific-pw") {
    connection { id calendarType status } ${USER_ERRORS} } }`;

  it('POSTs the literal path connections:connectByCredentials with exactly the four fields', async () => {
    upstream.handle(() => ({
      body: { connection: wixConnection('new-1', 's1', { providerId: APPLE, calendarType: 'I_CAL', status: 'CONNECTED' }) },
    }));
    const result = await gateway.graphql(CONNECT);
    expect(wire(upstream.requests)).toEqual([
      {
        method: 'POST',
        path: `${EC}/connections:connectByCredentials`,
        query: '',
        body: { providerId: APPLE, scheduleId: 's1', email: 'maya@icloud.com', password: 'app-specific-pw' },
      },
    ]);
    expectWixHeaders(upstream.requests[0], { body: true });
    expect(result.data).toEqual({
      connectByCredentials: { connection: { id: 'new-1', calendarType: 'I_CAL', status: 'CONNECTED' }, userErrors: [] },
    });
  });

  it.each([
    [401, 'BAD_CREDENTIALS', 'The calendar account rejected the email or password.'],
    [403, 'PREMIUM_FEATURE_NOT_ENABLED', 'This needs a Wix Premium plan.'],
    [428, 'NOT_SUPPORTED_BY_PROVIDER', 'The calendar provider does not support this.'],
  ])('reports Wix %i %s as a user error with that code', async (status, code, message) => {
    upstream.handle(() => applicationError(status, code));
    const result = await gateway.graphql(CONNECT);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ connectByCredentials: { connection: null, userErrors: [{ code, message, field: null }] } });
  });
});

describe('6. List Calendars: Connection.calendars', () => {
  it('GETs /connections/{id}/calendars once the connection is read', async () => {
    upstream.handle((request) =>
      request.path.endsWith('/calendars')
        ? {
            body: {
              calendars: [
                { id: 'maya@gmail.com', name: 'maya@gmail.com' },
                { id: 'c_1@group.calendar.google.com', name: 'Work' },
              ],
            },
          }
        : { body: { connection: wixConnection('c1', 's1') } },
    );
    const result = await gateway.graphql('{ connection(id: "c1") { calendars { id: calendarId name enabled } } }');
    expect(wire(upstream.requests)).toEqual([
      { method: 'GET', path: `${EC}/connections/c1`, query: '', body: undefined },
      { method: 'GET', path: `${EC}/connections/c1/calendars`, query: '', body: undefined },
    ]);
    expectWixHeaders(upstream.requests[1], { body: false });
    expect(result.data).toEqual({
      connection: {
        calendars: [
          { id: 'maya@gmail.com', name: 'maya@gmail.com', enabled: null },
          { id: 'c_1@group.calendar.google.com', name: 'Work', enabled: null },
        ],
      },
    });
  });

  it('turns PREMIUM_FEATURE_NOT_ENABLED into a GraphQL error with that code', async () => {
    upstream.handle((request) =>
      request.path.endsWith('/calendars')
        ? applicationError(403, 'PREMIUM_FEATURE_NOT_ENABLED')
        : { body: { connection: wixConnection('c1', 's1') } },
    );
    const result = await gateway.graphql('{ connection(id: "c1") { id calendars { id: calendarId } } }');
    expect(codes(result)).toEqual(['PREMIUM_FEATURE_NOT_ENABLED']);
    expect(result.data).toEqual({ connection: null });
  });
});

describe('7. Update Sync Config: Mutation.updateSyncConfig', () => {
  it('PATCHes /connections/{id}/sync-config with the connection id and the config', async () => {
    upstream.handle(() => ({ body: { connection: wixConnection('c1', 's1') } }));
    await gateway.graphql(
      `mutation { updateSyncConfig(connectionId: "c1", syncConfig: { syncToCalendar: { enabled: false, target: { dedicatedCalendar: true } } }) { connection { id } ${USER_ERRORS} } }`,
    );
    expect(wire(upstream.requests)).toEqual([
      {
        method: 'PATCH',
        path: `${EC}/connections/c1/sync-config`,
        query: '',
        body: { connectionId: 'c1', syncConfig: { syncToCalendar: { enabled: false, dedicatedCalendar: {} } } },
      },
    ]);
    expectWixHeaders(upstream.requests[0], { body: true });
  });

  it('reports NOT_SUPPORTED_BY_PROVIDER as a user error', async () => {
    upstream.handle(() => applicationError(428, 'NOT_SUPPORTED_BY_PROVIDER'));
    const result = await gateway.graphql(
      `mutation { updateSyncConfig(connectionId: "c1", syncConfig: { syncToCalendar: { enabled: true } }) { connection { id } ${USER_ERRORS} } }`,
    );
    expect(result.data).toMatchObject({ updateSyncConfig: { connection: null, userErrors: [{ code: 'NOT_SUPPORTED_BY_PROVIDER' }] } });
  });
});

describe('8. Disconnect: Mutation.disconnectConnection', () => {
  const DISCONNECT = `mutation { disconnectConnection(connectionId: "c/1") { connection { id status } ${USER_ERRORS} } }`;

  it('POSTs /connections/{id}/disconnect with the connection id in the body', async () => {
    upstream.handle(() => ({ body: { connection: wixConnection('c/1', 's1', { status: 'DISCONNECTED' }) } }));
    const result = await gateway.graphql(DISCONNECT);
    expect(wire(upstream.requests)).toEqual([
      { method: 'POST', path: `${EC}/connections/c%2F1/disconnect`, query: '', body: { connectionId: 'c/1' } },
    ]);
    expectWixHeaders(upstream.requests[0], { body: true });
    expect(result.data).toEqual({ disconnectConnection: { connection: { id: 'c/1', status: 'DISCONNECTED' }, userErrors: [] } });
  });

  it.each([
    ['CONNECTION_ALREADY_DISCONNECTED', applicationError(428, 'CONNECTION_ALREADY_DISCONNECTED')],
    ['NOT_FOUND', { status: 404, body: { message: 'Not Found' } }],
  ])('reports %s as a user error', async (code, reply) => {
    upstream.handle(() => reply);
    const result = await gateway.graphql(DISCONNECT);
    expect(result.data).toMatchObject({ disconnectConnection: { connection: null, userErrors: [{ code, field: null }] } });
  });
});

describe('9. List Events: Query.externalEvents', () => {
  const EVENTS = `query($filter: ExternalEventsFilter!, $first: Int, $after: String) {
    externalEvents(filter: $filter, first: $first, after: $after) {
      edges { node { scheduleId calendarType calendarName title start end allDay scheduleOwnerId scheduleOwnerName } }
      pageInfo { hasNextPage endCursor } failedProviderIds
    }
  }`;
  const filter = {
    from: '2026-12-01T00:00:00Z',
    to: '2026-12-08T00:00:00+01:00',
    scheduleIds: ['s1', 's2'],
    userIds: ['u1'],
    allDay: false,
    includePersonalData: true,
    partialFailure: true,
  };

  it('GETs /events with repeated keys and dotted paging, then only the cursor for the next page', async () => {
    upstream.handle((request) =>
      request.query.includes('cursorPaging.cursor')
        ? { body: { events: [wixEvent(2)], pagingMetadata: { count: 1, cursors: { next: null }, hasNext: false }, failedProviderIds: [] } }
        : {
            body: {
              events: [wixEvent(0, { title: 'Dentist', calendarName: 'Home', scheduleOwnerName: 'Maya' }), wixEvent(1)],
              pagingMetadata: { count: 2, cursors: { next: 'wix/next+1' }, hasNext: true },
              failedProviderIds: [APPLE],
            },
          },
    );
    const first = await gateway.graphql<{ externalEvents: { pageInfo: { endCursor: string } } }>(EVENTS, { filter, first: 2 });
    const second = await gateway.graphql(EVENTS, { filter, first: 2, after: first.data?.externalEvents.pageInfo.endCursor });
    expect(wire(upstream.requests)).toEqual([
      {
        method: 'GET',
        path: `${EC}/events`,
        query:
          'from=2026-12-01T00%3A00%3A00.000Z&to=2026-12-07T23%3A00%3A00.000Z&scheduleIds=s1&scheduleIds=s2&userIds=u1&allDay=false&fieldsets=OWN_PI&cursorPaging.limit=2&partialFailure=true',
        body: undefined,
      },
      {
        method: 'GET',
        path: `${EC}/events`,
        query: 'fieldsets=OWN_PI&cursorPaging.limit=2&cursorPaging.cursor=wix%2Fnext%2B1&partialFailure=true',
        body: undefined,
      },
    ]);
    expectWixHeaders(upstream.requests[0], { body: false });
    expect(first.data).toMatchObject({
      externalEvents: {
        edges: [
          {
            node: {
              scheduleId: 's1',
              calendarType: 'GOOGLE',
              calendarName: 'Home',
              title: 'Dentist',
              start: '2026-12-01T09:00:00.000Z',
              end: '2026-12-01T09:30:00.000Z',
              allDay: false,
              scheduleOwnerId: 'u1',
              scheduleOwnerName: 'Maya',
            },
          },
          { node: { start: '2026-12-01T10:00:00.000Z', title: null } },
        ],
        pageInfo: { hasNextPage: true, endCursor: expect.any(String) },
        failedProviderIds: [APPLE],
      },
    });
    expect(second.data).toMatchObject({
      externalEvents: { edges: [{ node: { start: '2026-12-01T11:00:00.000Z' } }], pageInfo: { hasNextPage: false } },
    });
  });

  it('sends fieldsets=NO_PI and no optional filter when only the window is given', async () => {
    upstream.handle(() => ({ body: { events: [], pagingMetadata: { count: 0, cursors: {}, hasNext: false } } }));
    const result = await gateway.graphql(EVENTS, { filter: { from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' } });
    expect(upstream.requests.map((r) => r.query)).toEqual([
      'from=2026-12-01T00%3A00%3A00.000Z&to=2026-12-02T00%3A00%3A00.000Z&fieldsets=NO_PI&cursorPaging.limit=100',
    ]);
    expect(result.data).toEqual({
      externalEvents: { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, failedProviderIds: [] },
    });
  });

  it('turns a provider outage (5xx) into UPSTREAM_UNAVAILABLE', async () => {
    upstream.handle(() => applicationError(503, 'EXTERNAL_PROVIDER_UNAVAILABLE'));
    const result = await gateway.graphql(EVENTS, { filter: { from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' } });
    expect(codes(result)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(JSON.stringify(result)).not.toContain('Wix internal words');
  });
});

describe('10. Get Schedule: Query.schedule', () => {
  it('GETs /calendar/v3/schedules/{id}, with fields=PI_FIELDS when personal data is asked for', async () => {
    upstream.handle((request) => ({
      body: {
        schedule: wixSchedule(
          's1',
          request.query
            ? { defaultConferencingDetails: { type: 'ZOOM', hostUrl: 'https://zoom.example/h', guestUrl: 'https://zoom.example/g' } }
            : {},
        ),
      },
    }));
    const result = await gateway.graphql(`{
      plain: schedule(id: "s1") { defaultConferencingDetails { type } }
      personal: schedule(id: "s1", includePersonalData: true) { defaultConferencingDetails { type hostUrl } }
    }`);
    expect(wire(upstream.requests).sort((a, b) => a.query.localeCompare(b.query))).toEqual([
      { method: 'GET', path: `${SCHEDULES}/s1`, query: '', body: undefined },
      { method: 'GET', path: `${SCHEDULES}/s1`, query: 'fields=PI_FIELDS', body: undefined },
    ]);
    expectWixHeaders(upstream.requests[0], { body: false });
    expect(result.data).toEqual({
      plain: { defaultConferencingDetails: null },
      personal: { defaultConferencingDetails: { type: 'ZOOM', hostUrl: 'https://zoom.example/h' } },
    });
  });

  it('asks for OWN_PI_FIELDS with personalFields, on schedule and schedules', async () => {
    upstream.handle((request) =>
      request.method === 'GET'
        ? { body: { schedule: wixSchedule('s1') } }
        : { body: { schedules: [wixSchedule('s1')], pagingMetadata: { count: 1, cursors: {}, hasNext: false } } },
    );
    const result = await gateway.graphql(`{
      schedule(id: "s1", personalFields: OWN_PI_FIELDS) { id }
      schedules(first: 5, personalFields: OWN_PI_FIELDS) { edges { node { id } } }
    }`);
    expect(result.errors).toBeUndefined();
    expect(wire(upstream.requests).sort((a, b) => a.method.localeCompare(b.method))).toEqual([
      { method: 'GET', path: `${SCHEDULES}/s1`, query: 'fields=OWN_PI_FIELDS', body: undefined },
      { method: 'POST', path: `${SCHEDULES}/query`, query: '', body: { query: { cursorPaging: { limit: 5 } }, fields: ['OWN_PI_FIELDS'] } },
    ]);
  });

  it('refuses includePersonalData and personalFields together, and sends nothing', async () => {
    const result = await gateway.graphql('{ schedule(id: "s1", includePersonalData: true, personalFields: PI_FIELDS) { id } }');
    expect(upstream.requests).toEqual([]);
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('answers null for a 404', async () => {
    upstream.handle(() => ({ status: 404, body: { message: 'Not Found' } }));
    const result = await gateway.graphql('{ schedule(id: "gone", includePersonalData: true) { id } }');
    expect(result.data).toEqual({ schedule: null });
    expect(result.errors).toBeUndefined();
  });
});

describe('11. Query Schedules: Query.schedules', () => {
  const LIST = `query($filter: ScheduleFilter, $first: Int, $after: String, $pi: Boolean) {
    schedules(filter: $filter, first: $first, after: $after, includePersonalData: $pi) { edges { node { id } } pageInfo { hasNextPage endCursor } }
  }`;

  it('POSTs /query with each filter list as $in, then only the cursor and the limit for the next page', async () => {
    upstream.handle((request) => {
      const cursor = (request.body as { query: { cursorPaging: { cursor?: string } } }).query.cursorPaging.cursor;
      return cursor
        ? { body: { schedules: [wixSchedule('s3')], pagingMetadata: { count: 1, cursors: { next: null, prev: 'p' }, hasNext: false } } }
        : {
            body: {
              schedules: [wixSchedule('s1'), wixSchedule('s2')],
              pagingMetadata: { count: 2, cursors: { next: 'wix-next', prev: null }, hasNext: true },
            },
          };
    });
    const filter = {
      ids: ['s1', 's2', 's3'],
      externalIds: ['e1'],
      appIds: ['13d21c63-b5ec-5912-8397-c3a5ddb27a97'],
      statuses: ['ACTIVE', 'CANCELLED'],
    };
    const first = await gateway.graphql<{ schedules: { pageInfo: { endCursor: string } } }>(LIST, { filter, first: 2, pi: true });
    const second = await gateway.graphql(LIST, { filter, first: 2, pi: true, after: first.data?.schedules.pageInfo.endCursor });
    expect(wire(upstream.requests)).toEqual([
      {
        method: 'POST',
        path: `${SCHEDULES}/query`,
        query: '',
        body: {
          query: {
            filter: {
              id: { $in: ['s1', 's2', 's3'] },
              externalId: { $in: ['e1'] },
              appId: { $in: ['13d21c63-b5ec-5912-8397-c3a5ddb27a97'] },
              status: { $in: ['ACTIVE', 'CANCELLED'] },
            },
            cursorPaging: { limit: 2 },
          },
          fields: ['PI_FIELDS'],
        },
      },
      {
        method: 'POST',
        path: `${SCHEDULES}/query`,
        query: '',
        body: { query: { cursorPaging: { limit: 2, cursor: 'wix-next' } }, fields: ['PI_FIELDS'] },
      },
    ]);
    expectWixHeaders(upstream.requests[0], { body: true });
    expect(first.data).toMatchObject({
      schedules: { edges: [{ node: { id: 's1' } }, { node: { id: 's2' } }], pageInfo: { hasNextPage: true } },
    });
    expect(second.data).toMatchObject({ schedules: { edges: [{ node: { id: 's3' } }], pageInfo: { hasNextPage: false } } });
  });

  it('sends no filter (Wix then lists ACTIVE schedules only) and Wix’s default page of 50 without arguments', async () => {
    upstream.handle(() => ({ body: { schedules: [], pagingMetadata: { count: 0, cursors: {}, hasNext: false } } }));
    await gateway.graphql('{ schedules { edges { node { id } } } }');
    expect(wire(upstream.requests)).toEqual([
      { method: 'POST', path: `${SCHEDULES}/query`, query: '', body: { query: { cursorPaging: { limit: 50 } } } },
    ]);
  });

  it('turns a Wix validation error into INVALID_ARGUMENT', async () => {
    upstream.handle(() => validationError('query.filter.id.$in'));
    const result = await gateway.graphql(LIST, { filter: { ids: ['x'] } });
    expect(codes(result)).toEqual(['INVALID_ARGUMENT']);
  });
});

describe('12. Create Schedule: Mutation.createSchedule', () => {
  const CREATE = `mutation($schedule: CreateScheduleInput!, $key: String) {
    createSchedule(schedule: $schedule, idempotencyKey: $key) { schedule { id name revision status } ${USER_ERRORS} }
  }`;
  const schedule = {
    externalId: 'staff-9',
    name: 'Noa — Pilates',
    timeZone: 'Europe/Berlin',
    businessTimeZoneEnabled: false,
    defaultTitle: 'Pilates',
    defaultLocation: { type: 'CUSTOM', name: 'Studio 2', address: null },
    defaultCapacity: 0,
    defaultConferencingDetails: { type: 'ZOOM', hostUrl: 'https://zoom.example/h', guestUrl: 'https://zoom.example/g' },
    appId: '13d21c63-b5ec-5912-8397-c3a5ddb27a97',
    permissions: [{ identity: { wixUserId: 'f83e377e-2f67-4c18-943e-f9cfc1761776' }, role: 'WRITER' }],
    extendedFields: { namespaces: { '@acme/app': { color: 'teal' } } },
  };

  it('POSTs /calendar/v3/schedules with the schedule (nulls left out) and the idempotency key', async () => {
    upstream.handle(() => ({ body: { schedule: wixSchedule('new-1', { name: 'Noa — Pilates', revision: '1' }) } }));
    const result = await gateway.graphql(CREATE, { schedule, key: '3b241101-e2bb-4255-8caf-4136c566a962' });
    const { address: _address, ...location } = schedule.defaultLocation;
    expect(wire(upstream.requests)).toEqual([
      {
        method: 'POST',
        path: SCHEDULES,
        query: '',
        body: { schedule: { ...schedule, defaultLocation: location }, idempotencyKey: '3b241101-e2bb-4255-8caf-4136c566a962' },
      },
    ]);
    expectWixHeaders(upstream.requests[0], { body: true });
    expect(result.data).toEqual({
      createSchedule: { schedule: { id: 'new-1', name: 'Noa — Pilates', revision: '1', status: 'ACTIVE' }, userErrors: [] },
    });
  });

  it('sends no idempotencyKey when none is given', async () => {
    upstream.handle(() => ({ body: { schedule: wixSchedule('new-2') } }));
    await gateway.graphql(CREATE, { schedule: { name: 'Plain' } });
    expect(upstream.requests.map((r) => r.body)).toEqual([{ schedule: { name: 'Plain' } }]);
  });

  it('refuses an idempotencyKey that is not a GUID as a user error, and sends nothing', async () => {
    const result = await gateway.graphql(CREATE, { schedule: { name: 'Plain' }, key: 'pop-up-boxing-2026' });
    expect(upstream.requests).toEqual([]);
    expect(result.data).toEqual({
      createSchedule: {
        schedule: null,
        userErrors: [
          { code: 'INVALID_ARGUMENT', message: 'idempotencyKey is a GUID, for example a fresh UUID.', field: ['idempotencyKey'] },
        ],
      },
    });
  });

  it('reports a Wix validation error as INVALID_ARGUMENT with the field Wix named', async () => {
    upstream.handle(() => validationError('schedule.timeZone'));
    const result = await gateway.graphql(CREATE, { schedule: { timeZone: 'Mars/Olympus' } });
    expect(result.data).toEqual({
      createSchedule: {
        schedule: null,
        userErrors: [{ code: 'INVALID_ARGUMENT', message: 'Wix rejected schedule.timeZone.', field: ['schedule', 'timeZone'] }],
      },
    });
  });
});

describe('13. Update Schedule: Mutation.updateSchedule', () => {
  const UPDATE = `mutation { updateSchedule(schedule: { id: "s1", revision: "3", name: "Renamed", defaultCapacity: 2 }) { schedule { id name revision } ${USER_ERRORS} } }`;

  it('PATCHes /calendar/v3/schedules/{id} with id, revision and only the changed fields', async () => {
    upstream.handle(() => ({ body: { schedule: wixSchedule('s1', { name: 'Renamed', revision: '4' }) } }));
    const result = await gateway.graphql(UPDATE);
    expect(wire(upstream.requests)).toEqual([
      {
        method: 'PATCH',
        path: `${SCHEDULES}/s1`,
        query: '',
        body: { schedule: { id: 's1', revision: '3', name: 'Renamed', defaultCapacity: 2 } },
      },
    ]);
    expectWixHeaders(upstream.requests[0], { body: true });
    expect(result.data).toEqual({ updateSchedule: { schedule: { id: 's1', name: 'Renamed', revision: '4' }, userErrors: [] } });
  });

  it('sends the participant notification and the permissions when given', async () => {
    upstream.handle(() => ({ body: { schedule: wixSchedule('s1', { revision: '4' }) } }));
    const result = await gateway.graphql(`mutation {
      updateSchedule(
        schedule: { id: "s1", revision: "3", permissions: [{ identity: { wixUserId: "f83e377e-2f67-4c18-943e-f9cfc1761776" }, role: COMMENTER }] }
        participantNotification: { notifyParticipants: true, message: "New host" }
      ) { schedule { id revision } ${USER_ERRORS} }
    }`);
    expect(wire(upstream.requests)).toEqual([
      {
        method: 'PATCH',
        path: `${SCHEDULES}/s1`,
        query: '',
        body: {
          schedule: {
            id: 's1',
            revision: '3',
            permissions: [{ identity: { wixUserId: 'f83e377e-2f67-4c18-943e-f9cfc1761776' }, role: 'COMMENTER' }],
          },
          participantNotification: { notifyParticipants: true, message: 'New host' },
        },
      },
    ]);
    expect(result.data).toEqual({ updateSchedule: { schedule: { id: 's1', revision: '4' }, userErrors: [] } });
  });

  it('refuses a second permission or an empty notification message as user errors, and sends nothing', async () => {
    const permission = '{ identity: { wixUserId: "f83e377e-2f67-4c18-943e-f9cfc1761776" }, role: WRITER }';
    const result = await gateway.graphql(`mutation {
      updateSchedule(
        schedule: { id: "s1", revision: "3", permissions: [${permission}, ${permission}] }
        participantNotification: { message: "" }
      ) { schedule { id } ${USER_ERRORS} }
    }`);
    expect(upstream.requests).toEqual([]);
    expect(result.data).toEqual({
      updateSchedule: {
        schedule: null,
        userErrors: [
          { code: 'INVALID_ARGUMENT', message: 'A schedule has at most one permission.', field: ['schedule', 'permissions'] },
          { code: 'INVALID_ARGUMENT', message: 'message needs at least 1 character.', field: ['participantNotification', 'message'] },
        ],
      },
    });
  });

  it.each([
    ['a revision conflict', applicationError(409, 'SCHEDULE_REVISION_MISMATCH'), 'SCHEDULE_REVISION_MISMATCH'],
    ['an update of a cancelled schedule', applicationError(428, 'SCHEDULE_CANCELLED'), 'SCHEDULE_CANCELLED'],
    ['a bare 409 without a code', { status: 409, body: { message: 'conflict' } }, 'CONFLICT'],
  ])('reports %s as a user error', async (_name, reply, code) => {
    upstream.handle(() => reply);
    const result = await gateway.graphql(UPDATE);
    expect(result.data).toMatchObject({ updateSchedule: { schedule: null, userErrors: [{ code, field: null }] } });
  });
});

describe('14. Cancel Schedule: Mutation.cancelSchedule', () => {
  it('POSTs /calendar/v3/schedules/{id}/cancel with the options given', async () => {
    upstream.handle(() => ({ body: { schedule: wixSchedule('s/1', { status: 'CANCELLED', revision: '4' }) } }));
    const result = await gateway.graphql(`mutation {
      cancelSchedule(id: "s/1", preserveFutureEventsWithParticipants: true, participantNotification: { notifyParticipants: true, message: "Sorry!" }) {
        schedule { id status revision } ${USER_ERRORS}
      }
    }`);
    expect(wire(upstream.requests)).toEqual([
      {
        method: 'POST',
        path: `${SCHEDULES}/s%2F1/cancel`,
        query: '',
        body: { preserveFutureEventsWithParticipants: true, participantNotification: { notifyParticipants: true, message: 'Sorry!' } },
      },
    ]);
    expectWixHeaders(upstream.requests[0], { body: true });
    expect(result.data).toEqual({ cancelSchedule: { schedule: { id: 's/1', status: 'CANCELLED', revision: '4' }, userErrors: [] } });
  });

  it('sends an empty body when no option is given', async () => {
    upstream.handle(() => ({ body: { schedule: wixSchedule('s1', { status: 'CANCELLED' }) } }));
    await gateway.graphql(`mutation { cancelSchedule(id: "s1") { schedule { id } ${USER_ERRORS} } }`);
    expect(wire(upstream.requests)).toEqual([{ method: 'POST', path: `${SCHEDULES}/s1/cancel`, query: '', body: {} }]);
    expectWixHeaders(upstream.requests[0], { body: true });
  });

  it.each([
    ['an already cancelled schedule', applicationError(428, 'SCHEDULE_CANCELLED'), 'SCHEDULE_CANCELLED'],
    ['an unknown schedule', { status: 404, body: { message: 'Not Found' } }, 'NOT_FOUND'],
  ])('reports %s as a user error', async (_name, reply, code) => {
    upstream.handle(() => reply);
    const result = await gateway.graphql(`mutation { cancelSchedule(id: "s1") { schedule { id } ${USER_ERRORS} } }`);
    expect(result.data).toMatchObject({ cancelSchedule: { schedule: null, userErrors: [{ code, field: null }] } });
  });
});
