import { runLoad, type LoadSummary } from './http-load.js';
import { watchNoise, type Noise } from './noise.js';
import { cpuShare, type SystemProcess } from './processes.js';
import { distribution, sleep, type Distribution } from './stats.js';
import { SCHEDULE_UPDATED_SUBSCRIPTION } from './delivery.js';
import { SubscriberPool } from './subscribers.js';
import { waitForCounter, wsUrl } from './systems.js';
import type { BenchOptions } from '../options.js';
import { benchSchedules, now, signWebhooks, type SignedWebhook } from './webhooks.js';

export interface IngestParams {
  system: SystemProcess;
  warmup: readonly SignedWebhook[];
  measured: readonly SignedWebhook[];
  connections: number;
  /** Subscribers, each watching one schedule (`scheduleIds: [id]`) of `scheduleIds`, round-robin. */
  subscribers: number;
  scheduleIds: readonly string[];
  clientThreads: number;
  /** Stops the system; run before the client sockets are dropped. */
  stop: () => Promise<void>;
}

export interface IngestRun {
  subscribers: number;
  load: LoadSummary;
  /** Verdicts the system counted during the measured webhooks. */
  verdicts: Record<string, number>;
  /** Deliveries the measured webhooks should cause, and those that arrived. */
  expected: number;
  delivered: number;
  /** Webhook sent → arrival at its subscriber, ms (only with subscribers). */
  delivery: Distribution | null;
  cpu: { system: number; loadGenerator: number };
  noise: Noise | null;
  rssMb: number;
}

export interface IngestWebhooks {
  scheduleIds: string[];
  warmup: SignedWebhook[];
  measured: SignedWebhook[];
}

let prepared: { key: string; webhooks: Promise<IngestWebhooks> } | undefined;

/**
 * The webhooks of an ingest run, signed once per runner: each run starts a fresh process (or
 * flushes Redis), so the same bodies are new events to every run.
 */
export function ingestWebhooks(options: BenchOptions['ingest'], threads: number): Promise<IngestWebhooks> {
  const key = `${options.schedules}:${options.warmup}:${options.webhooks}`;
  if (prepared?.key !== key) {
    const schedules = benchSchedules(options.schedules);
    const webhooks = signWebhooks(schedules, options.warmup + options.webhooks, threads).then((signed) => ({
      scheduleIds: schedules.map((schedule) => schedule.id),
      warmup: signed.slice(0, options.warmup),
      measured: signed.slice(options.warmup),
    }));
    prepared = { key, webhooks };
  }
  return prepared.webhooks;
}

/** Drives the webhooks through autocannon, each body once, noting when each was handed to a socket. */
async function drive(
  url: string,
  webhooks: readonly SignedWebhook[],
  connections: number,
  sentAt?: Map<string, number>,
): Promise<LoadSummary> {
  let next = 0;
  return runLoad({
    url: `${url}/webhooks/wix`,
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    connections: Math.min(connections, webhooks.length),
    amount: webhooks.length,
    requests: [
      {
        setupRequest: (request) => {
          const webhook = webhooks[next % webhooks.length];
          next += 1;
          if (!webhook) return request;
          sentAt?.set(webhook.eventId, now());
          request.body = webhook.body;
          return request;
        },
      },
    ],
    verifyBody: (body) => body.includes('"accepted"'),
  });
}

function verdictsBetween(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const verdicts: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    if (!key.startsWith('webhooks.')) continue;
    const delta = value - (before[key] ?? 0);
    if (delta > 0) verdicts[key.slice('webhooks.'.length)] = delta;
  }
  return verdicts;
}

/** Warm-up, then the measured webhooks as fast as the system acknowledges them. */
export async function measureIngest(params: IngestParams): Promise<IngestRun> {
  const { system, subscribers, scheduleIds } = params;
  let pool: SubscriberPool | undefined;
  try {
    const watchers = new Map<string, number>();
    if (subscribers > 0) {
      const variables = Array.from({ length: subscribers }, (_, index) => {
        const id = scheduleIds[index % scheduleIds.length] ?? '';
        watchers.set(id, (watchers.get(id) ?? 0) + 1);
        return { scheduleIds: [id] };
      });
      pool = await SubscriberPool.open({
        url: wsUrl(system),
        query: SCHEDULE_UPDATED_SUBSCRIPTION,
        variables,
        threads: params.clientThreads,
      });
      await waitForCounter(system, 'subscriptions', subscribers);
    }
    const deliveriesOf = (webhooks: readonly SignedWebhook[]) =>
      webhooks.reduce((sum, webhook) => sum + (watchers.get(webhook.scheduleId) ?? 0), 0);

    await drive(system.url, params.warmup, params.connections);
    await sleep(1_000);
    const before = await system.stats();
    const runnerBefore = process.cpuUsage();
    const wallStart = performance.now();
    const sentAt = new Map<string, number>();
    const noise = watchNoise();
    const load = await drive(system.url, params.measured, params.connections, sentAt);
    const otherWork = noise();
    const runnerCpu = process.cpuUsage(runnerBefore);
    const wallMs = performance.now() - wallStart;
    const after = await system.stats();

    const expected = deliveriesOf(params.measured);
    let delivered = 0;
    let delivery: Distribution | null = null;
    if (pool) {
      await pool.settle(deliveriesOf(params.warmup) + expected, 5_000, 60_000);
      const receipts = await pool.collect();
      const latencies: number[] = [];
      for (const [eventId, at] of sentAt) for (const arrival of receipts.get(eventId) ?? []) latencies.push(arrival - at);
      delivered = latencies.length;
      delivery = distribution(latencies);
    }
    return {
      subscribers,
      load,
      verdicts: verdictsBetween(before.counters, after.counters),
      expected,
      delivered,
      delivery,
      cpu: { system: cpuShare(before, after), loadGenerator: (runnerCpu.user + runnerCpu.system) / 1_000 / wallMs },
      noise: otherWork,
      rssMb: after.rssBytes / 1_024 / 1_024,
    };
  } finally {
    await params.stop();
    await pool?.close();
  }
}
