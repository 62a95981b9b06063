import { wixConnection, wixSchedule } from './fixtures.js';
import type { FakeHandler, FakeReply, RecordedRequest } from './fake-upstream.js';

/**
 * A small stateful Wix for the budget and replica tests: schedules (Query Schedules with `id` and
 * `status` `$in`, Get Schedule, personal data only with `fields`), connections (list, get, update
 * sync config) and providers. Tests change `schedules` behind the gateway's back to play Wix.
 */
export interface FakeWix {
  schedules: Array<Record<string, unknown>>;
  connections: Array<Record<string, unknown>>;
  /** Delays Query Schedules answers (to overlap a load with a webhook). */
  queryDelayMs: number;
  /** Replaces the answer of the next calls, e.g. a 429. */
  override: ((request: RecordedRequest) => FakeReply | undefined) | undefined;
  handler: FakeHandler;
}

const CONFERENCING = { type: 'ZOOM', hostUrl: 'https://zoom.example/host', guestUrl: 'https://zoom.example/j/1', password: 'secret' };

export function fakeWix(scheduleCount = 3): FakeWix {
  const wix: FakeWix = {
    schedules: Array.from({ length: scheduleCount }, (_, index) =>
      wixSchedule(`sched-${index + 1}`, { defaultConferencingDetails: CONFERENCING }),
    ),
    connections: [wixConnection('conn-1', 'sched-1'), wixConnection('conn-2', 'sched-2')],
    queryDelayMs: 0,
    override: undefined,
    handler: (request) => {
      const replaced = wix.override?.(request);
      if (replaced) return replaced;
      return answer(wix, request);
    },
  };
  return wix;
}

function publicView(schedule: Record<string, unknown>, personal: boolean): Record<string, unknown> {
  if (personal) return schedule;
  const { defaultConferencingDetails: _hidden, ...rest } = schedule;
  return rest;
}

function answer(wix: FakeWix, request: RecordedRequest): FakeReply {
  const { method, path } = request;
  if (method === 'POST' && path === '/calendar/v3/schedules/query') {
    const body = request.body as { query?: { filter?: Record<string, { $in?: string[] }> }; fields?: string[] };
    const filter = body.query?.filter ?? {};
    const personal = Boolean(body.fields?.length);
    const statuses = filter.status?.$in ?? ['ACTIVE'];
    const schedules = wix.schedules
      .filter((s) => statuses.includes(String(s.status)) && (!filter.id?.$in || filter.id.$in.includes(String(s.id))))
      .map((s) => publicView(s, personal));
    return {
      delayMs: wix.queryDelayMs,
      body: { schedules, pagingMetadata: { count: schedules.length, cursors: {}, hasNext: false } },
    };
  }
  const scheduleMatch = /^\/calendar\/v3\/schedules\/([^/]+)$/.exec(path);
  if (method === 'GET' && scheduleMatch) {
    const schedule = wix.schedules.find((s) => s.id === scheduleMatch[1]);
    return schedule
      ? { body: { schedule: publicView(schedule, request.query.includes('fields=')) } }
      : { status: 404, body: { message: 'not found' } };
  }
  if (method === 'GET' && path === '/bookings/v2/external-calendars/connections') {
    return { body: { connections: wix.connections, failedProviderIds: [] } };
  }
  const connectionMatch = /^\/bookings\/v2\/external-calendars\/connections\/([^/]+)(\/sync-config)?$/.exec(path);
  if (connectionMatch) {
    const connection = wix.connections.find((c) => c.id === connectionMatch[1]);
    if (!connection) return { status: 404, body: { message: 'not found' } };
    if (method === 'PATCH' && connectionMatch[2]) {
      connection.syncConfig = (request.body as { syncConfig: unknown }).syncConfig;
      return { body: { connection } };
    }
    if (method === 'GET') return { body: { connection } };
  }
  if (method === 'GET' && path === '/bookings/v2/external-calendars/providers') {
    return { body: { providers: [] } };
  }
  return { status: 404, body: { message: `not scripted: ${method} ${path}` } };
}

/** Upstream calls of one endpoint among the recorded requests. */
export function callsTo(requests: readonly RecordedRequest[], method: string, path: string | RegExp): number {
  return requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))).length;
}
