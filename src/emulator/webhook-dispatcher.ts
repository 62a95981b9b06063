/**
 * Delivers webhooks like Wix (docs/wix-contract.md §3.4): POST of the raw JWT, success only on HTTP 200
 * within the timeout, otherwise retries after the given delays, re-signing each attempt. Each
 * event is delivered on its own, so a retried old event can arrive after a newer one.
 */
import http, { type ClientRequest } from 'node:http';
import https from 'node:https';
import type { Logger } from 'pino';
import { createWebhookJwt, type OutgoingEvent, type ScheduleDomainEvent, type WebhookKeys } from './webhooks.js';

/** Wix's resend schedule after a failed delivery: 1 min, 10 min, 1 h, 2 h ×3, 4 h ×3, 8 h ×2, 12 h. */
export const WIX_RETRY_DELAYS_MS: readonly number[] = [
  60_000, 600_000, 3_600_000, 7_200_000, 7_200_000, 7_200_000, 14_400_000, 14_400_000, 14_400_000, 28_800_000, 28_800_000, 43_200_000,
];
/** Wix waits this long for the 200. */
export const WIX_WEBHOOK_TIMEOUT_MS = 1_250;

export interface WebhookAttempt {
  eventId: string;
  eventType: string;
  instanceId: string;
  entityId: string;
  /** 1 for the first delivery, 2 for the first retry, … */
  attempt: number;
  url: string;
  /** HTTP status received, absent when no answer came (timeout, refused, reset). */
  status?: number;
  error?: string;
  ok: boolean;
}

export interface DeliveredWebhook {
  eventId: string;
  eventType: string;
  instanceId: string;
  entityId: string;
  event: ScheduleDomainEvent;
  /** The token of the successful attempt. */
  jwt: string;
  url: string;
  attempts: number;
}

export interface AbandonedWebhook {
  eventId: string;
  eventType: string;
  instanceId: string;
  entityId: string;
  event: ScheduleDomainEvent;
  attempts: number;
  reason: string;
}

export interface DispatcherOptions {
  keys: WebhookKeys;
  appId: string;
  retryDelaysMs: readonly number[];
  timeoutMs: number;
  webhookUrl: string | undefined;
  logger: Logger;
}

interface Delivery {
  instanceId: string;
  outgoing: OutgoingEvent;
  attempts: number;
  /** Exactly one of these is set while the delivery is pending. */
  timer: NodeJS.Timeout | undefined;
  inFlight: Promise<void> | undefined;
}

interface PostResult {
  status?: number;
  error?: string;
}

export class WebhookDispatcher {
  readonly delivered: DeliveredWebhook[] = [];
  readonly abandoned: AbandonedWebhook[] = [];
  readonly attempts: WebhookAttempt[] = [];
  private url: string | undefined;
  private closed = false;
  private readonly options: DispatcherOptions;
  private readonly active = new Set<Delivery>();
  private readonly requests = new Set<ClientRequest>();

  constructor(options: DispatcherOptions) {
    this.options = options;
    this.url = options.webhookUrl;
  }

  get webhookUrl(): string | undefined {
    return this.url;
  }

  /** Retries already scheduled go to the new URL; with none, they are abandoned. */
  setWebhookUrl(url: string | undefined): void {
    this.url = url;
  }

  /** Sends the events of one change; without a webhook URL nothing is sent, as with an app that has none. */
  dispatch(instanceId: string, events: readonly OutgoingEvent[]): void {
    if (this.closed || this.url === undefined) return;
    for (const outgoing of events) {
      const delivery: Delivery = { instanceId, outgoing, attempts: 0, timer: undefined, inFlight: undefined };
      this.active.add(delivery);
      this.start(delivery);
    }
  }

  /** Deliveries not yet delivered nor abandoned (in flight or waiting for a retry). */
  pending(): number {
    return this.active.size;
  }

