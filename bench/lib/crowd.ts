/**
 * The crowd: readers who each reload a dashboard every 1.5–2.5 s, while a schedule changes in Wix
 * every 2 s (announced by a signed webhook) and a connection's sync settings change through the
 * gateway every 7 s, over an upstream that enforces Wix's limit of calls a minute per site. It
 * counts what a frontend team would see (failed operations, latency, data older than it should
 * be) and what Wix would see (calls a minute, calls refused). Used by `npm run bench` and by the
 * acceptance test of the upstream budget.
 */

export interface CrowdTarget {
  /** Readers are spread over these gateways (several instances on one Redis act as one). */
  gatewayUrls: string[];
  /** The emulator: its control routes rename a schedule as the Wix dashboard would and count calls. */
  emulatorUrl: string;
  scheduleId: string;
  /** A connection whose provider accepts sync settings. */
  connectionId: string;
}

export interface CrowdSettings {
  readers: number;
  durationMs: number;
  reloadMinMs: number;
  reloadMaxMs: number;
  scheduleChangeEveryMs: number;
  syncChangeEveryMs: number;
}

export const ACCEPTANCE_CROWD: CrowdSettings = {
  readers: 40,
  durationMs: 75_000,
  reloadMinMs: 1_500,
  reloadMaxMs: 2_500,
  scheduleChangeEveryMs: 2_000,
  syncChangeEveryMs: 7_000,
};

export interface CrowdOutcome {
  operations: number;
  failed: number;
  /** `extensions.code` (or HTTP status) of failed reads and writes, counted. */
  failures: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  /** Calls the gateways made to Wix: granted and refused. */
  upstreamCalls: number;
  refusedByWix: number;
  /** Most calls in any 60 s of the run (sampled twice a second). */
  maxCallsInAnyMinute: number;
  /** Reads that showed a schedule revision older than one announced ≥ 1 s before they started. */
  staleReads: number;
  /** Reads that started after a sync-settings write was answered and did not show it. */
  missedOwnWrites: number;
  /** Reads served from stale cached data (`extensions.staleData`). */
  servedStale: number;
  scheduleChanges: number;
  syncChanges: number;
}

const DASHBOARD = `query Dashboard {
  schedules(first: 50) { edges { node { id name revision status } } }
  connections { connections { id status syncConfig { syncToCalendar { enabled } } schedule { id name revision } } }
}`;

const SYNC_CONFIG = `mutation Export($id: ID!, $enabled: Boolean!) {
  updateSyncConfig(connectionId: $id, syncConfig: {
    syncToCalendar: { enabled: $enabled, target: { dedicatedCalendar: true } }
    listEventFromCalendars: { enabled: true, source: { primaryCalendar: true } }
  }) { connection { id } userErrors { code message } }
}`;

interface GraphQLAnswer {
  data?: {
    schedules?: { edges: Array<{ node: { id: string; revision: string | null } }> };
    connections?: { connections: Array<{ id: string; syncConfig: { syncToCalendar: { enabled: boolean } | null } | null }> };
    updateSyncConfig?: { userErrors: Array<{ code: string }> };
  } | null;
  errors?: Array<{ extensions?: { code?: string } }>;
  extensions?: { staleData?: unknown };
}

async function post(url: string, query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: GraphQLAnswer }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: GraphQLAnswer = {};
  try {
    body = JSON.parse(text) as GraphQLAnswer;
  } catch {
    // counted as a failure below, by its status
  }
  return { status: response.status, body };
}

