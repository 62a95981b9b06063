import { availableParallelism } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_API_KEY, DEFAULT_SITE_ID } from '../../src/emulator/demo-data.js';
import type { BenchOptions } from '../options.js';
import { runLoad, type LoadSummary } from '../lib/http-load.js';
import { cpuShare, ProcessScope, type SystemProcess } from '../lib/processes.js';
import type { ScenarioResult } from '../lib/result.js';
import { percent } from '../lib/format.js';
import { log } from '../lib/log.js';
import { formatNoise, watchNoise, type Noise } from '../lib/noise.js';
import { round, sleep } from '../lib/stats.js';
import {
  DEV_WEBHOOK_PUBLIC_KEY_PEM,
  startApolloMemory,
  startEmulatorProcess,
  startGatewayProcess,
  type SystemContext,
} from '../lib/systems.js';

/**
 * Every connection with its sync settings and its schedule: the page a calendar-settings screen
 * loads. No `provider` or `calendars`, so the batched gateway needs exactly 2 upstream calls.
 */
export const CONNECTIONS_QUERY = `query BenchConnections {
  connections {
    connections {
      id providerId calendarType scheduleId userId appId externalAccountEmail status errorReason
      syncConfig {
        listEventFromCalendars {
          enabled
          source {
            __typename
            ... on PrimaryCalendar { primaryCalendar }
            ... on CalendarSelection { calendars { id name enabled } }
          }
        }
        syncToCalendar {
          enabled
          target {
            __typename
            ... on PrimaryCalendar { primaryCalendar }
            ... on DedicatedCalendar { dedicatedCalendar }
          }
        }
      }
      schedule {
        id externalId name status timeZone businessTimeZoneEnabled defaultTitle defaultCapacity appId
        revision createdDate updatedDate
        defaultLocation { type name address }
        permissions { role identity { wixUserId } }
      }
    }
    failedProviderIds
  }
}`;

const BODY = JSON.stringify({ operationName: 'BenchConnections', query: CONNECTIONS_QUERY });
const HEADERS = { 'content-type': 'application/json' };
const PROBE_REQUESTS = 10;

interface Answer {
  data?: { connections?: { connections: Array<{ schedule: { id: string } | null }> } };
  errors?: unknown;
}

