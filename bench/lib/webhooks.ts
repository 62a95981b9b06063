import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { buildSeed, SCHEDULE_EVENT_TYPES, type Schedule } from '../../src/emulator/index.js';
import { scheduleUpdatedEvent } from '../../src/emulator/webhooks.js';
import type { SignJob } from './sign-worker.js';
import { startTsWorker } from './ts-worker.js';

/** One signed schedule_updated webhook, ready to POST. */
export interface SignedWebhook {
  eventId: string;
  scheduleId: string;
  body: string;
}

/** Generated schedules (the emulator's generator), as webhook payloads carry them. */
export function benchSchedules(count: number): Schedule[] {
  return buildSeed({ schedules: count, connectionsPerSchedule: 0 }, (id) => id).schedules;
}

/** Sequences only ever grow over a run, so every event is newer than the last one of its schedule. */
let lastSequence = 0;

/**
 * `count` schedule_updated webhooks, round-robin over `schedules`, each with a fresh event id and
 * the next sequence, signed RS256 with the emulator's development key (which a gateway in emulator
 * mode trusts), on `threads` worker threads.
 */
export async function signWebhooks(schedules: readonly Schedule[], count: number, threads = 2): Promise<SignedWebhook[]> {
  const events = Array.from({ length: count }, (_, index) => {
    const template = schedules[index % schedules.length];
    if (!template) throw new Error('no schedules to send webhooks for');
    lastSequence += 1;
    const sequence = String(lastSequence);
    const { event } = scheduleUpdatedEvent(
      { ...template, name: `${template.name} (${sequence})`, revision: sequence, updatedDate: new Date().toISOString() },
      sequence,
    );
    event.id = randomUUID();
    return event;
  });
  const share = Math.ceil(count / threads);
  const parts = await Promise.all(
    Array.from({ length: threads }, (_, thread) => {
      const job: SignJob = { eventType: SCHEDULE_EVENT_TYPES.updated, events: events.slice(thread * share, (thread + 1) * share) };
      if (job.events.length === 0) return Promise.resolve([]);
      return new Promise<string[]>((resolve, reject) => {
        const worker = startTsWorker(new URL('./sign-worker.ts', import.meta.url), { workerData: job });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    }),
  );
  const tokens = parts.flat();
  return events.map((event, index) => ({ eventId: event.id, scheduleId: event.entityId, body: tokens[index] ?? '' }));
}

/** High-resolution wall-clock ms, comparable across the worker threads of this process. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export interface SentWebhooks {
  /** eventId → when its POST started (ms, `now()`). */
  sentAt: Map<string, number>;
  /** Acknowledgement latencies, ms. */
  ackMs: number[];
  /** Response `status` (accepted, duplicate…) or the HTTP status / error, with counts. */
  outcomes: Record<string, number>;
  /** When the first POST started and the last one was answered. */
  startedAt: number;
  finishedAt: number;
}

/**
 * POSTs the webhooks at a steady rate on keep-alive connections, each at its planned time whether
 * or not earlier ones were answered (so a slow server is not given a slower load), and waits for
 * every answer.
 */
export async function sendAtRate(baseUrl: string, webhooks: readonly SignedWebhook[], perSecond: number): Promise<SentWebhooks> {
  const target = new URL('/webhooks/wix', baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const sentAt = new Map<string, number>();
  const ackMs: number[] = [];
  const outcomes: Record<string, number> = {};
  const count = (outcome: string) => {
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  };
  const intervalMs = 1_000 / perSecond;
  const startedAt = now();
  const answers: Promise<void>[] = [];
  for (const [index, webhook] of webhooks.entries()) {
    const due = startedAt + index * intervalMs;
    const wait = due - now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    answers.push(
      new Promise<void>((resolve) => {
        const start = now();
        sentAt.set(webhook.eventId, start);
        const req = request(
          target,
          { method: 'POST', agent, headers: { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(webhook.body) } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              ackMs.push(now() - start);
              const text = Buffer.concat(chunks).toString();
              count(res.statusCode === 200 ? (/"status":"(\w+)"/.exec(text)?.[1] ?? 'ok') : `http ${res.statusCode}`);
              resolve();
            });
          },
        );
        req.on('error', (error) => {
          count(`error ${error.message}`);
          resolve();
        });
        req.end(webhook.body);
      }),
    );
  }
  await Promise.all(answers);
  agent.destroy();
  return { sentAt, ackMs, outcomes, startedAt, finishedAt: now() };
}