async function emulatorCounts(emulatorUrl: string): Promise<{ taken: number; refused: number }> {
  const response = await fetch(`${emulatorUrl}/_emulator/rate-limit`);
  return (await response.json()) as { taken: number; refused: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: readonly number[], share: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0;
}

export async function runCrowd(target: CrowdTarget, settings: CrowdSettings): Promise<CrowdOutcome> {
  const startedAt = Date.now();
  const endAt = startedAt + settings.durationMs;
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const fail = (code: string) => {
    failures[code] = (failures[code] ?? 0) + 1;
  };
  let operations = 0;
  let failed = 0;
  let staleReads = 0;
  let missedOwnWrites = 0;
  let servedStale = 0;
  /** Revisions announced by a rename, with when the rename was answered (before its webhook: stricter). */
  const renames: Array<{ at: number; revision: bigint }> = [];
  /** Sync-settings writes: when each began and was answered, and the value it set. */
  const writes: Array<{ startedAt: number; answeredAt: number; enabled: boolean }> = [];
  const samples: Array<{ at: number; calls: number }> = [];
  const base = await emulatorCounts(target.emulatorUrl);

  const requiredRevision = (start: number): bigint | undefined => {
    let required: bigint | undefined;
    for (const rename of renames)
      if (rename.at <= start - 1_000 && (required === undefined || rename.revision > required)) required = rename.revision;
    return required;
  };
  const expectedExport = (start: number, end: number): boolean | undefined => {
    const answered = writes.filter((write) => write.answeredAt <= start);
    const last = answered.at(-1);
    if (!last) return undefined;
    // A failed write (never answered) after the last answered one leaves the setting unknown.
    if (writes.some((write) => write.startedAt > last.startedAt && write.startedAt <= start)) return undefined;
    // A write that began before this read ended may or may not show: no expectation then.
    if (writes.some((write) => write.startedAt > last.startedAt && write.startedAt <= end)) return undefined;
    return last.enabled;
  };

  const reader = async (index: number) => {
    const url = target.gatewayUrls[index % target.gatewayUrls.length] ?? '';
    await sleep(Math.random() * settings.reloadMaxMs);
    while (Date.now() < endAt) {
      const start = Date.now();
      let answer: { status: number; body: GraphQLAnswer };
      try {
        answer = await post(url, DASHBOARD);
      } catch {
        answer = { status: 0, body: {} };
      }
      const end = Date.now();
      operations += 1;
      latencies.push(end - start);
      const code = answer.body.errors?.[0]?.extensions?.code;
      if (answer.status !== 200 || code || !answer.body.data) {
        failed += 1;
        fail(code ?? `HTTP ${answer.status}`);
      } else {
        if (answer.body.extensions?.staleData) servedStale += 1;
        const schedule = answer.body.data.schedules?.edges.find((edge) => edge.node.id === target.scheduleId)?.node;
        const required = requiredRevision(start);
        if (required !== undefined && (!schedule?.revision || BigInt(schedule.revision) < required)) staleReads += 1;
        const connection = answer.body.data.connections?.connections.find((c) => c.id === target.connectionId);
        const expected = expectedExport(start, end);
        if (expected !== undefined && connection?.syncConfig?.syncToCalendar?.enabled !== expected) missedOwnWrites += 1;
      }
      const pause = settings.reloadMinMs + Math.random() * (settings.reloadMaxMs - settings.reloadMinMs);
      await sleep(Math.max(0, Math.min(pause, endAt - Date.now())));
    }
  };

  const scheduleChanger = async () => {
    let n = 0;
    while (Date.now() + settings.scheduleChangeEveryMs <= endAt) {
      await sleep(settings.scheduleChangeEveryMs);
      n += 1;
      const response = await fetch(`${target.emulatorUrl}/_emulator/schedules/${target.scheduleId}/rename`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Changed in Wix #${n}` }),
      });
      const { schedule } = (await response.json()) as { schedule: { revision: string } };
      renames.push({ at: Date.now(), revision: BigInt(schedule.revision) });
    }
  };

  const syncChanger = async () => {
    let enabled = true;
    let n = 0;
    while (Date.now() + settings.syncChangeEveryMs <= endAt) {
      await sleep(settings.syncChangeEveryMs);
      enabled = !enabled;
      const url = target.gatewayUrls[n % target.gatewayUrls.length] ?? '';
      n += 1;
      // Recorded before it is sent: a read that overlaps a write in flight may show either value.
      const write = { startedAt: Date.now(), answeredAt: Number.POSITIVE_INFINITY, enabled };
      writes.push(write);
      const answer = await post(url, SYNC_CONFIG, { id: target.connectionId, enabled });
      operations += 1;
      latencies.push(Date.now() - write.startedAt);
      const code = answer.body.errors?.[0]?.extensions?.code ?? answer.body.data?.updateSyncConfig?.userErrors[0]?.code;
      if (answer.status !== 200 || code) {
        failed += 1;
        // The setting may or may not have changed: nothing is expected of reads until the next write.
        fail(`write: ${code ?? `HTTP ${answer.status}`}`);
      } else write.answeredAt = Date.now();
    }
  };

  const sampler = async () => {
    while (Date.now() < endAt + 1_000) {
      const counts = await emulatorCounts(target.emulatorUrl);
      samples.push({ at: Date.now(), calls: counts.taken + counts.refused - base.taken - base.refused });
      await sleep(500);
    }
  };

  await Promise.all([
    ...Array.from({ length: settings.readers }, (_, index) => reader(index)),
    scheduleChanger(),
    syncChanger(),
    sampler(),
  ]);
  const final = await emulatorCounts(target.emulatorUrl);
  let maxCallsInAnyMinute = 0;
  for (const sample of samples) {
    const windowStart = samples.find((earlier) => earlier.at >= sample.at - 60_000) ?? sample;
    maxCallsInAnyMinute = Math.max(
      maxCallsInAnyMinute,
      sample.calls - windowStart.calls + (windowStart === samples[0] ? windowStart.calls : 0),
    );
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    operations,
    failed,
    failures,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    upstreamCalls: final.taken + final.refused - base.taken - base.refused,
    refusedByWix: final.refused - base.refused,
    maxCallsInAnyMinute,
    staleReads,
    missedOwnWrites,
    servedStale,
    scheduleChanges: renames.length,
    syncChanges: writes.length,
  };
}
