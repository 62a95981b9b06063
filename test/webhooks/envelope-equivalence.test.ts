import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JWTPayload } from 'jose';
import { ScheduleDto, ScheduleStatus } from '../../src/datasources/schedules.dto.js';
import type { ScheduleTopic } from '../../src/bus/events.js';
import { parseWebhook, SCHEDULE_EVENT_TYPES } from '../../src/webhooks/envelope.js';
import { scheduleEnvelope } from '../helpers/webhooks.js';

/**
 * The envelope's layers are checked by hand for speed. The specification they must keep is the
 * zod schemas the gateway used to parse them with, here as a reference: on every input both must
 * give the same result or the same refusal.
 */
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
const Envelope = z.object({ instanceId: z.string().min(1).max(200), eventType: z.string().min(1).max(300), data: jsonStringOrObject });
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

function referenceParse(payload: JWTPayload, receivedAt: Date): unknown {
  const outer = JwtPayload.safeParse(payload);
  if (!outer.success) throw new Error('JWT payload has no data');
  const envelope = Envelope.safeParse(outer.data.data);
  if (!envelope.success) throw new Error('envelope is not { instanceId, eventType, data }');
  const { instanceId, eventType } = envelope.data;
  const topic = (Object.keys(SCHEDULE_EVENT_TYPES) as ScheduleTopic[]).find((t) => SCHEDULE_EVENT_TYPES[t] === eventType);
  if (!topic) return { kind: 'other', eventType, instanceId };
  const inner = InnerEvent.safeParse(envelope.data.data);
  if (!inner.success) throw new Error(`${eventType}: the event does not have the documented shape`);
  const event = inner.data;
  const schedule =
    topic === 'created'
      ? event.createdEvent?.entity
      : topic === 'updated'
        ? event.updatedEvent?.currentEntity
        : event.actionEvent?.body.schedule;
  if (!schedule) throw new Error(`${eventType}: the event carries no schedule`);
  const entityId = event.entityId ?? schedule.id;
  if (entityId !== schedule.id) throw new Error(`${eventType}: entityId and schedule id differ`);
  const topics: ScheduleTopic[] = topic === 'updated' && schedule.status === ScheduleStatus.CANCELLED ? ['updated', 'cancelled'] : [topic];
  return {
    kind: 'schedule',
    eventType,
    change: {
      eventId: event.id,
      instanceId,
      entityId,
      eventTime: event.eventTime ? new Date(event.eventTime).toISOString() : receivedAt.toISOString(),
      sequence:
        event.entityEventSequence ??
        (schedule.revision && /^\d{1,19}$/.test(schedule.revision) ? BigInt(schedule.revision).toString() : '0'),
      topics,
      schedule,
    },
  };
}

function outcome(parse: (payload: JWTPayload, receivedAt: Date) => unknown, payload: JWTPayload): unknown {
  try {
    return { ok: parse(payload, new Date('2026-11-22T10:00:00.000Z')) };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

/** Values a field may hold, from right to hostile. */
const anyValue = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    '',
    'x',
    'a'.repeat(200),
    'a'.repeat(201),
    'a'.repeat(301),
    0,
    -1,
    1.5,
    7,
    2 ** 53,
    '007',
    '12345678901234567890',
    [],
    {},
    true,
  ),
  fc.constantFrom('2026-11-22T00:37:26.154Z', '2026-11-22T00:37:26+02:00', '2026-11-22', '2026-02-30T00:00:00Z', 'not a date'),
  fc.constantFrom('{', '[]', '{}', 'null', '"text"', '{"id":"s1"}'),
  fc.string(),
  fc.jsonValue(),
);

const mutableKeys = {
  payload: ['data'],
  envelope: ['instanceId', 'eventType', 'data', 'identity'],
  inner: ['id', 'entityId', 'eventTime', 'entityEventSequence', 'createdEvent', 'updatedEvent', 'actionEvent'],
  schedule: ['id', 'status', 'revision', 'name'],
} as const;

type Layer = keyof typeof mutableKeys;

interface Mutation {
  layer: Layer;
  key: string;
  value: unknown;
  asObject: boolean;
}

const mutation: fc.Arbitrary<Mutation> = fc
  .constantFrom(...(Object.keys(mutableKeys) as Layer[]))
  .chain((layer) =>
    fc.record({ layer: fc.constant(layer), key: fc.constantFrom(...mutableKeys[layer]), value: anyValue, asObject: fc.boolean() }),
  );

/** A valid webhook payload of one of the three types, with some fields replaced. */
function mutated(type: ScheduleTopic, mutations: Mutation[]): JWTPayload {
  const base = scheduleEnvelope({ type, scheduleId: 's1', sequence: 3 });
  const inner = JSON.parse(base.data) as Record<string, unknown>;
  const schedule = (
    type === 'created'
      ? (inner.createdEvent as { entity: object }).entity
      : type === 'updated'
        ? (inner.updatedEvent as { currentEntity: object }).currentEntity
        : (inner.actionEvent as { body: { schedule: object } }).body.schedule
  ) as Record<string, unknown>;
  const envelope: Record<string, unknown> = { ...base };
  const payload: Record<string, unknown> = {};
  let innerAsObject = false;
  let envelopeAsObject = false;
  for (const { layer, key, value, asObject } of mutations) {
    const target = { payload, envelope, inner, schedule }[layer];
    target[key] = value;
    if (layer === 'inner') innerAsObject = asObject;
    if (layer === 'envelope') envelopeAsObject = asObject;
  }
  if (!('data' in envelope) || envelope.data === base.data) envelope.data = innerAsObject ? inner : JSON.stringify(inner);
  if (!('data' in payload)) payload.data = envelopeAsObject ? envelope : JSON.stringify(envelope);
  return payload;
}

describe('webhook envelope checks', () => {
  it('accept and refuse exactly what the zod schemas did', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<ScheduleTopic>('created', 'updated', 'cancelled'),
        fc.array(mutation, { maxLength: 3 }),
        (type, mutations) => {
          const payload = mutated(type, mutations);
          expect(outcome(parseWebhook, payload)).toEqual(outcome(referenceParse, payload));
        },
      ),
      { numRuns: 3_000, seed: 20_261_202 },
    );
  });

  it('read every shape the handmade cases name the same way as the schemas', () => {
    const inner = JSON.parse(scheduleEnvelope().data) as Record<string, unknown>;
    const payloads: JWTPayload[] = [
      {},
      { data: 5 },
      { data: [] },
      { data: 'null' },
      { data: JSON.stringify({ ...scheduleEnvelope(), eventType: 'wix.bookings.v2.booking_created', data: 5 }) },
      { data: JSON.stringify({ ...scheduleEnvelope(), data: JSON.stringify({ ...inner, actionEvent: {} }) }) },
      { data: JSON.stringify({ ...scheduleEnvelope(), data: JSON.stringify({ ...inner, actionEvent: { body: null } }) }) },
      { data: JSON.stringify({ ...scheduleEnvelope(), data: JSON.stringify({ ...inner, createdEvent: [] }) }) },
      { data: JSON.stringify({ ...scheduleEnvelope(), data: JSON.stringify({ ...inner, entityEventSequence: -0 }) }) },
      { data: JSON.stringify({ ...scheduleEnvelope(), data: JSON.stringify({ ...inner, entityEventSequence: 9_007_199_254_740_992 }) }) },
      { data: JSON.stringify({ ...scheduleEnvelope(), data: JSON.stringify([inner]) }) },
    ];
    for (const payload of payloads) expect(outcome(parseWebhook, payload)).toEqual(outcome(referenceParse, payload));
  });
});