  /**
   * Resolves once every pending delivery is delivered or abandoned. Retries waiting for their
   * delay are started at once, so tests need not wait for Wix's real schedule.
   */
  async flush(): Promise<void> {
    while (!this.closed && this.active.size > 0) {
      const deliveries = [...this.active];
      for (const delivery of deliveries) {
        if (delivery.timer !== undefined) {
          clearTimeout(delivery.timer);
          this.start(delivery);
        }
      }
      await Promise.all(deliveries.flatMap((delivery) => (delivery.inFlight ? [delivery.inFlight] : [])));
    }
  }

  /** Forgets the records (delivered, abandoned, attempts); pending deliveries go on. */
  clear(): void {
    this.delivered.length = 0;
    this.abandoned.length = 0;
    this.attempts.length = 0;
  }

  /** Cancels retries and in-flight requests; nothing is sent afterwards. */
  close(): void {
    this.closed = true;
    for (const delivery of this.active) clearTimeout(delivery.timer);
    this.active.clear();
    for (const request of this.requests) request.destroy();
    this.requests.clear();
  }

  private start(delivery: Delivery): void {
    delivery.timer = undefined;
    const attempt: Promise<void> = this.attempt(delivery).finally(() => {
      if (delivery.inFlight === attempt) delivery.inFlight = undefined;
    });
    delivery.inFlight = attempt;
  }

  private async attempt(delivery: Delivery): Promise<void> {
    const { event, eventType } = delivery.outgoing;
    const url = this.url;
    if (url === undefined) {
      this.abandon(delivery, 'no webhook URL configured');
      return;
    }
    delivery.attempts += 1;
    const jwt = await createWebhookJwt({
      privateKey: this.options.keys.privateKey,
      appId: this.options.appId,
      instanceId: delivery.instanceId,
      eventType,
      event,
    });
    if (this.closed) return;
    const result = await this.post(url, jwt);
    if (this.closed) return;
    const ok = result.status === 200;
    const identity = { eventId: event.id, eventType, instanceId: delivery.instanceId, entityId: event.entityId };
    this.attempts.push({ ...identity, attempt: delivery.attempts, url, ...result, ok });
    if (ok) {
      this.active.delete(delivery);
      this.delivered.push({ ...identity, event, jwt, url, attempts: delivery.attempts });
      this.options.logger.debug({ ...identity, attempt: delivery.attempts }, 'webhook delivered');
      return;
    }
    const delayMs = this.options.retryDelaysMs[delivery.attempts - 1];
    const reason = result.error ?? `HTTP ${String(result.status)}`;
    if (delayMs === undefined) {
      this.abandon(delivery, reason);
      return;
    }
    this.options.logger.debug({ ...identity, attempt: delivery.attempts, reason, retryInMs: delayMs }, 'webhook delivery failed');
    delivery.timer = setTimeout(() => this.start(delivery), delayMs);
    delivery.timer.unref();
  }

  private abandon(delivery: Delivery, reason: string): void {
    const { event, eventType } = delivery.outgoing;
    this.active.delete(delivery);
    const record = { eventId: event.id, eventType, instanceId: delivery.instanceId, entityId: event.entityId };
    this.abandoned.push({ ...record, event, attempts: delivery.attempts, reason });
    this.options.logger.warn({ ...record, attempts: delivery.attempts, reason }, 'webhook abandoned');
  }

  /** One POST on a fresh connection (no keep-alive pool left open after close). */
  private post(url: string, body: string): Promise<PostResult> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve({ error: `invalid webhook URL ${url}` });
        return;
      }
      const transport = target.protocol === 'https:' ? https : http;
      const request = transport.request(target, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body), 'user-agent': 'wix-emulator' },
      });
      const timer = setTimeout(() => {
        request.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
      this.requests.add(request);
      const settle = (result: PostResult): void => {
        clearTimeout(timer);
        this.requests.delete(request);
        resolve(result);
      };
      request.on('response', (response) => {
        response.resume();
        settle({ status: response.statusCode ?? 0 });
      });
      request.on('error', (error) => settle({ error: error.message }));
      request.end(body);
    });
  }
}
