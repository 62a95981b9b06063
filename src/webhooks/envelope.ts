import { z } from 'zod';
import { ScheduleDto, ScheduleStatus, withoutPersonalData } from '../datasources/schedules.dto.js';
import type { ScheduleChange, ScheduleTopic } from '../bus/events.js';
import type { JWTPayload } from 'jose';

/** The schedule webhooks the gateway turns into subscriptions (docs/wix-contract.md §2.4). */
export const SCHEDULE_EVENT_TYPES = {
  created: 'wix.calendar.v3.schedule_created',
  updated: 'wix.calendar.v3.schedule_updated',
  cancelled: 'wix.calendar.v3.schedule_cancelled',
} as const;

export class WebhookShapeError extends Error {}

const INVALID = Symbol('invalid');
type Checked<T> = T | typeof INVALID;

/**
 * The layers are checked by hand rather than with one zod schema per layer: they are three small
 * objects of strings, and building them through zod cost three times the JSON parsing. The schedule
 * itself, the DTO every subscriber sees, is still read by its zod schema. Each check accepts
 * exactly what the equivalent zod schema (named in its comment) accepts.
 */

/** z.object input: a non-null object that is not an array. */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** z.string().min(min).max(max) */
function isText(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max;
}

/**
 * `data` is a JSON string on the wire (the SDK requires it); the docs print it as an object: accept
 * both. (z.union([z.string() parsed as JSON, z.record(z.string(), z.unknown())]))
 */
function jsonStringOrObject(value: unknown): Checked<unknown> {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return INVALID;
    }
  }
  return isObject(value) ? value : INVALID;
}

const SEQUENCE_TEXT = /^\d{1,19}$/;

/** z.union([z.string().regex(/^\d{1,19}$/), z.number().int().nonnegative()]) → canonical decimal, nullish. */
function sequenceOf(value: unknown): Checked<string | null | undefined> {
  if (value === undefined || value === null) return value;
  if (typeof value === 'string' && SEQUENCE_TEXT.test(value)) return BigInt(value).toString();
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value).toString();
  return INVALID;
}

const EventTime = z.iso.datetime({ offset: true });

/** z.object({ [key]: ScheduleDto }) */
function scheduleAt(value: unknown, key: string): Checked<ScheduleDto> {
  if (!isObject(value)) return INVALID;
  const schedule = ScheduleDto.safeParse(value[key]);
  // Webhooks carry the whole schedule, personal data too: it never enters the event log, nor
  // reaches a subscriber (subscriptions cannot ask for personal data).
  return schedule.success ? withoutPersonalData(schedule.data) : INVALID;
}

/** .nullish(): null and undefined read as absent. */
function nullish<T>(value: unknown, check: (present: unknown) => Checked<T>): Checked<T | undefined> {
  return value === undefined || value === null ? undefined : check(value);
}

interface InnerEvent {
  id: string;
  entityId: string | null | undefined;
  eventTime: string | null | undefined;
  entityEventSequence: string | null | undefined;
  /** The schedule each one-of body carries, when present. */
  schedules: Record<ScheduleTopic, ScheduleDto | undefined>;
}

/** The domain event: id, entityId, eventTime, entityEventSequence and the created / updated / action bodies, each nullish but id. */
function innerEvent(value: unknown): InnerEvent | undefined {
  if (!isObject(value)) return undefined;
  const { id, entityId, eventTime } = value;
  if (!isText(id, 1, 200)) return undefined;
  const entity = nullish(entityId, (present) => (isText(present, 1, 200) ? present : INVALID));
  const time = nullish(eventTime, (present) => (EventTime.safeParse(present).success ? (present as string) : INVALID));
  const sequence = sequenceOf(value.entityEventSequence);
  const created = nullish(value.createdEvent, (present) => scheduleAt(present, 'entity'));
  const updated = nullish(value.updatedEvent, (present) => scheduleAt(present, 'currentEntity'));
  const cancelled = nullish(value.actionEvent, (present) => (isObject(present) ? scheduleAt(present.body, 'schedule') : INVALID));
  if (entity === INVALID || time === INVALID || sequence === INVALID || created === INVALID || updated === INVALID || cancelled === INVALID)
    return undefined;
  return { id, entityId: entity, eventTime: time, entityEventSequence: sequence, schedules: { created, updated, cancelled } };
}

export type ParsedWebhook =
  { kind: 'schedule'; eventType: string; change: ScheduleChange } | { kind: 'other'; eventType: string; instanceId: string };

/**
 * Reads the three layers of a verified webhook: JWT `data` → envelope (`instanceId`, `eventType`,
 * `data`) → the domain event. Throws WebhookShapeError for anything that is not the documented shape.
 */
export function parseWebhook(payload: JWTPayload, receivedAt: Date): ParsedWebhook {
  const outer = jsonStringOrObject(payload.data);
  if (outer === INVALID) throw new WebhookShapeError('JWT payload has no data');
  const envelope = isObject(outer) ? outer : undefined;
  const data = envelope ? jsonStringOrObject(envelope.data) : INVALID;
  if (!envelope || !isText(envelope.instanceId, 1, 200) || !isText(envelope.eventType, 1, 300) || data === INVALID) {
    throw new WebhookShapeError('envelope is not { instanceId, eventType, data }');
  }
  const { instanceId, eventType } = envelope;

  const topic = (Object.keys(SCHEDULE_EVENT_TYPES) as ScheduleTopic[]).find((t) => SCHEDULE_EVENT_TYPES[t] === eventType);
  if (!topic) return { kind: 'other', eventType, instanceId };

  const event = innerEvent(data);
  if (!event) throw new WebhookShapeError(`${eventType}: the event does not have the documented shape`);
  const schedule = event.schedules[topic];
  if (!schedule) throw new WebhookShapeError(`${eventType}: the event carries no schedule`);
  const entityId = event.entityId ?? schedule.id;
  if (entityId !== schedule.id) throw new WebhookShapeError(`${eventType}: entityId and schedule id differ`);

  // An update to CANCELLED is a cancellation too (docs/wix-contract.md §2.4: Wix may send only the update).
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
      sequence:
        event.entityEventSequence ??
        (schedule.revision && /^\d{1,19}$/.test(schedule.revision) ? BigInt(schedule.revision).toString() : '0'),
      topics,
      schedule,
    },
  };
}
