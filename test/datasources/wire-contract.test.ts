import { describe, expect, it } from 'vitest';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { wixConnection, wixSchedule } from '../helpers/fixtures.js';
import { startTestGateway, TEST_API_KEY, TEST_SITE_ID } from '../helpers/gateway.js';
import { gatewayOverFakeUpstream } from '../helpers/suite.js';

const { upstream, gateway } = gatewayOverFakeUpstream();

describe('API-key mode: every call carries the Wix headers', () => {
  it('sends the raw key as Authorization, the site id and the request id', async () => {
    upstream.handle(() => ({ body: { connection: wixConnection('c1', 's1') } }));
    const result = await gateway.graphql('{ connection(id: "c1") { id } }', undefined, { 'x-request-id': 'req-42' });
    expect(result.errors).toBeUndefined();
    expect(upstream.requests).toHaveLength(1);
    const [request] = upstream.requests;
    expect(request?.headers.authorization).toBe(TEST_API_KEY);
    expect(request?.headers['wix-site-id']).toBe(TEST_SITE_ID);
    expect(request?.headers['x-request-id']).toBe('req-42');
  });
});

describe('Query.connection (Get Connection)', () => {
  it('GETs /bookings/v2/external-calendars/connections/{id} and maps every field', async () => {
    upstream.handle(() => ({ body: { connection: wixConnection('conn/1', 's1', { unknownFutureField: 1 }) } }));
    const result = await gateway.graphql(`{
      connection(id: "conn/1") {
        id providerId calendarType scheduleId userId appId externalAccountEmail status errorReason
        syncConfig {
          listEventFromCalendars { enabled source { __typename ... on PrimaryCalendar { primaryCalendar } } }
          syncToCalendar { enabled target { __typename ... on DedicatedCalendar { dedicatedCalendar } } }
        }
      }
    }`);
    expect(upstream.requests.map((r) => [r.method, r.path, r.query, r.body])).toEqual([
      ['GET', '/bookings/v2/external-calendars/connections/conn%2F1', '', undefined],
    ]);
    expect(result.data).toEqual({
      connection: {
        id: 'conn/1',
        providerId: 'prov-google',
        calendarType: 'GOOGLE',
        scheduleId: 's1',
        userId: 'user-1',
        appId: '13d21c63-b5ec-5912-8397-c3a5ddb27a97',
        externalAccountEmail: 'maya@example.com',
        status: 'SYNCED',
        errorReason: 'UNDEFINED',
        syncConfig: {
          listEventFromCalendars: { enabled: true, source: { __typename: 'PrimaryCalendar', primaryCalendar: true } },
          syncToCalendar: { enabled: true, target: { __typename: 'DedicatedCalendar', dedicatedCalendar: true } },
        },
      },
    });
  });

  it('answers null when Wix answers 404', async () => {
    upstream.handle(() => ({ status: 404, body: { message: 'Not Found', details: {} } }));
    const result = await gateway.graphql('{ connection(id: "missing") { id } }');
    expect(result).toMatchObject({ status: 200, data: { connection: null } });
    expect(result.errors).toBeUndefined();
  });

  it('reads an enum value it does not know yet as UNDEFINED', async () => {
    upstream.handle(() => ({ body: { connection: wixConnection('c1', 's1', { calendarType: 'YAHOO', status: undefined }) } }));
    const result = await gateway.graphql('{ connection(id: "c1") { calendarType status } }');
    expect(result.data).toEqual({ connection: { calendarType: 'UNDEFINED', status: 'UNDEFINED' } });
  });

  it('resolves a calendar selection with the calendars Wix echoes, each enabled as its list is', async () => {
    upstream.handle(() => ({
      body: {
        connection: wixConnection('c1', 's1', {
          syncConfig: {
            listEventFromCalendars: {
              enabled: false,
              calendars: { calendars: [{ id: 'cal-1', name: 'Work' }, { id: 'cal-2' }] },
            },
            syncToCalendar: { enabled: false, primaryCalendar: {} },
          },
        }),
      },
    }));
    const result = await gateway.graphql(`{ connection(id: "c1") { syncConfig {
      listEventFromCalendars { enabled source { __typename ... on CalendarSelection { calendars { id: calendarId name enabled } } } }
      syncToCalendar { enabled target { __typename ... on PrimaryCalendar { primaryCalendar } } }
    } } }`);
    expect(result.data).toEqual({
      connection: {
        syncConfig: {
          listEventFromCalendars: {
            enabled: false,
            source: {
              __typename: 'CalendarSelection',
              calendars: [
                { id: 'cal-1', name: 'Work', enabled: false },
                { id: 'cal-2', name: null, enabled: false },
              ],
            },
          },
          syncToCalendar: { enabled: false, target: { __typename: 'PrimaryCalendar', primaryCalendar: true } },
        },
      },
    });
  });

  it('answers null sources and targets when Wix sends no one-of member', async () => {
    upstream.handle(() => ({
      body: { connection: wixConnection('c1', 's1', { syncConfig: { listEventFromCalendars: { enabled: true }, syncToCalendar: {} } }) },
    }));
    const result = await gateway.graphql(
      '{ connection(id: "c1") { syncConfig { listEventFromCalendars { enabled source { __typename } } syncToCalendar { enabled target { __typename } } } } }',
    );
    expect(result.data).toEqual({
      connection: {
        syncConfig: { listEventFromCalendars: { enabled: true, source: null }, syncToCalendar: { enabled: false, target: null } },
      },
    });
  });
});

