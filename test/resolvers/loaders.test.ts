import { beforeEach, describe, expect, it } from 'vitest';
import { ExternalCalendarsApi } from '../../src/datasources/external-calendars.js';
import type { WixHttpClient, WixRequest } from '../../src/datasources/wix-http.js';
import { type FakeReply, type RecordedRequest } from '../helpers/fake-upstream.js';
import { wixConnection } from '../helpers/fixtures.js';
import { APPLE, GOOGLE, ONE_ATTEMPT, applicationError, codes, wixProvider } from '../helpers/api.js';
import { gatewayOverFakeUpstream } from '../helpers/suite.js';

/** Connection.provider and Connection.calendars: per operation, no N+1 for providers, bounded fan-out for calendars. */

const EC = '/bookings/v2/external-calendars';
const calendarsOf = (connectionId: string) => [{ id: `${connectionId}@example.com`, name: `Primary of ${connectionId}` }];

let connections: unknown[] = [];
let calendarReply: (request: RecordedRequest) => FakeReply | Promise<FakeReply> = (request) => ({
  body: { calendars: calendarsOf(request.path.split('/').at(-2) ?? '') },
});

function answer(request: RecordedRequest): FakeReply | Promise<FakeReply> {
  if (request.path === `${EC}/connections`) return { body: { connections } };
  if (request.path === `${EC}/providers`)
    return { body: { providers: [wixProvider(GOOGLE), wixProvider(APPLE, { name: 'Apple', calendarType: 'I_CAL' })] } };
  if (request.path.endsWith('/calendars')) return calendarReply(request);
  const id = decodeURIComponent(request.path.split('/').at(-1) ?? '');
  return { body: { connection: wixConnection(id, 's1') } };
}

const { upstream, gateway } = gatewayOverFakeUpstream({ handler: answer, resilience: ONE_ATTEMPT });
beforeEach(() => {
  connections = [];
  calendarReply = (request) => ({ body: { calendars: calendarsOf(request.path.split('/').at(-2) ?? '') } });
});

