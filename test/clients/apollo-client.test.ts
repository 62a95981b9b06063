import { createHash } from 'node:crypto';
import * as apollo4 from '@apollo/client';
import { GraphQLWsLink as GraphQLWsLink4 } from '@apollo/client/link/subscriptions';
import { PersistedQueryLink as PersistedQueryLink4 } from '@apollo/client/link/persisted-queries';
import * as apollo3 from 'apollo-client-3';
import { GraphQLWsLink as GraphQLWsLink3 } from 'apollo-client-3/link/subscriptions';
import { createPersistedQueryLink as createPersistedQueryLink3 } from 'apollo-client-3/link/persisted-queries';
import { relayStylePagination as relayStylePagination3 } from 'apollo-client-3/utilities';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApolloCache, gatewayCacheConfig } from '../../client/apollo-cache.js';
import { DEMO_CONNECTION_IDS, DEMO_SCHEDULE_IDS } from '../../src/emulator/index.js';
import { appForFile } from '../helpers/suite.js';
import { waitFor } from '../helpers/ws-client.js';
import { recordingFetch } from './recording-fetch.js';

/**
 * Apollo Client 3 and 4, configured as Apollo's documentation says (HttpLink, GraphQLWsLink over
 * graphql-ws, the persisted-queries link), with the gateway's ready cache (client/apollo-cache.ts).
 * Each case that `new InMemoryCache()` gets wrong is shown failing with it, then right with ours.
 */

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What the tests need of either major version, built from its own package. */
interface Flavour {
  name: string;
  /** A client over `link`, with our cache (or Apollo's default cache). */
  client(link: unknown, cache: 'gateway' | 'default'): AnyClient;
  http(uri: string, fetchImpl?: typeof fetch): unknown;
  ws(client: WsClient): unknown;
  persisted(): unknown;
  concat(first: unknown, second: unknown): unknown;
  gql(text: string): unknown;
}

interface Result {
  data?: unknown;
  error?: unknown;
  errors?: unknown;
}

interface Observed {
  subscribe(observer: { next: (value: Result) => void; error?: (error: unknown) => void }): { unsubscribe(): void };
}

interface Watched extends Observed {
  fetchMore(options: { variables: Record<string, unknown> }): Promise<unknown>;
  getCurrentResult(): Result;
}

interface AnyClient {
  query(options: { query: unknown; variables?: Record<string, unknown>; fetchPolicy?: string }): Promise<Result>;
  mutate(options: { mutation: unknown; variables?: Record<string, unknown> }): Promise<Result>;
  subscribe(options: { query: unknown; variables?: Record<string, unknown> }): Observed;
  watchQuery(options: { query: unknown; variables?: Record<string, unknown> }): Watched;
  readQuery(options: { query: unknown; variables?: Record<string, unknown> }): unknown;
  stop(): void;
}

const FLAVOURS: Flavour[] = [
  {
    name: 'Apollo Client 3',
    client: (link, cache) =>
      new apollo3.ApolloClient({
        link: link as apollo3.ApolloLink,
        cache:
          cache === 'gateway' // In an Apollo Client 3 project, client/apollo-cache.ts imports version 3 itself; here both are installed.
            ? new apollo3.InMemoryCache(gatewayCacheConfig(relayStylePagination3) as unknown as apollo3.InMemoryCacheConfig)
            : new apollo3.InMemoryCache(),
      }),
    http: (uri, fetchImpl) => new apollo3.HttpLink({ uri, ...(fetchImpl && { fetch: fetchImpl }) }),
    ws: (client) => new GraphQLWsLink3(client),
    persisted: () => createPersistedQueryLink3({ sha256 }),
    concat: (first, second) => (first as apollo3.ApolloLink).concat(second as apollo3.ApolloLink),
    gql: (text) => apollo3.gql(text),
  },
  {
    name: 'Apollo Client 4',
    client: (link, cache) =>
      new apollo4.ApolloClient({
        link: link as apollo4.ApolloLink,
        cache: cache === 'gateway' ? createApolloCache() : new apollo4.InMemoryCache(),
      }) as unknown as AnyClient,
    http: (uri, fetchImpl) => new apollo4.HttpLink({ uri, ...(fetchImpl && { fetch: fetchImpl }) }),
    ws: (client) => new GraphQLWsLink4(client),
    persisted: () => new PersistedQueryLink4({ sha256 }),
    concat: (first, second) => (first as apollo4.ApolloLink).concat(second as apollo4.ApolloLink),
    gql: (text) => apollo4.gql(text),
  },
];