async function ask(url: string): Promise<{ answer: Answer; bytes: number }> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: HEADERS, body: BODY });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}: ${text.slice(0, 500)}`);
  return { answer: JSON.parse(text) as Answer, bytes: Buffer.byteLength(text) };
}

/** Leaf values (scalars and nulls) per connection: "fields" as a response-size measure. */
function leavesOf(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + leavesOf(item), 0);
  if (value !== null && typeof value === 'object') return Object.values(value).reduce((sum: number, item) => sum + leavesOf(item), 0);
  return 1;
}

interface Measured {
  system: string;
  load: LoadSummary;
  upstreamCallsPerRequest: number | null;
  cpu: { system: number; emulator: number | null; loadGenerator: number };
  noise: Noise | null;
}

async function measure(
  label: string,
  system: SystemProcess,
  emulator: SystemProcess | undefined,
  options: BenchOptions,
): Promise<Measured> {
  const { connections, warmupSeconds, seconds } = options.query;
  const load = {
    url: `${system.url}/graphql`,
    method: 'POST',
    headers: HEADERS,
    body: BODY,
    connections,
    verifyBody: (body: string) => !body.includes('"errors"'),
  };
  log(`${label}: measuring`);
  // Upstream calls per request, exactly: a few requests one at a time on an idle system, counted
  // by the gateway itself.
  let upstreamCallsPerRequest: number | null = null;
  const probeBefore = (await system.stats()).counters.upstreamCalls;
  if (probeBefore !== undefined) {
    for (let i = 0; i < PROBE_REQUESTS; i += 1) await ask(system.url);
    upstreamCallsPerRequest = (((await system.stats()).counters.upstreamCalls ?? 0) - probeBefore) / PROBE_REQUESTS;
  }

  await runLoad({ ...load, duration: warmupSeconds });
  await sleep(1_000); // requests the warm-up left in flight finish

  const before = await system.stats();
  const emulatorBefore = await emulator?.stats();
  const runnerBefore = process.cpuUsage();
  const startedAt = performance.now();
  const noise = watchNoise();
  const result = await runLoad({ ...load, duration: seconds });
  const otherWork = noise();
  const runnerCpu = process.cpuUsage(runnerBefore);
  const wallMs = performance.now() - startedAt;
  const after = await system.stats();
  const emulatorAfter = await emulator?.stats();
  return {
    system: label,
    load: result,
    upstreamCallsPerRequest,
    cpu: {
      system: cpuShare(before, after),
      emulator: emulatorBefore && emulatorAfter ? cpuShare(emulatorBefore, emulatorAfter) : null,
      loadGenerator: (runnerCpu.user + runnerCpu.system) / 1_000 / wallMs,
    },
    noise: otherWork,
  };
}

/**
 * 1. The query path: the same `connections { … schedule { … } }` answer from Apollo Server out of
 * memory (the ceiling), from the gateway over the emulator, and from the gateway with batching off.
 */
export async function runQueryPath(options: BenchOptions, context: SystemContext): Promise<ScenarioResult> {
  const { schedules, connectionsPerSchedule, connections, warmupSeconds, seconds } = options.query;
  const scope = new ProcessScope();
  try {
    const emulator = await scope.start(
      startEmulatorProcess({ seed: { schedules, connectionsPerSchedule }, rateLimitPerMinute: 0 }, context),
    );
    // What the gateway costs per operation when it does call Wix: no budget, no replica or cache
    // (the crowd scenario measures those, at Wix's real limit).
    const upstreamEnv = {
      WIX_API_URL: emulator.url,
      WIX_API_KEY: DEFAULT_API_KEY,
      WIX_SITE_ID: DEFAULT_SITE_ID,
      WIX_WEBHOOK_PUBLIC_KEY: DEV_WEBHOOK_PUBLIC_KEY_PEM,
      WIX_RATE_LIMIT_PER_MINUTE: '0',
      UPSTREAM_CACHE: 'false',
    };
    const gateway = await scope.start(startGatewayProcess('gateway-batched', context, upstreamEnv));

    // The reference answer, from the real gateway: the ceiling serves exactly this.
    const { answer, bytes } = await ask(gateway.url);
    const list = answer.data?.connections?.connections ?? [];
    if (answer.errors || list.length !== schedules * connectionsPerSchedule || list.some((item) => item.schedule === null)) {
      throw new Error(
        `the gateway's answer is not ${schedules * connectionsPerSchedule} connections with their schedules: ${JSON.stringify(answer).slice(0, 500)}`,
      );
    }
    const fieldsPerConnection = leavesOf(list) / list.length;

    const ceiling = await scope.start(startApolloMemory({ connections: answer.data?.connections }, context));
    if (!isDeepStrictEqual((await ask(ceiling.url)).answer, answer))
      throw new Error('Apollo from memory does not answer what the gateway answers');
    const ceilingRow = await measure('Apollo Server 5 from memory (ceiling)', ceiling, undefined, options);
    await ceiling.stop();

    const batchedRow = await measure('gateway over the emulator, batched', gateway, emulator, options);
    await gateway.stop();

    // The same gateway on graphql-js's own execution (the switch kept beside the compiled default).
    const plain = await scope.start(startGatewayProcess('gateway-graphql-js', context, { ...upstreamEnv, EXECUTOR: 'graphql-js' }));
    if (!isDeepStrictEqual((await ask(plain.url)).answer, answer))
      throw new Error('the gateway on graphql-js does not answer what the default one answers');
    const plainRow = await measure('gateway over the emulator, batched, EXECUTOR=graphql-js', plain, emulator, options);
    await plain.stop();

    const unbatched = await scope.start(
      startGatewayProcess('gateway-unbatched', context, { ...upstreamEnv, BENCH_UPSTREAM_BATCH: 'false' }),
    );
    if (!isDeepStrictEqual((await ask(unbatched.url)).answer, answer))
      throw new Error('the unbatched gateway does not answer what the batched one answers');
    const unbatchedRow = await measure('gateway over the emulator, batching off (N+1)', unbatched, emulator, options);

    const measured = [ceilingRow, batchedRow, plainRow, unbatchedRow];
    const ceilingRate = ceilingRow.load.perSecond;
    return {
      id: 'query',
      title: '1. Query path',
      setup:
        `\`connections { … schedule { … } }\`: ${list.length} connections of ${schedules} schedules, ${round(fieldsPerConnection, 0)} fields per connection, ` +
        `${round(bytes / 1_024, 1)} KiB per response. autocannon, ${connections} connections, ${seconds} s per system after a ${warmupSeconds} s warm-up. ` +
        'The emulator runs in its own process on the same machine.',
      tables: [
        {
          columns: [
            { key: 'system', label: 'system', format: 'text' },
            { key: 'rps', label: 'req/s', format: 'int' },
            { key: 'vsCeiling', label: '× ceiling', format: 'ratio' },
            { key: 'p50', label: 'p50 ms', format: 'ms' },
            { key: 'p99', label: 'p99 ms', format: 'ms' },
            { key: 'upstreamCalls', label: 'upstream calls / request', format: 'text' },
            { key: 'failed', label: 'failed', format: 'int' },
            { key: 'cpu', label: 'CPU: system · emulator · load generator', format: 'text' },
            { key: 'noise', label: 'other work · steal', format: 'text' },
          ],
          rows: measured.map((row) => ({
            system: row.system,
            rps: row.load.perSecond,
            vsCeiling: row.load.perSecond / ceilingRate,
            p50: row.load.p50,
            p99: row.load.p99,
            upstreamCalls: row.upstreamCallsPerRequest === null ? '0 (from memory)' : String(round(row.upstreamCallsPerRequest, 1)),
            failed: row.load.failed,
            cpu: [row.cpu.system, row.cpu.emulator, row.cpu.loadGenerator].map(percent).join(' · '),
            noise: formatNoise(row.noise),
          })),
        },
      ],
      notes: [
        'The three answers were checked to be identical (deep equality) before measuring. "failed" counts non-2xx answers, connection errors, timeouts and answers with `errors`.',
        'Upstream calls per request are counted by the gateway (`gateway_upstream_call_duration_seconds_count`) over requests sent one at a time.',
        `CPU is the share of one core each process used during the measured seconds (the machine has ${availableParallelism()} cores in all).`,
      ],
      details: measured,
    };
  } finally {
    await scope.stopAll();
  }
}