/** One turn of the event loop: every promise continuation that can run has run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const calls = () => upstream.requests.map((request) => `${request.method} ${request.path}`);

describe('Connection.provider reads List Providers once per operation', () => {
  it('resolves 60 connections’ providers with one List Providers call', async () => {
    connections = Array.from({ length: 60 }, (_, index) => wixConnection(`c${index}`, 's1', { providerId: index % 2 ? APPLE : GOOGLE }));
    const result = await gateway.graphql<{ connections: { connections: Array<{ provider: { name: string } }> } }>(
      '{ connections { connections { id provider { id name features { connectMethods } } } } }',
    );
    expect(result.errors).toBeUndefined();
    expect(calls()).toEqual([`GET ${EC}/connections`, `GET ${EC}/providers`]);
    expect(result.data?.connections.connections.map((connection) => connection.provider.name).slice(0, 2)).toEqual(['Google', 'Apple']);
  });

  it('answers null for a provider Wix does not list, or a connection without one, with no call for the latter', async () => {
    connections = [wixConnection('c1', 's1', { providerId: 'retired-provider' }), wixConnection('c2', 's1', { providerId: null })];
    const result = await gateway.graphql('{ connections { connections { id provider { id } } } }');
    expect(result.data).toEqual({
      connections: {
        connections: [
          { id: 'c1', provider: null },
          { id: 'c2', provider: null },
        ],
      },
    });
    expect(calls()).toEqual([`GET ${EC}/connections`, `GET ${EC}/providers`]);
    upstream.requests.length = 0;
    connections = [wixConnection('c2', 's1', { providerId: null })];
    await gateway.graphql('{ connections { connections { id provider { id } } } }');
    expect(calls()).toEqual([`GET ${EC}/connections`]);
  });

  it('reads the providers again in the next operation', async () => {
    await gateway.graphql('{ providers { id } }');
    await gateway.graphql('{ providers { id } }');
    expect(calls()).toEqual([`GET ${EC}/providers`, `GET ${EC}/providers`]);
  });
});

describe('Connection.calendars: one List Calendars per distinct connection, at most 8 at a time', () => {
  it('lists 20 connections’ calendars with one call each', async () => {
    const total = 20;
    connections = Array.from({ length: total }, (_, index) => wixConnection(`c${index}`, 's1'));
    const result = await gateway.graphql<{
      connections: { connections: Array<{ id: string; calendars: Array<{ id: string; name: string }> }> };
    }>('{ connections { connections { id calendars { id: calendarId name } } } }');
    expect(result.errors).toBeUndefined();
    const calendarCalls = calls().filter((call) => call.endsWith('/calendars'));
    expect(calendarCalls.sort()).toEqual(Array.from({ length: total }, (_, index) => `GET ${EC}/connections/c${index}/calendars`).sort());
    for (const connection of result.data?.connections.connections ?? []) expect(connection.calendars).toEqual(calendarsOf(connection.id));
  });

  it('never has more than 8 calls in flight, and starts the next one as soon as one finishes', async () => {
    const started: Array<{ path: string; finish: () => void }> = [];
    let finished = 0;
    const http = {
      call: (_schema: unknown, request: WixRequest) =>
        new Promise((resolve) => {
          const finish = () => {
            finished += 1;
            resolve({ calendars: calendarsOf(request.path) });
          };
          started.push({ path: request.path, finish });
        }),
    } as unknown as WixHttpClient;
    const api = new ExternalCalendarsApi(http);
    const results = Promise.all(Array.from({ length: 20 }, (_, index) => api.listCalendars(`c${index}`)));
    const inFlight = () => started.length - finished;

    await nextTurn();
    expect(started).toHaveLength(8);
    started[0]?.finish();
    await nextTurn();
    expect([started.length, inFlight()]).toEqual([9, 8]);
    while (finished < started.length) {
      started[finished]?.finish();
      await nextTurn();
      expect(inFlight()).toBeLessThanOrEqual(8);
    }
    expect(await results).toHaveLength(20);
    expect(new Set(started.map((call) => call.path)).size).toBe(20);
  });

  it('asks once for a connection that appears several times in one operation', async () => {
    connections = [wixConnection('c1', 's1'), wixConnection('c2', 's1')];
    const result = await gateway.graphql(`{
      connections { connections { id calendars { id: calendarId } } }
      again: connections { connections { calendars { name } } }
      one: connection(id: "c1") { calendars { id: calendarId } }
    }`);
    expect(result.errors).toBeUndefined();
    expect(
      calls()
        .filter((call) => call.endsWith('/calendars'))
        .sort(),
    ).toEqual([`GET ${EC}/connections/c1/calendars`, `GET ${EC}/connections/c2/calendars`]);
  });

  it.each([
    ['the connection is not connected', applicationError(428, 'CONNECTION_NOT_CONNECTED')],
    ['the provider cannot list calendars', applicationError(428, 'NOT_SUPPORTED_BY_PROVIDER')],
    ['Wix no longer knows the connection', { status: 404, body: { message: 'Not Found' } }],
  ])('answers [] when %s, and the other connections still list theirs', async (_name, reply) => {
    connections = [wixConnection('c1', 's1'), wixConnection('c2', 's1', { status: 'DISCONNECTED' })];
    calendarReply = (request) => (request.path.includes('/c2/') ? reply : { body: { calendars: calendarsOf('c1') } });
    const result = await gateway.graphql('{ connections { connections { id calendars { id: calendarId } } } }');
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      connections: {
        connections: [
          { id: 'c1', calendars: [{ id: 'c1@example.com' }] },
          { id: 'c2', calendars: [] },
        ],
      },
    });
  });

  it('keeps other failures GraphQL errors with their code', async () => {
    connections = [wixConnection('c1', 's1')];
    calendarReply = () => ({ status: 503, body: {} });
    const result = await gateway.graphql('{ connections { connections { id calendars { id: calendarId } } } }');
    expect(codes(result)).toEqual(['UPSTREAM_UNAVAILABLE']);
  });
});
