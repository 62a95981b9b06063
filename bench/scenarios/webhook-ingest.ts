import type { BenchOptions } from '../options.js';
import { ingestWebhooks, measureIngest, type IngestRun } from '../lib/ingest.js';
import { count, percent } from '../lib/format.js';
import { log } from '../lib/log.js';
import { ProcessScope } from '../lib/processes.js';
import { formatNoise } from '../lib/noise.js';
import type { ScenarioResult } from '../lib/result.js';
import { round } from '../lib/stats.js';
import { startBare, startGatewayProcess, type SystemContext } from '../lib/systems.js';

interface Row {
  system: string;
  run: IngestRun;
}

const GATEWAY = 'gateway (memory bus)';
/** The name under which scenario 4 measures the same thing again. */
export const INGEST_REPEAT = 'gateway ingest with no subscribers, webhooks/s';
const BARE = 'bare express + jose + pubsub (anchor)';

/**
 * 2. Webhook ingest: signed webhooks one instance verifies, deduplicates, puts on its bus and
 * acknowledges, as fast as it can; with no subscribers, then with subscribers connected.
 */
export async function runIngest(options: BenchOptions, context: SystemContext): Promise<ScenarioResult> {
  const { connections, warmup, webhooks, subscribers, schedules: scheduleCount } = options.ingest;
  const signed = await ingestWebhooks(options.ingest, options.clientThreads);
  const params = { ...signed, connections, clientThreads: options.clientThreads };

  const rows: Row[] = [];
  const scope = new ProcessScope();
  try {
    for (const subscriberCount of subscribers) {
      for (const [label, start] of [
        [GATEWAY, () => startGatewayProcess(`gateway-ingest-${subscriberCount}`, context)],
        [BARE, () => startBare(`bare-ingest-${subscriberCount}`, context)],
      ] as const) {
        log(`ingest: ${label}, ${subscriberCount} subscribers`);
        const system = await scope.start(start());
        rows.push({
          system: label,
          run: await measureIngest({ ...params, system, subscribers: subscriberCount, stop: () => system.stop() }),
        });
      }
    }
  } finally {
    await scope.stopAll();
  }

  const bareRate = (subscriberCount: number) =>
    rows.find((row) => row.system === BARE && row.run.subscribers === subscriberCount)?.run.load.perSecond ?? Number.NaN;
  return {
    id: 'ingest',
    title: '2. Webhook ingest',
    setup:
      `${count(webhooks)} signed \`schedule_updated\` webhooks (RS256, ${Math.round((signed.measured[0]?.body.length ?? 0) / 100) / 10} KB each, every one a new event id, ` +
      `sequences increasing per schedule over ${count(scheduleCount)} schedules) after ${count(warmup)} for warm-up, ` +
      `sent by autocannon on ${connections} keep-alive connections as fast as they are acknowledged. A fresh process per row. ` +
      'Subscribers each watch one schedule (`scheduleUpdated(scheduleIds: [id])`), so every webhook is also delivered to its schedule’s subscribers.',
    tables: [
      {
        columns: [
          { key: 'subscribers', label: 'subscribers', format: 'int' },
          { key: 'system', label: 'system', format: 'text' },
          { key: 'rps', label: 'webhooks/s', format: 'int' },
          { key: 'vsBare', label: '× anchor', format: 'ratio' },
          { key: 'p50', label: 'ack p50 ms', format: 'ms' },
          { key: 'p99', label: 'ack p99 ms', format: 'ms' },
          { key: 'accepted', label: 'accepted / sent', format: 'text' },
          { key: 'delivered', label: 'delivered / expected', format: 'text' },
          { key: 'deliveryP99', label: 'delivery p50 · p99 ms', format: 'text' },
          { key: 'cpu', label: 'CPU: system · load generator', format: 'text' },
          { key: 'noise', label: 'other work · steal', format: 'text' },
        ],
        rows: rows.map(({ system, run }) => ({
          subscribers: run.subscribers,
          system,
          rps: run.load.perSecond,
          vsBare: run.load.perSecond / bareRate(run.subscribers),
          p50: run.load.p50,
          p99: run.load.p99,
          accepted: `${count(run.verdicts.accepted ?? 0)} / ${count(run.load.requests)}`,
          delivered: run.subscribers > 0 ? `${count(run.delivered)} / ${count(run.expected)}` : '—',
          deliveryP99: run.delivery ? `${round(run.delivery.p50)} · ${round(run.delivery.p99)}` : '—',
          cpu: `${percent(run.cpu.system)} · ${percent(run.cpu.loadGenerator)}`,
          noise: formatNoise(run.noise),
        })),
      },
    ],
    notes: [
      '"× anchor" is webhooks/s over the bare anchor’s with the same subscribers, in this run. Acknowledgement latency is autocannon’s, from request written to answer read.',
      '"accepted" is counted by the system under test (the gateway’s `gateway_webhooks_total{verdict}`); anything else (duplicate, stale, refused) would show as fewer accepted than sent.',
      'Delivery latency is from autocannon handing a webhook to its socket to the subscriber reading the event.',
      ...rows
        .filter(({ run }) => (run.verdicts.accepted ?? 0) < run.load.requests || run.load.failed > 0 || run.delivered < run.expected)
        .map(
          ({ system, run }) =>
            `${system}, ${run.subscribers} subscribers: verdicts ${JSON.stringify(run.verdicts)}, ${run.load.failed} failed requests, ${run.delivered} of ${run.expected} delivered.`,
        ),
    ],
    repeats: Object.fromEntries(
      rows.filter(({ system, run }) => system === GATEWAY && run.subscribers === 0).map(({ run }) => [INGEST_REPEAT, run.load.perSecond]),
    ),
    details: rows,
  };
}
