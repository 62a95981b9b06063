import { Client, type OperationResult, cacheExchange, fetchExchange, gql, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INSTANCE_ID, DEMO_SCHEDULE_IDS } from '../../src/emulator/index.js';
import { appForFile } from '../helpers/suite.js';
import { waitFor } from '../helpers/ws-client.js';
import { RENAME_MUTATION, SCHEDULE_QUERY, type RenameData, type ScheduleData } from './documents.js';
import { recordingFetch } from './recording-fetch.js';

/**
 * urql (`@urql/core`) configured as its documentation says, with its defaults: queries go as GET
 * (`preferGetMethod: 'within-url-limit'`, no Content-Type), mutations as POST, subscriptions
 * through `subscriptionExchange` over graphql-ws (with `ws` as its WebSocket on Node 20, as
 * graphql-ws's documentation says).
 */

const SECRET = 'a-caller-secret-of-at-least-32-characters';

const SCHEDULE = gql(SCHEDULE_QUERY);

const RENAME = gql(RENAME_MUTATION);

const UPDATED = gql`
  subscription Updated($ids: [ID!]) {
    scheduleUpdated(scheduleIds: $ids) {
      cursor
      schedule {
        id
        name
      }
    }
  }
`;

interface UpdatedData {
  scheduleUpdated: { cursor: string; schedule: { id: string; name: string } };
}

describe('urql with its defaults, on an open gateway', () => {
  const app = appForFile();

  it('sends a query as GET with no Content-Type, and gets its data', async () => {
    const recorder = recordingFetch();
    const client = new Client({ url: `${app.gateway.url}/graphql`, exchanges: [cacheExchange, fetchExchange], fetch: recorder.fetch });
    const result = await client.query<ScheduleData>(SCHEDULE, { id: DEMO_SCHEDULE_IDS.business }).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data?.schedule.id).toBe(DEMO_SCHEDULE_IDS.business);
    expect(recorder.sent).toEqual([{ method: 'GET', contentType: null }]);
  });

  it('runs a mutation (POST), and a subscription over graphql-ws sees the change', async () => {
    const wsClient = createWsClient({
      url: `${app.gateway.url.replace('http', 'ws')}/graphql`,
      retryAttempts: 0,
      webSocketImpl: WebSocket,
    });
    const recorder = recordingFetch();
    // subscriptionExchange as urql's documentation wires it to graphql-ws.
    const client = new Client({
      url: `${app.gateway.url}/graphql`,
      fetch: recorder.fetch,
      exchanges: [
        cacheExchange,
        fetchExchange,
        subscriptionExchange({
          forwardSubscription(request) {
            const input = { ...request, query: request.query || '' };
            return {
              subscribe(sink) {
                const unsubscribe = wsClient.subscribe(input, sink);
                return { unsubscribe };
              },
            };
          },
        }),
      ],
    });
    try {
      const id = DEMO_SCHEDULE_IDS.mayaPersonalTraining;
      const read = await client.query<ScheduleData>(SCHEDULE, { id }).toPromise();
      expect(read.error).toBeUndefined();
      const revision = read.data?.schedule.revision ?? '';

      const listenersBefore = app.bus.listenerCount();
      let stop = () => {};
      const event = new Promise<OperationResult<UpdatedData>>((resolve) => {
        const subscription = client.subscription<UpdatedData>(UPDATED, { ids: [id] }).subscribe(resolve);
        stop = () => subscription.unsubscribe();
      });
      // A subscription sees the changes made after the server attached it.
      await waitFor(() => app.bus.listenerCount() > listenersBefore, 'the subscription to be attached');

      const renamed = await client.mutation<RenameData>(RENAME, { id, revision, name: 'Maya — urql' }).toPromise();
      expect(renamed.error).toBeUndefined();
      expect(renamed.data?.updateSchedule.userErrors).toEqual([]);
      expect(renamed.data?.updateSchedule.schedule?.name).toBe('Maya — urql');

      const live = await event;
      stop();
      expect(live.error).toBeUndefined();
      expect(live.data?.scheduleUpdated.schedule).toEqual({ id, name: 'Maya — urql' });
      expect(live.data?.scheduleUpdated.cursor).toEqual(expect.any(String));
      expect(recorder.sent.map((request) => request.method)).toEqual(['GET', 'POST']);
    } finally {
      await wsClient.dispose();
    }
  });
});

describe('urql with a bearer token, as its documentation adds one (fetchOptions)', () => {
  const app = appForFile({ AUTH_JWT_SECRET: SECRET });

  it('sends a query as GET with the Authorization header, and gets its data', async () => {
    const token = await new SignJWT({ instanceId: DEFAULT_INSTANCE_ID, roles: ['calendar:write'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('urql-user')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    const recorder = recordingFetch();
    const client = new Client({
      url: `${app.gateway.url}/graphql`,
      exchanges: [cacheExchange, fetchExchange],
      fetch: recorder.fetch,
      fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` } }),
    });
    const result = await client.query<ScheduleData>(SCHEDULE, { id: DEMO_SCHEDULE_IDS.business }).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data?.schedule.id).toBe(DEMO_SCHEDULE_IDS.business);
    expect(recorder.sent).toEqual([{ method: 'GET', contentType: null }]);

    const anonymous = new Client({ url: `${app.gateway.url}/graphql`, exchanges: [cacheExchange, fetchExchange] });
    const refused = await anonymous.query<ScheduleData>(SCHEDULE, { id: DEMO_SCHEDULE_IDS.business }).toPromise();
    expect(refused.error?.response).toMatchObject({ status: 401 });
  });
});
