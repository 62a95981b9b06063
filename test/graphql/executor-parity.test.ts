import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CONNECTION_IDS, DEMO_SCHEDULE_IDS } from '../../src/emulator/index.js';
import { startTestApp } from '../helpers/app.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { wixConnection, wixSchedule } from '../helpers/fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/** The same operations through graphql-js and through graphql-jit (EXECUTOR=jit), each over a fresh emulator. */
let plain: Awaited<ReturnType<typeof startTestApp>>;
let jit: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  [plain, jit] = await Promise.all([startTestApp({ EXECUTOR: 'graphql-js' }), startTestApp({ EXECUTOR: 'jit' })]);
});
afterAll(async () => {
  await Promise.all([plain.close(), jit.close()]);
});

const SCHEDULE_FIELDS = `id externalId name status timeZone businessTimeZoneEnabled defaultTitle defaultCapacity appId revision createdDate
  defaultLocation { id type name address } permissions { role identity { wixUserId } } extendedFields`;

const operations: Array<[string, string, Record<string, unknown>?]> = [
  [
    'connections with schedules and unions',
    `{ connections { failedProviderIds connections { id providerId calendarType scheduleId userId appId externalAccountEmail status errorReason
      syncConfig { listEventFromCalendars { enabled source { __typename ... on PrimaryCalendar { primaryCalendar } ... on CalendarSelection { calendars { id name enabled } } } }
                   syncToCalendar { enabled target { __typename ... on PrimaryCalendar { primaryCalendar } ... on DedicatedCalendar { dedicatedCalendar } } } }
      schedule { ${SCHEDULE_FIELDS} } } } }`,
  ],
  [
    'one schedule, and a missing one',
    `query($id: ID!) { schedule(id: $id) { ${SCHEDULE_FIELDS} } missing: schedule(id: "nope") { id } }`,
    { id: DEMO_SCHEDULE_IDS.business },
  ],
  ['a missing connection', '{ connection(id: "nope") { id } }'],
  [
    'providers',
    '{ providers { id name calendarType features { connectMethods updateSyncConfig listEventFromCalendars syncToCalendar } } }',
  ],
  ['a page of schedules', '{ schedules(first: 3) { edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }'],
  ['a bad page size', '{ schedules(first: 0) { edges { cursor } } }'],
  [
    'a refused sync config',
    'mutation($id: ID!) { updateSyncConfig(connectionId: $id, syncConfig: { syncToCalendar: { enabled: true, target: { primaryCalendar: true } } }) { connection { id } userErrors { code message field } } }',
    { id: DEMO_CONNECTION_IDS.liamMicrosoft },
  ],
  [
    'an invalid sync config',
    'mutation { updateSyncConfig(connectionId: "x", syncConfig: { listEventFromCalendars: { enabled: true, source: { calendars: [] } } }) { connection { id } userErrors { code message field } } }',
  ],
  [
    'a schedule update',
    'mutation($s: UpdateScheduleInput!) { updateSchedule(schedule: $s) { schedule { id name revision } userErrors { code field } } }',
    { s: { id: DEMO_SCHEDULE_IDS.noahNutrition, revision: '4', name: 'Noah — Nutrition' } },
  ],
  ['introspection', getIntrospectionQuery({ oneOf: true, specifiedByUrl: true })],
  ['__typename and aliases', '{ a: __typename b: connections { n: failedProviderIds } }'],
];

const SYNC_CONFIG =
  'mutation($id: ID!, $s: SyncConfigInput!) { updateSyncConfig(connectionId: $id, syncConfig: $s) { connection { id } userErrors { code message field } } }';
const EVENTS =
  'query($f: ExternalEventsFilter!, $n: Int) { externalEvents(filter: $f, first: $n) { edges { node { start } } pageInfo { hasNextPage } } }';
