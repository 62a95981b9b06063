import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CALENDAR_PASSWORD, DEMO_SCHEDULE_IDS, PROVIDER_IDS } from '../../src/emulator/index.js';
import { startTestApp } from '../helpers/app.js';
import { codes } from '../helpers/api.js';

/** Every operation against the embedded emulator, as in Sandbox offline. */

let app: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  // One attempt per call and a circuit that never opens: the provider-outage test must not slow or break the others.
  // Pages of 1,000 events cost more than the default LIMIT_COST (the page size multiplies the cost).
  app = await startTestApp({ WIX_MAX_ATTEMPTS: '1', WIX_BREAKER_MIN_CALLS: '100000', LIMIT_COST: '50000' });
});
afterAll(async () => {
  await app.close();
});

const emulator = () => {
  if (!app.emulator) throw new Error('the test app runs without the emulator');
  return app.emulator;
};
const tenant = () => emulator().store.defaultTenant;
const upstreamCalls = () => emulator().calls.filter((call) => !call.path.startsWith('/_emulator'));

interface Page<T> {
  edges: Array<{ node: T; cursor: string }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Follows endCursor to the end; returns every node in order and how many pages it took. */
async function walk<T>(field: string, query: string, variables: Record<string, unknown>) {
  const nodes: T[] = [];
  let after: string | null = null;
  let pages = 0;
  do {
    const result = await app.graphql<Record<string, Page<T>>>(query, { ...variables, after });
    expect(result.errors).toBeUndefined();
    const page = result.data?.[field] as Page<T>;
    nodes.push(...page.edges.map((edge) => edge.node));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    pages += 1;
  } while (after);
  return { nodes, pages };
}

describe('schedules, page by page over the emulator', () => {
  const LIST = `query($first: Int, $after: String, $filter: ScheduleFilter) {
    schedules(first: $first, after: $after, filter: $filter) { edges { node { id status } cursor } pageInfo { hasNextPage endCursor } }
  }`;

  it('returns every schedule exactly once, in Wix’s order', async () => {
    const { nodes, pages } = await walk<{ id: string }>('schedules', LIST, {
      first: 2,
      filter: { statuses: ['ACTIVE', 'CANCELLED', 'UNKNOWN_STATUS'] },
    });
    expect(nodes.map((node) => node.id)).toEqual([...tenant().schedules.keys()]);
    expect(pages).toBe(Math.ceil(tenant().schedules.size / 2));
  });

  it('lists only ACTIVE schedules without statuses', async () => {
    const { nodes } = await walk<{ id: string; status: string }>('schedules', LIST, { first: 3 });
    const active = [...tenant().schedules.values()].filter((schedule) => schedule.status === 'ACTIVE').map((schedule) => schedule.id);
    expect(nodes.map((node) => node.id)).toEqual(active);
    expect(new Set(nodes.map((node) => node.status))).toEqual(new Set(['ACTIVE']));
  });

  it('resumes after an edge in the middle of a page', async () => {
    const first = await app.graphql<{ schedules: Page<{ id: string }> }>(LIST, { first: 4 });
    const resumed = await app.graphql<{ schedules: Page<{ id: string }> }>(LIST, {
      first: 2,
      after: first.data?.schedules.edges[1]?.cursor,
    });
    expect(resumed.data?.schedules.edges.map((edge) => edge.node.id)).toEqual(
      first.data?.schedules.edges.slice(2).map((edge) => edge.node.id),
    );
  });

  it('refuses an invalid page size with BAD_USER_INPUT before calling Wix', async () => {
    emulator().clearCalls();
    for (const first of [0, 101, -3]) expect(codes(await app.graphql(LIST, { first }))).toEqual(['BAD_USER_INPUT']);
    expect(upstreamCalls()).toEqual([]);
  });
});

describe('externalEvents, page by page over the emulator', () => {
  const DAY_MS = 86_400_000;
  const EVENTS = `query($first: Int, $after: String, $filter: ExternalEventsFilter!) {
    externalEvents(first: $first, after: $after, filter: $filter) {
      edges { node { scheduleId calendarType title start end allDay } cursor } pageInfo { hasNextPage endCursor } failedProviderIds
    }
  }`;
  // Three weeks from today: within the demo calendars' window, and under 1000 events.
  const now = Date.now();
  const filter = { from: new Date(now).toISOString(), to: new Date(now + 21 * DAY_MS).toISOString(), includePersonalData: true };
  type Event = { scheduleId: string; calendarType: string; title: string; start: string; end: string };
  const key = (event: Event) => JSON.stringify(event);

  it('returns every event exactly once, whatever the page size', async () => {
    const whole = await app.graphql<{ externalEvents: Page<Event> }>(EVENTS, { first: 1_000, filter });
    expect(whole.errors).toBeUndefined();
    expect(whole.data?.externalEvents.pageInfo.hasNextPage).toBe(false);
    const all = whole.data?.externalEvents.edges.map((edge) => key(edge.node)) ?? [];
    expect(all.length).toBeGreaterThan(100);
    const { nodes, pages } = await walk<Event>('externalEvents', EVENTS, { first: 37, filter });
    expect(nodes.map(key)).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 37));
    const starts = nodes.map((node) => node.start);
    expect(starts).toEqual([...starts].sort());
  });

