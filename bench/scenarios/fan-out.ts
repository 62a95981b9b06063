import type { BenchOptions, FanOutSystem } from '../options.js';
import { measureDelivery, type DeliveryRun } from '../lib/delivery.js';
import { ProcessScope } from '../lib/processes.js';
import { count, percent } from '../lib/format.js';
import { log } from '../lib/log.js';
import { formatNoise } from '../lib/noise.js';
import type { Cell, ScenarioResult } from '../lib/result.js';
import { round } from '../lib/stats.js';
import { startBare, startGatewayProcess, type SystemContext } from '../lib/systems.js';
import { benchSchedules } from '../lib/webhooks.js';

const GATEWAY = 'gateway';
const GATEWAY_UNSHARED = 'gateway, WS_SHARED_EXECUTION=false';
const BARE = 'bare graphql-ws + pubsub (anchor)';
const FAN_OUT_SCHEDULES = 30;

interface Row {
  system: string;
  run: DeliveryRun;
}

const LABELS: Record<FanOutSystem, string> = { gateway: GATEWAY, unshared: GATEWAY_UNSHARED, bare: BARE };

/** The cells every delivery table shares. */
export function deliveryCells(run: DeliveryRun): Record<string, Cell> {
  return {
    delivered: `${count(run.delivered)} / ${count(run.expected)}`,
    p50: run.latency.p50,
    p99: run.latency.p99,
    max: run.latency.max,
    ack: `${round(run.ack.p50)} · ${round(run.ack.p99)}`,
    mps: `${count(run.messagesPerSecond)} / ${count(run.rate * run.subscribers)}`,
  };
}

/** A line for each run where something went short: webhooks not accepted, deliveries missing, malformed messages. */
export function deliveryProblems(label: string, run: DeliveryRun): string[] {
  const problems: string[] = [];
  const refused = Object.entries(run.outcomes).filter(([outcome]) => outcome !== 'accepted');
  if (refused.length > 0) {
    problems.push(
      `${label}: of ${count(run.webhooks)} webhooks, ${refused.map(([outcome, n]) => `${n} ${outcome}`).join(', ')} (the rest accepted).`,
    );
  }
  if (run.delivered < run.expected) problems.push(`${label}: ${count(run.expected - run.delivered)} deliveries missing.`);
  if (run.invalidMessages > 0) problems.push(`${label}: ${run.invalidMessages} malformed messages, first: ${run.firstProblem ?? ''}`);
  return problems;
}

/** The name under which a scenario reports the gateway's delivery p50 at a given load. */
export function deliveryRepeat(subscribers: number, rate: number, seconds: number): string {
  return `gateway delivery p50 ms, ${count(subscribers)} subscribers at ${rate}/s for ${seconds} s`;
}

/** Whether the system delivered as fast as the webhooks asked (otherwise latency grows with the run). */
export function keptUp(run: DeliveryRun): boolean {
  return run.messagesPerSecond >= 0.95 * run.rate * run.subscribers;
}

/**
 * 3. Fan-out: N graphql-ws subscribers of `scheduleUpdated` on one instance, webhooks at a steady
 * rate, each delivered to all of them; next to the bare graphql-ws + pubsub anchor.
 */
