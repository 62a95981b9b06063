import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { EventBus } from '../realtime/bus.js';
import type { Metrics } from '../metrics.js';
import { parseWebhook, WebhookShapeError } from './envelope.js';
import { WebhookRefusal, type WebhookVerifier } from './verify.js';

export const WEBHOOK_BODY_LIMIT = 1_024 * 1_024; // bytes: a schedule event is a few KiB

export interface WebhookRouteOptions {
  verifier: WebhookVerifier;
  bus: EventBus;
  logger: Logger;
  metrics: Metrics;
  /** When set, webhooks of other app instances are acknowledged and dropped. */
  instanceId?: string | undefined;
}

/**
 * `POST /webhooks/wix`: raw body → verify (RS256) → parse (zod) → event bus → 200. The body is read
 * as bytes whatever the Content-Type says. 200 only once the event is on the bus, or known as a
 * duplicate, stale, or of no interest (so Wix stops retrying); 4xx for a body that is not a valid
 * signed webhook; 503 when the bus cannot take it (Wix retries).
 */
export function webhookRouter(options: WebhookRouteOptions): Router {
  const { verifier, bus, metrics, instanceId } = options;
  const router = express.Router();
  const reply = (res: Response, status: number, verdict: string, eventType: string, extra: Record<string, unknown> = {}) => {
    metrics.webhooks.inc({ verdict, event_type: eventType });
    res.status(status).json({ status: verdict, ...extra });
  };

  router.post('/webhooks/wix', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req: Request, res: Response) => {
    const receivedAt = new Date();
    const offeredId = req.get('x-request-id');
    const requestId = offeredId && /^[\w.:-]{1,128}$/.test(offeredId) ? offeredId : randomUUID();
    const logger = options.logger;
    const body: unknown = req.body;
    const token = Buffer.isBuffer(body) ? body.toString('latin1').trim() : '';
    try {
      if (token === '') throw new WebhookRefusal(400, 'empty body');
      const payload = await verifier.verify(token);
      const webhook = parseWebhook(payload, receivedAt);
      // One child logger per webhook, made only once its event type is known.
      const log = logger.child({ requestId, eventType: webhook.eventType });
      if (webhook.kind === 'other') {
        log.info({ verdict: 'ignored' }, 'webhook');
        reply(res, 200, 'ignored', webhook.eventType);
        return;
      }
      const { change } = webhook;
      if (instanceId && change.instanceId !== instanceId) {
        log.info({ verdict: 'foreign_instance', eventId: change.eventId }, 'webhook');
        reply(res, 200, 'foreign_instance', webhook.eventType);
        return;
      }
      let result;
      try {
        result = await bus.publish(change);
      } catch (error) {
        log.error({ err: error, eventId: change.eventId }, 'webhook could not be put on the event bus');
        reply(res, 503, 'unavailable', webhook.eventType);
        return;
      }
      metrics.webhookToDelivery.observe((Date.now() - receivedAt.getTime()) / 1_000);
      log.info({ verdict: result.verdict, eventId: change.eventId, scheduleId: change.entityId, sequence: change.sequence }, 'webhook');
      reply(res, 200, result.verdict, webhook.eventType, result.event ? { cursor: result.event.cursor } : {});
    } catch (error) {
      if (error instanceof WebhookRefusal || error instanceof WebhookShapeError) {
        const status = error instanceof WebhookRefusal ? error.status : 400;
        logger.warn({ requestId, verdict: 'refused', status, reason: error.message }, 'webhook');
        reply(res, status, 'refused', 'unknown', { reason: error.message });
        return;
      }
      logger.error({ requestId, err: error }, 'webhook handling failed');
      reply(res, 500, 'error', 'unknown');
    }
  });
  return router;
}
