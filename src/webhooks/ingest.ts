import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventBus } from '../bus/bus.js';
import type { Metrics } from '../infra/metrics.js';
import { parseWebhook, WebhookShapeError } from './envelope.js';
import { WebhookRefusal, type WebhookVerifier } from './verify.js';

export interface WebhookIngestOptions {
  verifier: WebhookVerifier;
  bus: EventBus;
  logger: Logger;
  metrics: Metrics;
  /** When set, webhooks of other app instances are acknowledged and dropped. */
  instanceId?: string | undefined;
}

/** What a webhook is answered: the HTTP status and the JSON text of the body. */
export interface WebhookAnswer {
  status: number;
  body: string;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * The webhook itself, whatever carried it: raw body → verify (RS256) → parse → event bus → answer.
 * 200 only once the event is on the bus, or known as a duplicate, stale, or of no interest (so Wix
 * stops retrying); 4xx for a body that is not a valid signed webhook; 503 when the bus cannot take
 * it (Wix retries). Log lines are built only when their level is on: at the default level, every
 * accepted webhook would otherwise pay for a line nobody reads.
 */
export function createWebhookIngest(
  options: WebhookIngestOptions,
): (body: Buffer | undefined, offeredRequestId: string | undefined) => Promise<WebhookAnswer> {
  const { verifier, bus, metrics, logger, instanceId } = options;
  const answer = (status: number, verdict: string, eventType: string, extra?: Record<string, unknown>): WebhookAnswer => {
    metrics.webhooks.inc({ verdict, event_type: eventType });
    return { status, body: JSON.stringify(extra ? { status: verdict, ...extra } : { status: verdict }) };
  };

  return async (body, offeredRequestId) => {
    const receivedAt = Date.now();
    const requestId = () => (offeredRequestId !== undefined && REQUEST_ID.test(offeredRequestId) ? offeredRequestId : randomUUID());
    const token = body ? body.toString('latin1').trim() : '';
    try {
      if (token === '') throw new WebhookRefusal(400, 'empty body');
      const payload = await verifier.verify(token);
      const webhook = parseWebhook(payload, new Date(receivedAt));
      const { eventType } = webhook;
      const info = logger.isLevelEnabled('info');
      if (webhook.kind === 'other') {
        if (info) logger.info({ requestId: requestId(), eventType, verdict: 'ignored' }, 'webhook');
        return answer(200, 'ignored', eventType);
      }
      const { change } = webhook;
      if (instanceId && change.instanceId !== instanceId) {
        if (info) logger.info({ requestId: requestId(), eventType, verdict: 'foreign_instance', eventId: change.eventId }, 'webhook');
        return answer(200, 'foreign_instance', eventType);
      }
      let result;
      try {
        result = await bus.publish(change);
      } catch (error) {
        logger.error(
          { requestId: requestId(), eventType, err: error, eventId: change.eventId },
          'webhook could not be put on the event bus',
        );
        return answer(503, 'unavailable', eventType);
      }
      metrics.webhookToDelivery.observe((Date.now() - receivedAt) / 1_000);
      if (info) {
        logger.info(
          {
            requestId: requestId(),
            eventType,
            verdict: result.verdict,
            eventId: change.eventId,
            scheduleId: change.entityId,
            sequence: change.sequence,
          },
          'webhook',
        );
      }
      return answer(200, result.verdict, eventType, result.event ? { cursor: result.event.cursor } : undefined);
    } catch (error) {
      if (error instanceof WebhookRefusal || error instanceof WebhookShapeError) {
        const status = error instanceof WebhookRefusal ? error.status : 400;
        logger.warn({ requestId: requestId(), verdict: 'refused', status, reason: error.message }, 'webhook');
        return answer(status, 'refused', 'unknown', { reason: error.message });
      }
      logger.error({ requestId: requestId(), err: error }, 'webhook handling failed');
      return answer(500, 'error', 'unknown');
    }
  };
}