const WINDOW = { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' };

/** Variables graphql-js refuses while coercing them: BAD_USER_INPUT with the variable's location, before any resolver runs. */
const refusedVariables: Array<[string, string, Record<string, unknown>]> = [
  ['a missing required variable', 'query($id: ID!) { connection(id: $id) { id } }', {}],
  ['null for a required variable', 'query($id: ID!) { connection(id: $id) { id } }', { id: null }],
  ['an object for an ID', 'query($id: ID!) { connection(id: $id) { id } }', { id: { a: 1 } }],
  ['null in a list of non-null IDs', 'query($ids: [ID!]) { connections(scheduleIds: $ids) { failedProviderIds } }', { ids: ['a', null] }],
  [
    'two members of a @oneOf input',
    SYNC_CONFIG,
    {
      id: DEMO_CONNECTION_IDS.liamMicrosoft,
      s: { syncToCalendar: { enabled: true, target: { primaryCalendar: true, dedicatedCalendar: true } } },
    },
  ],
  [
    'no member of a @oneOf input',
    SYNC_CONFIG,
    { id: DEMO_CONNECTION_IDS.liamMicrosoft, s: { syncToCalendar: { enabled: true, target: {} } } },
  ],
  [
    'a null member of a @oneOf input',
    SYNC_CONFIG,
    { id: DEMO_CONNECTION_IDS.liamMicrosoft, s: { syncToCalendar: { enabled: true, target: { primaryCalendar: null } } } },
  ],
  ['an unknown input field', SYNC_CONFIG, { id: DEMO_CONNECTION_IDS.liamMicrosoft, s: { bogus: 1 } }],
  [
    'a missing required input field',
    SYNC_CONFIG,
    { id: DEMO_CONNECTION_IDS.liamMicrosoft, s: { syncToCalendar: { target: { dedicatedCalendar: true } } } },
  ],
  ['a DateTime without an offset', EVENTS, { f: { ...WINDOW, from: '2026-01-01T00:00:00' } }],
  ['an Int beyond 32 bits', EVENTS, { f: WINDOW, n: 2 ** 40 }],
  ['a string for an Int', EVENTS, { f: WINDOW, n: '5' }],
  ['a missing variable of @skip', 'query($s: Boolean!) { connections { failedProviderIds @skip(if: $s) } }', {}],
];

/** Variables both accept, coerced the same way (defaults, a single value as a list, a DateTime with an offset). */
const acceptedVariables: Array<[string, string, Record<string, unknown>]> = [
  ['a default value', 'query($n: Int = 2) { schedules(first: $n) { edges { node { id } } } }', {}],
  [
    'a single ID for a list',
    'query($ids: [ID!]) { connections(scheduleIds: $ids) { connections { id } } }',
    { ids: DEMO_SCHEDULE_IDS.business },
  ],
  ['a DateTime with an offset', EVENTS, { f: { ...WINDOW, from: '2026-01-01T02:00:00+02:00' }, n: 5 }],
  [
    '@skip and @include',
    'query($s: Boolean!) { connections { failedProviderIds @skip(if: $s) connections @include(if: $s) { id } } }',
    { s: true },
  ],
];

async function run(app: typeof plain, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${app.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  // Timestamps of writes differ between the two emulators; everything else must be identical.
  return { status: response.status, body: (await response.text()).replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, '<time>') };
}

describe('EXECUTOR=jit answers exactly as graphql-js', () => {
  it.each(operations)('%s', async (_name, query, variables) => {
    const [expected, actual] = [await run(plain, query, variables), await run(jit, query, variables)];
    expect(actual).toEqual(expected);
  });

  it.each(refusedVariables)('refuses %s as BAD_USER_INPUT', async (_name, query, variables) => {
    const [expected, actual] = [await run(plain, query, variables), await run(jit, query, variables)];
    expect(JSON.parse(expected.body)).toMatchObject({
      errors: [{ extensions: { code: 'BAD_USER_INPUT' }, locations: [expect.anything()] }],
    });
    expect(actual).toEqual(expected);
  });

  it.each(acceptedVariables)('accepts %s', async (_name, query, variables) => {
    const [expected, actual] = [await run(plain, query, variables), await run(jit, query, variables)];
    expect(JSON.parse(expected.body)).not.toHaveProperty('errors');
    expect(actual).toEqual(expected);
  });

  it('fails a subscription sent over HTTP in the same way', async () => {
    const query = 'subscription { scheduleUpdated { eventId } }';
    expect(await run(jit, query)).toEqual(await run(plain, query));
  });
});

describe('EXECUTOR=jit reports field errors as graphql-js does', () => {
  let upstream: FakeUpstream;
  let gateways: TestGateway[];
  const NO_RETRIES = { maxAttempts: 1, breakerMinCalls: 1_000_000 };

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    gateways = await Promise.all(
      (['graphql-js', 'jit'] as const).map((executor) => startTestGateway({ upstreamUrl: upstream.url, executor, resilience: NO_RETRIES })),
    );
  });
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await upstream.close();
  });

  const both = (query: string) => Promise.all(gateways.map((gateway) => gateway.graphql(query)));

  it('masks a value a scalar cannot serialise, keeping its path and location', async () => {
    upstream.handle(() => ({ body: { schedule: wixSchedule('s1', { createdDate: 'yesterday', defaultCapacity: 2 ** 40 }) } }));
    const [expected, actual] = await both('{ schedule(id: "s1") { id createdDate defaultCapacity } }');
    expect(expected).toMatchObject({
      data: { schedule: { id: 's1', createdDate: null, defaultCapacity: null } },
      errors: [
        { message: 'Internal server error.', path: ['schedule', 'createdDate'], locations: [{ line: 1, column: 27 }] },
        { message: 'Internal server error.', path: ['schedule', 'defaultCapacity'], locations: [{ line: 1, column: 39 }] },
      ],
    });
    expect(actual).toEqual(expected);
  });

  it('nulls the nearest nullable parent and keeps the gateway error as it is', async () => {
    upstream.handle((request) =>
      request.path.endsWith('/connections')
        ? { body: { connections: [wixConnection('c1', 's1'), wixConnection('c2', 's2')] } }
        : { body: { schedules: [wixSchedule('s1'), { ...wixSchedule('s2'), createdDate: 'bad' }] } },
    );
    const [expected, actual] = await both(
      '{ connections { connections { id schedule { id createdDate } } } a: connection(id: "x") { id } }',
    );
    expect(actual).toEqual(expected);
  });
});