describe('Query.connections (List Connections)', () => {
  it('repeats scheduleIds in the query string and sends partialFailure', async () => {
    upstream.handle(() => ({ body: { connections: [wixConnection('c1', 'a')], failedProviderIds: ['prov-apple'] } }));
    const result = await gateway.graphql(
      '{ connections(scheduleIds: ["a", "b"], partialFailure: true) { connections { id } failedProviderIds } }',
    );
    expect(upstream.requests.map((r) => [r.method, r.path, r.query])).toEqual([
      ['GET', '/bookings/v2/external-calendars/connections', 'scheduleIds=a&scheduleIds=b&partialFailure=true'],
    ]);
    expect(result.data).toEqual({ connections: { connections: [{ id: 'c1' }], failedProviderIds: ['prov-apple'] } });
  });

  it('sends no query string without arguments and answers [] for a missing failedProviderIds', async () => {
    upstream.handle(() => ({ body: { connections: [] } }));
    const result = await gateway.graphql('{ connections { connections { id } failedProviderIds } }');
    expect(upstream.requests.map((r) => r.query)).toEqual(['']);
    expect(result.data).toEqual({ connections: { connections: [], failedProviderIds: [] } });
  });
});

describe('Query.schedule (Get Schedule)', () => {
  it('GETs /calendar/v3/schedules/{id} and maps every field of the schedule', async () => {
    upstream.handle(() => ({
      body: {
        schedule: wixSchedule('s1', {
          defaultConferencingDetails: {
            type: 'ZOOM',
            hostUrl: 'https://zoom.example/h',
            guestUrl: 'https://zoom.example/g',
            password: 'pw',
            externalId: 'z1',
          },
        }),
      },
    }));
    const result = await gateway.graphql(`{ schedule(id: "s1") {
      id externalId name status timeZone businessTimeZoneEnabled defaultTitle
      defaultLocation { id type name address } defaultCapacity
      defaultConferencingDetails { type hostUrl guestUrl password externalId }
      appId permissions { identity { wixUserId } role } extendedFields revision createdDate updatedDate
    } }`);
    expect(upstream.requests.map((r) => [r.method, r.path, r.query])).toEqual([['GET', '/calendar/v3/schedules/s1', '']]);
    expect(result.data).toEqual({
      schedule: {
        id: 's1',
        externalId: 'ext-s1',
        name: 'Schedule s1',
        status: 'ACTIVE',
        timeZone: 'Europe/Berlin',
        businessTimeZoneEnabled: false,
        defaultTitle: 'Session',
        defaultLocation: { id: null, type: 'CUSTOM', name: 'Studio', address: 'Main St 1' },
        defaultCapacity: 4,
        defaultConferencingDetails: {
          type: 'ZOOM',
          hostUrl: 'https://zoom.example/h',
          guestUrl: 'https://zoom.example/g',
          password: 'pw',
          externalId: 'z1',
        },
        appId: '13d21c63-b5ec-5912-8397-c3a5ddb27a97',
        permissions: [{ identity: { wixUserId: 'user-1' }, role: 'WRITER' }],
        extendedFields: { namespaces: { '@acme/app': { color: 'blue' } } },
        revision: '3',
        createdDate: '2026-01-01T10:00:00.000Z',
        updatedDate: '2026-02-01T10:00:00.000Z',
      },
    });
  });

  it('answers null on 404, and one call for the same id asked twice', async () => {
    upstream.handle(() => ({ status: 404, body: { message: 'no such schedule' } }));
    const result = await gateway.graphql('{ a: schedule(id: "x") { id } b: schedule(id: "x") { name } }');
    expect(result.data).toEqual({ a: null, b: null });
    expect(upstream.requests).toHaveLength(1);
  });
});