  it('resumes after an edge in the middle of a following page', async () => {
    const first = await app.graphql<{ externalEvents: Page<Event> }>(EVENTS, { first: 10, filter });
    const second = await app.graphql<{ externalEvents: Page<Event> }>(EVENTS, {
      first: 10,
      filter,
      after: first.data?.externalEvents.pageInfo.endCursor,
    });
    const resumed = await app.graphql<{ externalEvents: Page<Event> }>(EVENTS, {
      first: 5,
      filter,
      after: second.data?.externalEvents.edges[4]?.cursor,
    });
    expect(resumed.data?.externalEvents.edges.map((edge) => key(edge.node))).toEqual(
      second.data?.externalEvents.edges.slice(5).map((edge) => key(edge.node)),
    );
  });

  it('leaves personal data out unless asked for', async () => {
    const result = await app.graphql<{ externalEvents: Page<Event> }>(EVENTS, {
      first: 5,
      filter: { ...filter, includePersonalData: false },
    });
    expect(result.data?.externalEvents.edges.map((edge) => edge.node.title)).toEqual([null, null, null, null, null]);
  });

  it('refuses an invalid page size with BAD_USER_INPUT before calling Wix', async () => {
    emulator().clearCalls();
    for (const first of [0, 1_001]) expect(codes(await app.graphql(EVENTS, { first, filter }))).toEqual(['BAD_USER_INPUT']);
    expect(upstreamCalls()).toEqual([]);
  });

  describe('with a provider down', () => {
    beforeEach(() => emulator().faults.failProvider(PROVIDER_IDS.apple));
    afterEach(() => emulator().faults.restoreProvider(PROVIDER_IDS.apple));

    it('lists the failed provider with partialFailure, and fails the whole call without', async () => {
      const partial = await app.graphql<{ externalEvents: Page<Event> & { failedProviderIds: string[] } }>(EVENTS, {
        first: 50,
        filter: { ...filter, partialFailure: true },
      });
      expect(partial.data?.externalEvents.failedProviderIds).toEqual([PROVIDER_IDS.apple]);
      expect(partial.data?.externalEvents.edges.some((edge) => edge.node.calendarType === 'I_CAL')).toBe(false);
      const whole = await app.graphql(EVENTS, { first: 50, filter });
      expect(codes(whole)).toEqual(['UPSTREAM_UNAVAILABLE']);
    });
  });
});

