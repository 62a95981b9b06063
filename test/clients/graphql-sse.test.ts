import { createClient } from 'graphql-sse';
import { describe, expect, it } from 'vitest';
import { DEMO_SCHEDULE_IDS } from '../../src/emulator/index.js';
import { captureLogs } from '../helpers/log-capture.js';
import { appForFile, gatewayOverEmulator } from '../helpers/suite.js';
import { waitFor } from '../helpers/ws-client.js';
import { RENAME_MUTATION, SCHEDULE_QUERY, type RenameData, type ScheduleData } from './documents.js';

/**
 * graphql-sse's own client, configured as its documentation says (`createClient({ url })`, the
 * default "distinct connections" mode), on /graphql/stream: queries, mutations and subscriptions,
 * resumed with `since`.
 */

const UPDATED =
  'subscription($ids: [ID!], $since: String) { scheduleUpdated(scheduleIds: $ids, since: $since) { cursor schedule { id name } } }';

interface UpdatedData {
  scheduleUpdated: { cursor: string; schedule: { id: string; name: string } };
}

describe('graphql-sse (distinct connections) on /graphql/stream', () => {
  const app = appForFile();
  const client = () => createClient({ url: `${app.gateway.url}/graphql/stream`, retryAttempts: 0 });

  /** Every result of an operation until it completes. */
  function collect<T>(query: string, variables: Record<string, unknown> = {}) {
    const results: T[] = [];
    const sse = client();
    const stop = sse.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          results.push(result.data as T);
        },
        error: () => {},
        complete: () => {},
      },
    );
    const first = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (results.length > 0) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    return { results, first, stop: () => (stop(), sse.dispose()) };
  }

  it('runs a query and a mutation', async () => {
    const id = DEMO_SCHEDULE_IDS.introConsultation;
    const read = collect<ScheduleData>(SCHEDULE_QUERY, { id });
    await read.first;
    read.stop();
    const { revision } = read.results[0]!.schedule;
    const renamed = collect<RenameData>(RENAME_MUTATION, { id, revision, name: 'Intro — SSE' });
    await renamed.first;
    renamed.stop();
    expect(renamed.results[0]?.updateSchedule.schedule?.name).toBe('Intro — SSE');
  });

  it('subscribes, and resumes with `since` after being away: every event once', async () => {
    const id = DEMO_SCHEDULE_IDS.groupYogaFlow;
    const rename = async (name: string) => {
      const response = await app.graphql<ScheduleData>(SCHEDULE_QUERY, { id });
      const result = await app.graphql<RenameData>(RENAME_MUTATION, { id, revision: response.data?.schedule.revision, name });
      expect(result.data?.updateSchedule.userErrors).toEqual([]);
    };
    const before = app.bus.listenerCount();
    const live = collect<UpdatedData>(UPDATED, { ids: [id] });
    await waitFor(() => app.bus.listenerCount() > before, 'the subscription to be attached');
    await rename('Flow 1');
    await live.first;
    live.stop();
    const cursor = live.results[0]!.scheduleUpdated.cursor;
    await waitFor(() => app.bus.listenerCount() === before, 'the subscription to end');
    await rename('Flow 2');
    await rename('Flow 3');
    const resumed = collect<UpdatedData>(UPDATED, { ids: [id], since: cursor });
    await waitFor(() => resumed.results.length === 2, 'the missed events');
    await rename('Flow 4');
    await waitFor(() => resumed.results.length === 3, 'the live event');
    resumed.stop();
    expect(resumed.results.map((result) => result.scheduleUpdated.schedule.name)).toEqual(['Flow 2', 'Flow 3', 'Flow 4']);
  });
});

describe('a subscription over plain HTTP', () => {
  const logs = captureLogs('info');
  const { gateway } = gatewayOverEmulator({ logger: logs.logger });

  it('is a 400 naming the supported transports (POST and GET), never a 5xx, and logs no error', async () => {
    const query = 'subscription { scheduleUpdated { cursor } }';
    const post = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query }),
    });
    const get = await fetch(`${gateway.url}/graphql?query=${encodeURIComponent(query)}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    for (const response of [post, get]) {
      expect(response.status).toBe(400);
      const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(body.errors[0]?.extensions.code).toBe('BAD_REQUEST');
      expect(body.errors[0]?.message).toMatch(/graphql-ws.*multipart.*\/graphql\/stream/s);
    }
    expect(logs.records().filter((record) => (record.level as number) >= 50)).toEqual([]);
  });
});