describe('upstream failures are converted once, and nothing of the upstream body leaks', () => {
  it('turns a 503 into UPSTREAM_UNAVAILABLE', async () => {
    upstream.handle(() => ({ status: 503, text: 'secret internal trace at wix.internal:1234' }));
    const result = await gateway.graphql('{ connection(id: "c1") { id } }');
    expect(result.data).toEqual({ connection: null });
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(JSON.stringify(result)).not.toContain('wix.internal');
    expect(JSON.stringify(result)).not.toContain('stacktrace');
  });

  it('turns a 2xx body that breaks the contract into UPSTREAM_INVALID_RESPONSE', async () => {
    upstream.handle(() => ({ body: { connection: { status: 'SYNCED' } } }));
    const result = await gateway.graphql('{ connection(id: "c1") { id } }');
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_INVALID_RESPONSE']);
  });

  it("turns a 401 and 403 into UPSTREAM_UNAUTHENTICATED and UPSTREAM_FORBIDDEN, never the caller's own codes", async () => {
    upstream.handle(() => ({ status: 401, body: { message: 'bad key xyz' } }));
    const unauthenticated = await gateway.graphql('{ connections { connections { id } } }');
    upstream.handle(() => ({ status: 403, body: { message: 'no permission' } }));
    const forbidden = await gateway.graphql('{ connections { connections { id } } }');
    upstream.handle(() => ({ status: 401, body: { message: 'x', details: { applicationError: { code: 'UNAUTHENTICATED' } } } }));
    const withCode = await gateway.graphql('{ connections { connections { id } } }');
    expect(unauthenticated.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAUTHENTICATED']);
    expect(forbidden.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_FORBIDDEN']);
    expect(withCode.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAUTHENTICATED']);
    expect(unauthenticated.status).toBe(200);
    expect(JSON.stringify(unauthenticated)).not.toContain('xyz');
  });

  it.each([
    ['markup', 428, '<script>alert(1)</script>'],
    ['an undocumented code', 409, 'SOME_FUTURE_CODE'],
    ["a code named like the caller's own", 403, 'FORBIDDEN'],
    ["a code named like the caller's own", 400, 'UNAUTHENTICATED'],
  ])('never passes on %s from applicationError.code (%i %s)', async (_what, status, code) => {
    upstream.handle(() => ({ status, body: { message: `${code} message`, details: { applicationError: { code, description: code } } } }));
    const query = await gateway.graphql('{ connection(id: "c1") { id } }');
    const mutation = await gateway.graphql(
      'mutation { disconnectConnection(connectionId: "c1") { connection { id } userErrors { code message } } }',
    );
    for (const result of [query, mutation]) {
      const text = JSON.stringify(result);
      expect(text).not.toContain(`"${code}"`);
      expect(text).not.toContain(`${code} message`);
      expect(text).not.toContain('<script>');
    }
    const expected = status === 403 ? 'UPSTREAM_FORBIDDEN' : status === 400 ? 'INVALID_ARGUMENT' : 'UPSTREAM_REFUSED';
    const codes = [...(query.errors ?? []), ...(mutation.errors ?? [])].map((e) => e.extensions?.code);
    const userCodes = (mutation.data as { disconnectConnection?: { userErrors: Array<{ code: string }> } } | null)?.disconnectConnection
      ?.userErrors;
    expect([...codes, ...(userCodes ?? []).map((e) => e.code)]).toEqual([expected, expected]);
    if (expected === 'UPSTREAM_REFUSED') expect(query.errors?.[0]?.message).toBe('Wix refused the request.');
  });

  it('turns a Wix application error in a query into a GraphQL error with that code', async () => {
    upstream.handle(() => ({
      status: 428,
      body: { message: 'x', details: { applicationError: { code: 'CONNECTION_NOT_CONNECTED', description: 'internal words' } } },
    }));
    const result = await gateway.graphql('{ connection(id: "c1") { id } }');
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['CONNECTION_NOT_CONNECTED']);
    expect(JSON.stringify(result)).not.toContain('internal words');
  });

  it('turns a timeout into UPSTREAM_UNAVAILABLE', async () => {
    const slow = await startTestGateway({ upstreamUrl: upstream.url, timeoutMs: 50 });
    try {
      upstream.handle(() => ({ delayMs: 500, body: { connection: wixConnection('c1', 's1') } }));
      const result = await slow.graphql('{ connection(id: "c1") { id } }');
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    } finally {
      await slow.close();
    }
  });

  it('turns an unreachable upstream into UPSTREAM_UNAVAILABLE', async () => {
    const closed = await startFakeUpstream();
    await closed.close();
    const orphan = await startTestGateway({ upstreamUrl: closed.url });
    try {
      const result = await orphan.graphql('{ schedule(id: "s1") { id } }');
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    } finally {
      await orphan.close();
    }
  });
});