describe('connect → configure → list events → disconnect', () => {
  const liam = DEMO_SCHEDULE_IDS.liamPhysiotherapy;

  it('runs the whole life of a credentials connection', async () => {
    const connected = await app.graphql<{ connectByCredentials: { connection: { id: string } } }>(
      `mutation($schedule: ID!, $provider: ID!, $password: String!) {
        connectByCredentials(providerId: $provider, scheduleId: $schedule, email: "liam.park@icloud.com", password: $password) {
          connection { id status calendarType scheduleId externalAccountEmail provider { name features { connectMethods } } }
          userErrors { code message field }
        }
      }`,
      { schedule: liam, provider: PROVIDER_IDS.apple, password: DEMO_CALENDAR_PASSWORD },
    );
    expect(connected.data).toMatchObject({
      connectByCredentials: {
        connection: {
          status: 'CONNECTED',
          calendarType: 'I_CAL',
          scheduleId: liam,
          externalAccountEmail: 'liam.park@icloud.com',
          provider: { name: 'Apple', features: { connectMethods: ['CREDENTIALS'] } },
        },
        userErrors: [],
      },
    });
    const id = connected.data?.connectByCredentials.connection.id ?? '';

    const listed = await app.graphql<{ connections: { connections: Array<{ id: string }> } }>(
      'query($s: [ID!]) { connections(scheduleIds: $s) { connections { id } } }',
      { s: [liam] },
    );
    expect(listed.data?.connections.connections.map((connection) => connection.id)).toContain(id);

    const configured = await app.graphql(
      `mutation($id: ID!) { updateSyncConfig(connectionId: $id, syncConfig: {
        listEventFromCalendars: { enabled: true, source: { primaryCalendar: true } }
        syncToCalendar: { enabled: true, target: { primaryCalendar: true } }
      }) { connection { syncConfig { syncToCalendar { enabled } } } userErrors { code } } }`,
      { id },
    );
    expect(configured.data).toEqual({
      updateSyncConfig: { connection: { syncConfig: { syncToCalendar: { enabled: true } } }, userErrors: [] },
    });

    const now = Date.now();
    const events = await app.graphql<{ externalEvents: Page<{ calendarType: string; scheduleId: string }> }>(
      'query($f: ExternalEventsFilter!, $first: Int) { externalEvents(filter: $f, first: $first) { edges { node { calendarType scheduleId } } } }',
      { first: 1_000, f: { from: new Date(now).toISOString(), to: new Date(now + 14 * 86_400_000).toISOString(), scheduleIds: [liam] } },
    );
    expect(events.errors).toBeUndefined();
    const nodes = events.data?.externalEvents.edges.map((edge) => edge.node) ?? [];
    expect(nodes.some((node) => node.calendarType === 'I_CAL')).toBe(true);
    expect(new Set(nodes.map((node) => node.scheduleId))).toEqual(new Set([liam]));

    const DISCONNECT =
      'mutation($id: ID!) { disconnectConnection(connectionId: $id) { connection { id status calendars { id } } userErrors { code } } }';
    const disconnected = await app.graphql(DISCONNECT, { id });
    expect(disconnected.data).toEqual({
      disconnectConnection: { connection: { id, status: 'DISCONNECTED', calendars: [] }, userErrors: [] },
    });
    const again = await app.graphql(DISCONNECT, { id });
    expect(again.data).toEqual({ disconnectConnection: { connection: null, userErrors: [{ code: 'CONNECTION_ALREADY_DISCONNECTED' }] } });
  });

  it('connects by OAuth: opening the oauthUrl creates the connection and redirects with its id', async () => {
    const started = await app.graphql<{ connectByOAuth: { oauthUrl: string } }>(
      `mutation($provider: ID!, $schedule: ID!) { connectByOAuth(providerId: $provider, scheduleId: $schedule, redirectUrl: "https://app.example.com/calendar/connected") {
        oauthUrl userErrors { code }
      } }`,
      { provider: PROVIDER_IDS.google, schedule: DEMO_SCHEDULE_IDS.sofiaYogaCoaching },
    );
    const oauthUrl = started.data?.connectByOAuth.oauthUrl ?? '';
    expect(oauthUrl.startsWith(emulator().url)).toBe(true);
    const consent = await fetch(oauthUrl, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const redirect = new URL(consent.headers.get('location') ?? '');
    expect(`${redirect.origin}${redirect.pathname}`).toBe('https://app.example.com/calendar/connected');
    const connectionId = redirect.searchParams.get('connectionId');
    const read = await app.graphql<{ connection: { calendars: Array<{ name: string }> } }>(
      'query($id: ID!) { connection(id: $id) { id calendarType scheduleId provider { name } calendars { name } } }',
      { id: connectionId },
    );
    expect(read.data?.connection).toMatchObject({
      id: connectionId,
      calendarType: 'GOOGLE',
      scheduleId: DEMO_SCHEDULE_IDS.sofiaYogaCoaching,
      provider: { name: 'Google' },
    });
    expect(read.data?.connection.calendars.map((calendar) => calendar.name)).toContain('Birthdays');
  });

  it('reports Wix’s connect refusals as user errors', async () => {
    const CONNECT = `mutation($provider: ID!, $password: String!) {
      connectByCredentials(providerId: $provider, scheduleId: "${liam}", email: "liam@icloud.com", password: $password) { connection { id } userErrors { code } }
    }`;
    const wrongPassword = await app.graphql(CONNECT, { provider: PROVIDER_IDS.apple, password: 'guess' });
    expect(wrongPassword.data).toEqual({ connectByCredentials: { connection: null, userErrors: [{ code: 'BAD_CREDENTIALS' }] } });
    const oauthOnly = await app.graphql(CONNECT, { provider: PROVIDER_IDS.google, password: DEMO_CALENDAR_PASSWORD });
    expect(oauthOnly.data).toEqual({ connectByCredentials: { connection: null, userErrors: [{ code: 'NOT_SUPPORTED_BY_PROVIDER' }] } });
    tenant().premiumEnabled = false;
    try {
      const noPremium = await app.graphql(CONNECT, { provider: PROVIDER_IDS.apple, password: DEMO_CALENDAR_PASSWORD });
      expect(noPremium.data).toEqual({ connectByCredentials: { connection: null, userErrors: [{ code: 'PREMIUM_FEATURE_NOT_ENABLED' }] } });
    } finally {
      tenant().premiumEnabled = true;
    }
    const byOAuth = await app.graphql(
      `mutation { connectByOAuth(providerId: "${PROVIDER_IDS.apple}", scheduleId: "${liam}", redirectUrl: "https://app.example.com/x") { oauthUrl userErrors { code } } }`,
    );
    expect(byOAuth.data).toEqual({ connectByOAuth: { oauthUrl: null, userErrors: [{ code: 'NOT_SUPPORTED_BY_PROVIDER' }] } });
  });
});

describe('schedules: create, read with personal data, cancel', () => {
  const CREATE = `mutation($s: CreateScheduleInput!, $key: String) { createSchedule(schedule: $s, idempotencyKey: $key) {
    schedule { id name status revision timeZone defaultCapacity } userErrors { code message field }
  } }`;
  const CANCEL = 'mutation($id: ID!) { cancelSchedule(id: $id) { schedule { id status } userErrors { code } } }';

  it('creates once per idempotency key, lists it, cancels it once, and then refuses to change it', async () => {
    const input = { name: 'Pop-up boxing', timeZone: 'Europe/Berlin', businessTimeZoneEnabled: false, defaultCapacity: 8 };
    const created = await app.graphql<{ createSchedule: { schedule: { id: string } } }>(CREATE, {
      s: input,
      key: '9d3f6a2c-4b1e-4f7a-8c2d-5e6f7a8b9c0d',
    });
    expect(created.data?.createSchedule).toMatchObject({
      schedule: { name: 'Pop-up boxing', status: 'ACTIVE', revision: '1', timeZone: 'Europe/Berlin', defaultCapacity: 8 },
      userErrors: [],
    });
    const id = created.data?.createSchedule.schedule.id ?? '';
    const repeated = await app.graphql(CREATE, { s: input, key: '9d3f6a2c-4b1e-4f7a-8c2d-5e6f7a8b9c0d' });
    expect(repeated.data).toMatchObject({ createSchedule: { schedule: { id } } });

    const listed = await app.graphql('query($ids: [ID!]) { schedules(filter: { ids: $ids }) { edges { node { id name } } } }', {
      ids: [id],
    });
    expect(listed.data).toEqual({ schedules: { edges: [{ node: { id, name: 'Pop-up boxing' } }] } });

    expect((await app.graphql(CANCEL, { id })).data).toEqual({ cancelSchedule: { schedule: { id, status: 'CANCELLED' }, userErrors: [] } });
    expect((await app.graphql(CANCEL, { id })).data).toEqual({
      cancelSchedule: { schedule: null, userErrors: [{ code: 'SCHEDULE_CANCELLED' }] },
    });
    const update = await app.graphql(
      'mutation($id: ID!) { updateSchedule(schedule: { id: $id, revision: "2", name: "Back" }) { schedule { id } userErrors { code } } }',
      { id },
    );
    expect(update.data).toEqual({ updateSchedule: { schedule: null, userErrors: [{ code: 'SCHEDULE_CANCELLED' }] } });
    const cancelledOnly = await app.graphql('query($ids: [ID!]) { schedules(filter: { ids: $ids }) { edges { node { id } } } }', {
      ids: [id],
    });
    expect(cancelledOnly.data).toEqual({ schedules: { edges: [] } });
  });

  it('reports a stale revision as a user error', async () => {
    const result = await app.graphql(
      `mutation { updateSchedule(schedule: { id: "${DEMO_SCHEDULE_IDS.groupYogaFlow}", revision: "1", name: "Old" }) { schedule { id } userErrors { code } } }`,
    );
    expect(result.data).toEqual({ updateSchedule: { schedule: null, userErrors: [{ code: 'SCHEDULE_REVISION_MISMATCH' }] } });
  });

  it('shows defaultConferencingDetails only with includePersonalData, on schedule and schedules', async () => {
    const id = DEMO_SCHEDULE_IDS.liamPhysiotherapy;
    const result = await app.graphql(
      `query($id: ID!, $ids: [ID!]) {
      plain: schedule(id: $id) { defaultConferencingDetails { type } }
      personal: schedule(id: $id, includePersonalData: true) { defaultConferencingDetails { type guestUrl } }
      list: schedules(filter: { ids: $ids }, includePersonalData: true) { edges { node { defaultConferencingDetails { type } } } }
    }`,
      { id, ids: [id] },
    );
    expect(result.data).toEqual({
      plain: { defaultConferencingDetails: null },
      personal: { defaultConferencingDetails: { type: 'ZOOM', guestUrl: 'https://us02web.zoom.us/j/81234567890' } },
      list: { edges: [{ node: { defaultConferencingDetails: { type: 'ZOOM' } } }] },
    });
  });
});
