import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CONNECTION_IDS, DEMO_SCHEDULE_IDS } from '../src/emulator/index.js';
import { startTestApp } from './helpers/app.js';

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
  ['one schedule, and a missing one', `query($id: ID!) { schedule(id: $id) { ${SCHEDULE_FIELDS} } missing: schedule(id: "nope") { id } }`, { id: DEMO_SCHEDULE_IDS.business }],
  ['a missing connection', '{ connection(id: "nope") { id } }'],
  ['providers', '{ providers { id name calendarType features { connectMethods updateSyncConfig listEventFromCalendars syncToCalendar } } }'],
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

async function run(app: typeof plain, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${app.gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  // Timestamps of writes differ between the two emulators; everything else must be identical.
  return { status: response.status, body: (await response.text()).replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, '<time>') };
}

describe('EXECUTOR=jit answers exactly as graphql-js', () => {
  it.each(operations)('%s', async (_name, query, variables) => {
    const [expected, actual] = [await run(plain, query, variables), await run(jit, query, variables)];
    expect(actual).toEqual(expected);
  });
});