const UNION_FRAGMENT = `
  query Import($id: ID!) {
    connection(id: $id) {
      id
      syncConfig { listEventFromCalendars { enabled source { ...S } } }
    }
  }
  fragment S on ImportSource { ... on CalendarSelection { calendars { id calendarId name } } }
`;

const INTERFACE_FRAGMENT = `
  subscription Updated($ids: [ID!]) { scheduleUpdated(scheduleIds: $ids) { ...E schedule { id name } } }
  fragment E on ScheduleEvent { eventId cursor }
`;

const SCHEDULE = `query Schedule($id: ID!) { schedule(id: $id) { id name revision } }`;
const RENAME = `mutation Rename($id: ID!, $revision: String!, $name: String!) {
  updateSchedule(schedule: { id: $id, revision: $revision, name: $name }) { schedule { id name revision } userErrors { code } }
}`;
const PAGE = `query Page($first: Int, $after: String) {
  schedules(first: $first, after: $after) { edges { cursor node { id name } } pageInfo { hasNextPage endCursor } }
}`;

interface UpdatedData {
  scheduleUpdated: { eventId: string; cursor?: string; schedule: { id: string; name: string } };
}
interface PageData {
  schedules: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/** The first result of a subscription, once the server has attached it; `act` then causes it. */
async function firstEvent(observed: Observed, act: () => Promise<void>, attached: () => boolean): Promise<Result> {
  let stop = () => {};
  const event = new Promise<Result>((resolve, reject) => {
    const subscription = observed.subscribe({ next: resolve, error: reject });
    stop = () => subscription.unsubscribe();
  });
  try {
    await waitFor(attached, 'the subscription to be attached');
    await act();
    return await event;
  } finally {
    stop();
  }
}

describe.each(FLAVOURS)('$name', (flavour) => {
  const app = appForFile();
  const sockets: WsClient[] = [];
  afterAll(async () => {
    for (const socket of sockets) await socket.dispose();
  });
  const httpClient = (cache: 'gateway' | 'default' = 'gateway') => flavour.client(flavour.http(`${app.gateway.url}/graphql`), cache);

  async function rename(client: AnyClient, id: string, name: string): Promise<void> {
    const read = await client.query({ query: flavour.gql(SCHEDULE), variables: { id }, fetchPolicy: 'network-only' });
    const revision = (read.data as { schedule: { revision: string } }).schedule.revision;
    const renamed = await client.mutate({ mutation: flavour.gql(RENAME), variables: { id, revision, name } });
    expect(renamed.errors ?? renamed.error).toBeUndefined();
  }

  it('keeps the fields of a fragment on a union (ImportSource) with our cache; the default cache drops them', async () => {
    const variables = { id: DEMO_CONNECTION_IDS.mayaGoogle };
    const ours = await httpClient().query({ query: flavour.gql(UNION_FRAGMENT), variables });
    const source = (ours.data as { connection: { syncConfig: { listEventFromCalendars: { source: Record<string, unknown> } } } }).connection
      .syncConfig.listEventFromCalendars.source;
    expect(source.__typename).toBe('CalendarSelection');
    expect(source.calendars).toEqual([
      expect.objectContaining({ id: expect.any(String), calendarId: expect.any(String), name: expect.any(String) }),
      expect.objectContaining({ name: 'Work' }),
    ]);
    const byDefault = await httpClient('default').query({ query: flavour.gql(UNION_FRAGMENT), variables });
    const lost = (
      byDefault.data as { connection: { syncConfig: { listEventFromCalendars: { source: Record<string, unknown> } } } } | undefined
    )?.connection.syncConfig.listEventFromCalendars.source;
    expect(lost?.calendars).toBeUndefined();
  });

  it('runs a mutation and updates the cached schedule', async () => {
    const client = httpClient();
    const id = DEMO_SCHEDULE_IDS.noahNutrition;
    await client.query({ query: flavour.gql(SCHEDULE), variables: { id } });
    await rename(client, id, `Noah — ${flavour.name}`);
    expect(client.readQuery({ query: flavour.gql(SCHEDULE), variables: { id } })).toMatchObject({
      schedule: { id, name: `Noah — ${flavour.name}` },
    });
  });

  it('subscribes over graphql-ws (GraphQLWsLink), keeping `cursor` from a fragment on the ScheduleEvent interface', async () => {
    const socket = createWsClient({ url: `${app.gateway.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    sockets.push(socket);
    const client = flavour.client(flavour.ws(socket), 'gateway');
    const id = DEMO_SCHEDULE_IDS.sofiaYogaCoaching;
    // Earlier tests' subscriptions are gone first: then the count tells when this one is attached.
    await waitFor(() => app.bus.listenerCount() === 0, 'earlier subscriptions to end');
    const before = 0;
    const event = await firstEvent(
      client.subscribe({ query: flavour.gql(INTERFACE_FRAGMENT), variables: { ids: [id] } }),
      () => rename(httpClient(), id, `Sofia — ${flavour.name} ws`),
      () => app.bus.listenerCount() > before,
    );
    const data = event.data as UpdatedData;
    expect(data.scheduleUpdated.schedule).toEqual({ __typename: 'Schedule', id, name: `Sofia — ${flavour.name} ws` });
    expect(data.scheduleUpdated.cursor).toEqual(expect.any(String));
    expect(data.scheduleUpdated.eventId).toEqual(expect.any(String));
  });

  it('subscribes over HTTP with HttpLink alone (multipart), cursor and all', async () => {
    const client = httpClient();
    const id = DEMO_SCHEDULE_IDS.liamPhysiotherapy;
    // Earlier tests' subscriptions are gone first: then the count tells when this one is attached.
    await waitFor(() => app.bus.listenerCount() === 0, 'earlier subscriptions to end');
    const before = 0;
    const event = await firstEvent(
      client.subscribe({ query: flavour.gql(INTERFACE_FRAGMENT), variables: { ids: [id] } }),
      () => rename(httpClient(), id, `Liam — ${flavour.name} http`),
      () => app.bus.listenerCount() > before,
    );
    const data = event.data as UpdatedData;
    expect(data.scheduleUpdated.schedule.name).toBe(`Liam — ${flavour.name} http`);
    expect(data.scheduleUpdated.cursor).toEqual(expect.any(String));
  });

  it('appends pages with fetchMore (relayStylePagination)', async () => {
    const observable = httpClient().watchQuery({ query: flavour.gql(PAGE), variables: { first: 2 } });
    const watching = observable.subscribe({ next: () => {}, error: () => {} });
    try {
      const edges = () => (observable.getCurrentResult().data as PageData | undefined)?.schedules.edges ?? [];
      await waitFor(() => edges().length === 2, 'the first page');
      const { endCursor } = (observable.getCurrentResult().data as PageData).schedules.pageInfo;
      await observable.fetchMore({ variables: { after: endCursor } });
      await waitFor(() => edges().length === 4, 'the second page appended');
      expect(new Set(edges().map((edge) => edge.node.id)).size).toBe(4);
    } finally {
      watching.unsubscribe();
    }
  });

  it('sends persisted queries (APQ): the hash alone once the gateway knows it', async () => {
    const recorder = recordingFetch();
    const link = flavour.concat(flavour.persisted(), flavour.http(`${app.gateway.url}/graphql`, recorder.fetch));
    const query = `query Apq${flavour.name.replace(/\W/g, '')}($id: ID!) { schedule(id: $id) { id name } }`;
    for (let round = 0; round < 2; round += 1) {
      const client = flavour.client(link, 'gateway');
      const result = await client.query({ query: flavour.gql(query), variables: { id: DEMO_SCHEDULE_IDS.business } });
      expect(result.errors ?? result.error).toBeUndefined();
      expect((result.data as { schedule: { id: string } }).schedule.id).toBe(DEMO_SCHEDULE_IDS.business);
    }
    const bodies = recorder.bodies.map(
      (body) => JSON.parse(body) as { query?: string; extensions?: { persistedQuery?: { sha256Hash: string } } },
    );
    // The hash alone (not known yet), the query with its hash, then the hash alone (known).
    expect(bodies.map((body) => [body.query === undefined, body.extensions?.persistedQuery?.sha256Hash !== undefined])).toEqual([
      [true, true],
      [false, true],
      [true, true],
    ]);
  });
});
