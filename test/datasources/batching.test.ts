import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { startApp } from '../../src/app/start.js';
import { loadConfig } from '../../src/infra/config.js';
import { type RecordedRequest } from '../helpers/fake-upstream.js';
import { wixConnection, wixSchedule } from '../helpers/fixtures.js';
import { gatewayOverFakeUpstream } from '../helpers/suite.js';

/** The fake Wix: 60 connections over 30 schedules, plus one connection whose schedule is cancelled and one whose schedule is gone. */
const scheduleIds = Array.from({ length: 30 }, (_, i) => `sched-${i}`);
const connections = Array.from({ length: 60 }, (_, i) => wixConnection(`conn-${i}`, scheduleIds[i % 30] ?? ''));
const schedules = new Map(scheduleIds.map((id) => [id, wixSchedule(id)]));
schedules.set('sched-cancelled', wixSchedule('sched-cancelled', { status: 'CANCELLED' }));

interface QueryBody {
  query: { filter: { id: { $in: string[] }; status?: { $in: string[] } }; cursorPaging: { limit: number } };
}

function answer(request: RecordedRequest) {
  if (request.path === '/bookings/v2/external-calendars/connections') {
    return { body: { connections: currentConnections } };
  }
  if (request.path === '/calendar/v3/schedules/query') {
    const { filter, cursorPaging } = (request.body as QueryBody).query;
    // Like Wix: ACTIVE only unless the filter names a status; never more than the limit.
    const statuses = filter.status?.$in ?? ['ACTIVE'];
    const found = filter.id.$in.flatMap((id) => {
      const schedule = schedules.get(id);
      return schedule && statuses.includes(schedule.status) ? [schedule] : [];
    });
    return {
      body: { schedules: found.slice(0, cursorPaging.limit), pagingMetadata: { count: found.length, hasNext: false, cursors: {} } },
    };
  }
  return { status: 404, body: {} };
}

let currentConnections: unknown[] = connections;
const { upstream, gateway } = gatewayOverFakeUpstream({ handler: answer });
beforeEach(() => {
  currentConnections = connections;
});

const queryBodies = () => upstream.requests.filter((r) => r.path === '/calendar/v3/schedules/query').map((r) => r.body as QueryBody);

