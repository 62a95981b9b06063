import { z } from 'zod';
import { ScheduleDto, ScheduleStatus } from '../datasources/schedules.dto.js';
import type { ScheduleChange, ScheduleTopic } from '../realtime/events.js';
import type { JWTPayload } from 'jose';

/** The schedule webhooks the gateway turns into subscriptions (WIX-API.md §2.4). */
export const SCHEDULE_EVENT_TYPES = {
  created: 'wix.calendar.v3.schedule_created',
  updated: 'wix.calendar.v3.schedule_updated',
  cancelled: 'wix.calendar.v3.schedule_cancelled',
} as const;

export class WebhookShapeError extends Error {}

/** `data` is a JSON string on the wire (the SDK requires it); the docs print it as an object: accept both. */
const jsonStringOrObject = z.union([
  z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  }),
  z.record(z.string(), z.unknown()),
]);

const JwtPayload = z.object({ data: jsonStringOrObject });

const Envelope = z.object({
  instanceId: z.string().min(1).max(200),
  eventType: z.string().min(1).max(300),
  data: jsonStringOrObject,
});

const Sequence = z.union([z.string().regex(/^\d{1,19}$/), z.number().int().nonnegative()]).transform((value) => BigInt(value).toString());

const InnerEvent = z.object({
  id: z.string().min(1).max(200),
  entityId: z.string().min(1).max(200).nullish(),
  eventTime: z.iso.datetime({ offset: true }).nullish(),
  entityEventSequence: Sequence.nullish(),
  createdEvent: z.object({ entity: ScheduleDto }).nullish(),
  updatedEvent: z.object({ currentEntity: ScheduleDto }).nullish(),
  actionEvent: z.object({ body: z.object({ schedule: ScheduleDto }) }).nullish(),
});

export type ParsedWebhook =
  | { kind: 'schedule'; eventType: string; change: ScheduleChange }
  | { kind: 'other'; eventType: string; instanceId: string };

/**
 * Reads the three layers of a verified webhook: JWT `data` → envelope (`instanceId`, `eventType`,
 * `data`) → the domain event. Throws WebhookShapeError for anything that is not the documented shape.
 */
export function parseWebhook(payload: JWTPayload, receivedAt: Date): ParsedWebhook {
  const outer = JwtPayload.safeParse(payload);
  if (!outer.success) throw new WebhookShapeError('JWT payload has no data');
  const envelope = Envelope.safeParse(outer.data.data);
  if (!envelope.success) throw new WebhookShapeError('envelope is not { instanceId, eventType, data }');
  const { instanceId, eventType } = envelope.data;

  const topic = (Object.keys(SCHEDULE_EVENT_TYPES) as ScheduleTopic[]).find((t) => SCHEDULE_EVENT_TYPES[t] === eventType);
  if (!topic) return { kind: 'other', eventType, instanceId };

  const inner = InnerEvent.safeParse(envelope.data.data);
  if (!inner.success) throw new WebhookShapeError(`${eventType}: the event does not have the documented shape`);
  const event = inner.data;
  const schedule =
    topic === 'created' ? event.createdEvent?.entity : topic === 'updated' ? event.updatedEvent?.currentEntity : event.actionEvent?.body.schedule;
  if (!schedule) throw new WebhookShapeError(`${eventType}: the event carries no schedule`);
  const entityId = event.entityId ?? schedule.id;
  if (entityId !== schedule.id) throw new WebhookShapeError(`${eventType}: entityId and schedule id differ`);

  // An update to CANCELLED is a cancellation too (WIX-API.md §2.4: Wix may send only the update).
  const topics: ScheduleTopic[] = topic === 'updated' && schedule.status === ScheduleStatus.CANCELLED ? ['updated', 'cancelled'] : [topic];
  return {
    kind: 'schedule',
    eventType,
    change: {
      eventId: event.id,
      instanceId,
      entityId,
      eventTime: event.eventTime ? new Date(event.eventTime).toISOString() : receivedAt.toISOString(),
      // Wix documents entityEventSequence on every domain event; should one come without it, the
      // schedule's revision (which also grows by one per change) orders it instead.
      sequence: event.entityEventSequence ?? (schedule.revision && /^\d{1,19}$/.test(schedule.revision) ? BigInt(schedule.revision).toString() : '0'),
      topics,
      schedule,
    },
  };
}