export async function runFanOut(options: BenchOptions, context: SystemContext): Promise<ScenarioResult> {
  const schedules = benchSchedules(FAN_OUT_SCHEDULES);
  const rows: Row[] = [];
  const saturated: Row[] = [];
  const scope = new ProcessScope();
  const starters = (subscribers: number, suffix: string): Record<FanOutSystem, () => ReturnType<typeof startBare>> => ({
    gateway: () => startGatewayProcess(`gateway-${suffix}-${subscribers}`, context),
    unshared: () => startGatewayProcess(`gateway-unshared-${suffix}-${subscribers}`, context, { WS_SHARED_EXECUTION: 'false' }),
    bare: () => startBare(`bare-${suffix}-${subscribers}`, context),
  });
  const measure = async (
    system: FanOutSystem,
    subscribers: number,
    rate: number,
    seconds: number,
    suffix: string,
  ): Promise<DeliveryRun> => {
    log(`fan-out${suffix === 'fanout' ? '' : ' at saturation'}: ${LABELS[system]}, ${subscribers} subscribers, ${rate} webhooks/s`);
    const started = await scope.start(starters(subscribers, suffix)[system]());
    return measureDelivery({
      publishTo: started,
      subscribeTo: started,
      subscribers,
      rate,
      seconds,
      clientThreads: options.clientThreads,
      schedules,
      stop: () => started.stop(),
    });
  };
  try {
    for (const { subscribers, rate } of options.fanout.sizes) {
      for (const system of options.fanout.systems) {
        rows.push({ system: LABELS[system], run: await measure(system, subscribers, rate, options.fanout.seconds, 'fanout') });
      }
    }
    const saturation = options.fanout.saturation;
    if (saturation.subscribers > 0 && saturation.rate > 0) {
      // Executing once per subscriber is the anchor's way already: the unshared gateway adds nothing here.
      for (const system of options.fanout.systems.filter((name) => name !== 'unshared')) {
        saturated.push({
          system: LABELS[system],
          run: await measure(system, saturation.subscribers, saturation.rate, saturation.seconds, 'saturation'),
        });
      }
    }
  } finally {
    await scope.stopAll();
  }
  const bareOf = (run: DeliveryRun) => rows.find((row) => row.system === BARE && row.run.subscribers === run.subscribers)?.run;
  return {
    id: 'fanout',
    title: '3. Fan-out',
    setup:
      `Subscribers on one instance, all subscribed to \`scheduleUpdated\` (every event, ${FAN_OUT_SCHEDULES} schedules), over raw \`ws\` sockets speaking graphql-transport-ws ` +
      `on ${options.clientThreads} worker threads of the runner. Then webhooks at a steady rate for ${options.fanout.seconds} s, each delivered to every subscriber. ` +
      'Latency is from the webhook POST starting to a subscriber reading the event, over every (event, subscriber) pair. A fresh process per row. ' +
      'The gateway runs with its defaults, where subscribers of the same document and variables share one execution per event (`WS_SHARED_EXECUTION`); ' +
      'the second row turns that off, so it executes once per subscriber as the anchor does.',
    tables: [
      {
        columns: [
          { key: 'subscribers', label: 'subscribers', format: 'int' },
          { key: 'system', label: 'system', format: 'text' },
          { key: 'rate', label: 'webhooks/s', format: 'int' },
          { key: 'delivered', label: 'delivered / expected', format: 'text' },
          { key: 'p50', label: 'p50 ms', format: 'ms' },
          { key: 'p99', label: 'p99 ms', format: 'ms' },
          { key: 'max', label: 'max ms', format: 'ms' },
          { key: 'p99VsBare', label: 'p99 × anchor', format: 'ratio' },
          { key: 'mps', label: 'messages/s: delivered / offered', format: 'text' },
          { key: 'kb', label: 'RSS / subscriber', format: 'kb' },
          { key: 'kbVsBare', label: 'memory × anchor', format: 'ratio' },
          { key: 'ack', label: 'ack p50 · p99 ms', format: 'text' },
          { key: 'cpu', label: 'CPU: system · clients', format: 'text' },
          { key: 'noise', label: 'other work · steal', format: 'text' },
        ],
        rows: rows.map(({ system, run }) => {
          const bare = bareOf(run);
          return {
            subscribers: run.subscribers,
            system,
            rate: run.rate,
            ...deliveryCells(run),
            p99VsBare: bare ? run.latency.p99 / bare.latency.p99 : null,
            kb: run.memory.perSubscriberKb,
            kbVsBare: bare ? run.memory.perSubscriberKb / bare.memory.perSubscriberKb : null,
            cpu: `${percent(run.cpu.system)} · ${percent(run.cpu.clients)}`,
            noise: formatNoise(run.noise),
          };
        }),
      },
      ...(saturated.length === 0
        ? []
        : [
            {
              caption:
                `At saturation: ${count(options.fanout.saturation.subscribers)} subscribers, ${options.fanout.saturation.rate} webhooks/s for ${options.fanout.saturation.seconds} s, ` +
                'more than any of these systems delivers: messages/s is then what each can carry.',
              columns: [
                { key: 'system', label: 'system', format: 'text' as const },
                { key: 'mps', label: 'messages/s delivered', format: 'int' as const },
                { key: 'mpsVsBare', label: '× anchor', format: 'ratio' as const },
                { key: 'offered', label: 'messages/s offered', format: 'int' as const },
                { key: 'delivered', label: 'delivered / expected', format: 'text' as const },
                { key: 'drain', label: 'last delivery after first webhook, s', format: 'text' as const },
                { key: 'p50', label: 'p50 ms', format: 'ms' as const },
                { key: 'p99', label: 'p99 ms', format: 'ms' as const },
                { key: 'cpu', label: 'CPU: system · clients', format: 'text' as const },
                { key: 'noise', label: 'other work · steal', format: 'text' as const },
              ],
              rows: saturated.map(({ system, run }) => {
                const bare = saturated.find((row) => row.system === BARE)?.run;
                return {
                  system,
                  mps: run.messagesPerSecond,
                  mpsVsBare: bare ? run.messagesPerSecond / bare.messagesPerSecond : null,
                  offered: run.rate * run.subscribers,
                  delivered: `${count(run.delivered)} / ${count(run.expected)}`,
                  drain: run.messagesPerSecond > 0 ? (run.delivered / run.messagesPerSecond).toFixed(1) : '—',
                  p50: run.latency.p50,
                  p99: run.latency.p99,
                  cpu: `${percent(run.cpu.system)} · ${percent(run.cpu.clients)}`,
                  noise: formatNoise(run.noise),
                };
              }),
            },
          ]),
    ],
    notes: [
      '"delivered / expected" counts (event, subscriber) pairs: expected is accepted webhooks × subscribers. Short means events were dropped or sockets closed (for example a subscriber closed as too slow).',
      '"RSS / subscriber" is the system’s resident memory after every subscription was attached minus before any socket opened, divided by the subscribers (no forced GC).',
      '"messages/s" is deliveries over the time from the first webhook sent to the last delivery, next to what the webhooks asked for (rate × subscribers). ' +
        'Where it falls short, the system could not keep up: events queue, and latency grows with the length of the run (p99 and max then measure the backlog, not the cost of one event).',
      'CPU is the share of one core during the webhooks: the system under test, and the runner (all client sockets and the webhook sender).',
      ...rows
        .filter(({ run }) => !keptUp(run))
        .map(({ system, run }) => `${system} did not keep up with ${count(run.subscribers)} subscribers at ${run.rate} webhooks/s.`),
      ...rows.flatMap(({ system, run }) => deliveryProblems(`${system}, ${count(run.subscribers)} subscribers`, run)),
      ...(saturated.length === 0
        ? []
        : [
            'At saturation, webhooks are offered faster than delivered: events queue in the system, latency measures the queue, and messages/s (deliveries over the time from the first webhook to the last delivery) is the throughput one instance reaches.',
            ...saturated.flatMap(({ system, run }) => deliveryProblems(`${system} at saturation`, run)),
          ]),
    ],
    repeats: Object.fromEntries(
      rows
        .filter(({ system }) => system === GATEWAY)
        .map(({ run }) => [deliveryRepeat(run.subscribers, run.rate, options.fanout.seconds), run.latency.p50]),
    ),
    details: { rows, saturated },
  };
}