describe('Connection.schedule is batched per operation (no N+1)', () => {
  it('loads 60 connections with their 30 schedules in exactly 2 upstream calls', async () => {
    const result = await gateway.graphql<{ connections: { connections: Array<{ id: string; schedule: { id: string; name: string } }> } }>(
      '{ connections { connections { id scheduleId schedule { id name timeZone } } } }',
    );
    expect(result.errors).toBeUndefined();
    expect(upstream.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /bookings/v2/external-calendars/connections',
      'POST /calendar/v3/schedules/query',
    ]);
    const [body] = queryBodies();
    expect(body?.query.filter.id.$in).toEqual(scheduleIds);
    expect(body?.query.cursorPaging).toEqual({ limit: 30 });
    const list = result.data?.connections.connections ?? [];
    expect(list).toHaveLength(60);
    for (const connection of list) expect(connection.schedule.id).toBe(scheduleIds[Number(connection.id.split('-')[1]) % 30]);
  });

  it('names every status in the filter, so a cancelled schedule is found too', async () => {
    currentConnections = [wixConnection('c-x', 'sched-cancelled')];
    const result = await gateway.graphql('{ connections { connections { schedule { id status } } } }');
    expect(result.data).toEqual({ connections: { connections: [{ schedule: { id: 'sched-cancelled', status: 'CANCELLED' } }] } });
    expect(queryBodies()[0]?.query.filter.status?.$in.sort()).toEqual(['ACTIVE', 'CANCELLED', 'UNKNOWN_STATUS']);
  });

  it('answers null for a schedule Wix does not return, and the others still resolve', async () => {
    currentConnections = [wixConnection('c-1', 'sched-1'), wixConnection('c-2', 'sched-gone')];
    const result = await gateway.graphql('{ connections { connections { id schedule { id } } } }');
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      connections: {
        connections: [
          { id: 'c-1', schedule: { id: 'sched-1' } },
          { id: 'c-2', schedule: null },
        ],
      },
    });
  });

  it('asks once for a schedule named by several aliases and connections', async () => {
    currentConnections = [wixConnection('c-1', 'sched-1'), wixConnection('c-2', 'sched-1')];
    const result = await gateway.graphql('{ connections { connections { a: schedule { id } b: schedule { name } } } }');
    expect(result.errors).toBeUndefined();
    expect(queryBodies()).toHaveLength(1);
    expect(queryBodies()[0]?.query.filter.id.$in).toEqual(['sched-1']);
  });

  it('splits more than 100 schedules into calls of at most 100', async () => {
    const many = Array.from({ length: 230 }, (_, i) => `many-${i}`);
    for (const id of many) schedules.set(id, wixSchedule(id));
    currentConnections = many.map((id, i) => wixConnection(`m-${i}`, id));
    const result = await gateway.graphql<{ connections: { connections: Array<{ schedule: { id: string } | null }> } }>(
      '{ connections { connections { schedule { id } } } }',
    );
    expect(result.errors).toBeUndefined();
    expect(queryBodies().map((b) => [b.query.filter.id.$in.length, b.query.cursorPaging.limit])).toEqual([
      [100, 100],
      [100, 100],
      [30, 30],
    ]);
    expect(result.data?.connections.connections.map((c) => c.schedule?.id)).toEqual(many);
  });

  it('reports a failed batch on each affected field and keeps the connections', async () => {
    currentConnections = [wixConnection('c-1', 'sched-1')];
    upstream.handle((request) => (request.path === '/calendar/v3/schedules/query' ? { status: 502, body: {} } : answer(request)));
    try {
      const result = await gateway.graphql('{ connections { connections { id schedule { id } } } }');
      expect(result.data).toEqual({ connections: { connections: [{ id: 'c-1', schedule: null }] } });
      expect(result.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
        [['connections', 'connections', 0, 'schedule'], 'UPSTREAM_UNAVAILABLE'],
      ]);
    } finally {
      upstream.handle(answer);
    }
  });
});

describe('a fresh cache per operation', () => {
  it('asks Wix again in the next operation', async () => {
    currentConnections = [wixConnection('c-1', 'sched-1')];
    await gateway.graphql('{ connections { connections { schedule { id } } } }');
    await gateway.graphql('{ connections { connections { schedule { id } } } }');
    expect(queryBodies()).toHaveLength(2);
  });
});

describe('startApp: the wired gateway batches schedules by id', () => {
  const READ = '{ connections { connections { id schedule { id } } } }';

  async function schedulesCallsOf() {
    const app = await startApp(loadConfig({ PORT: '0', EMULATOR_PORT: '0', LOG_LEVEL: 'silent' }), pino({ level: 'silent' }));
    try {
      const response = await fetch(`${app.gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: READ }),
      });
      const body = (await response.json()) as { data: { connections: { connections: Array<{ schedule: { id: string } | null }> } } };
      const scheduleIds = new Set(body.data.connections.connections.flatMap(({ schedule }) => (schedule ? [schedule.id] : [])));
      const calls = (app.emulator?.calls ?? []).filter((call) => call.path.startsWith('/calendar/v3/schedules'));
      return { scheduleIds, calls: calls.map((call) => `${call.method} ${call.path}`) };
    } finally {
      await app.close();
    }
  }

  it('batches by default: one Query Schedules for every schedule of the page', async () => {
    const { scheduleIds, calls } = await schedulesCallsOf();
    expect(scheduleIds.size).toBeGreaterThan(1);
    expect(calls).toEqual(['POST /calendar/v3/schedules/query']);
  });
});
