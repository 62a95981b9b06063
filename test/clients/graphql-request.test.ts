import { GraphQLClient } from 'graphql-request';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INSTANCE_ID, DEMO_SCHEDULE_IDS } from '../../src/emulator/index.js';
import { appForFile } from '../helpers/suite.js';
import { RENAME_MUTATION, SCHEDULE_QUERY, type RenameData, type ScheduleData } from './documents.js';
import { recordingFetch } from './recording-fetch.js';

/** graphql-request configured as its documentation says: POST by default, `method: 'GET'` for GET queries. */

const SECRET = 'a-caller-secret-of-at-least-32-characters';

const SCHEDULE = SCHEDULE_QUERY;

const RENAME = RENAME_MUTATION;

describe('graphql-request on an open gateway', () => {
  const app = appForFile();

  it("with method: 'GET' sends the query as GET, and gets its data", async () => {
    const recorder = recordingFetch();
    const client = new GraphQLClient(`${app.gateway.url}/graphql`, { method: 'GET', fetch: recorder.fetch });
    const data = await client.request<ScheduleData>(SCHEDULE, { id: DEMO_SCHEDULE_IDS.business });
    expect(data.schedule.id).toBe(DEMO_SCHEDULE_IDS.business);
    expect(recorder.sent.map((request) => request.method)).toEqual(['GET']);
  });

  it('by default sends a query and a mutation as POST', async () => {
    const recorder = recordingFetch();
    const client = new GraphQLClient(`${app.gateway.url}/graphql`, { fetch: recorder.fetch });
    const id = DEMO_SCHEDULE_IDS.liamPhysiotherapy;
    const { schedule } = await client.request<ScheduleData>(SCHEDULE, { id });
    const renamed = await client.request<RenameData>(RENAME, { id, revision: schedule.revision, name: 'Liam — graphql-request' });
    expect(renamed.updateSchedule).toMatchObject({ schedule: { id, name: 'Liam — graphql-request' }, userErrors: [] });
    expect(recorder.sent).toEqual([
      { method: 'POST', contentType: 'application/json' },
      { method: 'POST', contentType: 'application/json' },
    ]);
  });

  it("with method: 'GET' still sends a mutation as POST (GET is for queries), and it runs", async () => {
    const recorder = recordingFetch();
    const client = new GraphQLClient(`${app.gateway.url}/graphql`, { method: 'GET', fetch: recorder.fetch });
    const id = DEMO_SCHEDULE_IDS.sofiaYogaCoaching;
    const { schedule } = await client.request<ScheduleData>(SCHEDULE, { id });
    const renamed = await client.request<RenameData>(RENAME, { id, revision: schedule.revision, name: 'Sofia — GET client' });
    expect(renamed.updateSchedule).toMatchObject({ schedule: { id, name: 'Sofia — GET client' }, userErrors: [] });
    expect(recorder.sent.map((request) => request.method)).toEqual(['GET', 'POST']);
  });
});

describe('graphql-request with a bearer token (headers)', () => {
  const app = appForFile({ AUTH_JWT_SECRET: SECRET });

  it('sends GET and POST queries with it', async () => {
    const token = await new SignJWT({ instanceId: DEFAULT_INSTANCE_ID })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('graphql-request-user')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    for (const method of ['GET', 'POST'] as const) {
      const client = new GraphQLClient(`${app.gateway.url}/graphql`, { method, headers: { authorization: `Bearer ${token}` } });
      const data = await client.request<ScheduleData>(SCHEDULE, { id: DEMO_SCHEDULE_IDS.business });
      expect(data.schedule.id, method).toBe(DEMO_SCHEDULE_IDS.business);
    }
  });
});
