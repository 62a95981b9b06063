import type { Schedule } from '../../src/emulator/index.js';
import { watchNoise, type Noise } from './noise.js';
import { cpuShare, type SystemProcess } from './processes.js';
import { distribution, sleep, type Distribution } from './stats.js';
import { SubscriberPool } from './subscribers.js';
import { waitForCounter, wsUrl } from './systems.js';
import { sendAtRate, signWebhooks } from './webhooks.js';

/** What each subscriber asks for: the event and the schedule it carries, as a live UI would. */
export const SCHEDULE_UPDATED_SUBSCRIPTION = `subscription BenchScheduleUpdated($scheduleIds: [ID!]) {
  scheduleUpdated(scheduleIds: $scheduleIds) {
    eventId eventTime sequence cursor
    schedule {
      id name status timeZone revision updatedDate defaultCapacity
      defaultLocation { type name address }
      permissions { role identity { wixUserId } }
    }
  }
}`;

export interface DeliveryParams {
  /** Where the webhooks go. */
  publishTo: SystemProcess;
  /** Where the subscribers connect (another instance, on Redis). */
  subscribeTo: SystemProcess;
  subscribers: number;
  /** Webhooks per second. */
  rate: number;
  seconds: number;
  clientThreads: number;
  schedules: readonly Schedule[];
  /** Stops the systems; run before the client sockets are dropped, so the servers close them. */
  stop: () => Promise<void>;
}

export interface DeliveryRun {
  subscribers: number;
  rate: number;
  webhooks: number;
  accepted: number;
  outcomes: Record<string, number>;
  expected: number;
  delivered: number;
  /** Webhook POST start → arrival at a client, ms. */
  latency: Distribution;
  /** Webhook acknowledgement, ms. */
  ack: Distribution;
  messagesPerSecond: number;
  connectSeconds: number;
  memory: { idleMb: number; subscribedMb: number; perSubscriberKb: number; afterEventsMb: number };
  /** Share of one core during the webhooks: the subscribers' system, the publishing one (when another), the runner's clients. */
  cpu: { system: number; publisher: number | null; clients: number };
  noise: Noise | null;
  invalidMessages: number;
  firstProblem: string | undefined;
}

const MB = 1_024 * 1_024;

/**
 * Connects the subscribers, measures what they cost in resident memory, then sends webhooks at a
 * steady rate and measures, for every (event, subscriber), webhook POST start → arrival.
 */
export async function measureDelivery(params: DeliveryParams): Promise<DeliveryRun> {
  const { publishTo, subscribeTo, subscribers, rate, seconds } = params;
  let pool: SubscriberPool | undefined;
  try {
    const webhooks = await signWebhooks(params.schedules, Math.max(1, Math.round(rate * seconds)), params.clientThreads);
    await sleep(500);
    const idle = await subscribeTo.stats();
    const connectStart = performance.now();
    pool = await SubscriberPool.open({
      url: wsUrl(subscribeTo),
      query: SCHEDULE_UPDATED_SUBSCRIPTION,
      variables: Array.from({ length: subscribers }, () => null),
      threads: params.clientThreads,
    });
    await waitForCounter(subscribeTo, 'subscriptions', subscribers);
    const connectSeconds = (performance.now() - connectStart) / 1_000;
    await sleep(1_000);
    const subscribed = await subscribeTo.stats();
    const publisherBefore = publishTo === subscribeTo ? undefined : await publishTo.stats();

    const clientsBefore = process.cpuUsage();
    const wallStart = performance.now();
    const noise = watchNoise();
    const sent = await sendAtRate(publishTo.url, webhooks, rate);
    const accepted = sent.outcomes.accepted ?? 0;
    const expected = accepted * subscribers;
    await pool.settle(expected, 5_000, 60_000);
    const otherWork = noise();
    const clientsCpu = process.cpuUsage(clientsBefore);
    const wallMs = performance.now() - wallStart;
    const after = await subscribeTo.stats();
    const publisherAfter = publisherBefore ? await publishTo.stats() : undefined;

    const receipts = await pool.collect();
    const totals = pool.totals();
    const latencies: number[] = [];
    let lastArrival = sent.startedAt;
    for (const [eventId, sentAt] of sent.sentAt) {
      for (const at of receipts.get(eventId) ?? []) {
        latencies.push(at - sentAt);
        if (at > lastArrival) lastArrival = at;
      }
    }
    return {
      subscribers,
      rate,
      webhooks: webhooks.length,
      accepted,
      outcomes: sent.outcomes,
      expected,
      delivered: latencies.length,
      latency: distribution(latencies),
      ack: distribution(sent.ackMs),
      messagesPerSecond: latencies.length / ((lastArrival - sent.startedAt) / 1_000),
      connectSeconds,
      memory: {
        idleMb: idle.rssBytes / MB,
        subscribedMb: subscribed.rssBytes / MB,
        perSubscriberKb: (subscribed.rssBytes - idle.rssBytes) / 1_024 / subscribers,
        afterEventsMb: after.rssBytes / MB,
      },
      cpu: {
        system: cpuShare(subscribed, after),
        publisher: publisherBefore && publisherAfter ? cpuShare(publisherBefore, publisherAfter) : null,
        clients: (clientsCpu.user + clientsCpu.system) / 1_000 / wallMs,
      },
      noise: otherWork,
      invalidMessages: totals.invalid,
      firstProblem: totals.firstProblem,
    };
  } finally {
    await params.stop();
    await pool?.close();
  }
}
