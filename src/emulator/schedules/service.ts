/**
 * Schedule changes (docs/wix-contract.md §2.2) and the webhooks they trigger (§2.4). The revision doubles
 * as the entity event sequence: it rises by one on every change, which is exactly the
 * "strictly increasing per entity" the consumers order by.
 */
import { applicationError, failedPrecondition, notFound, validationError, violation } from '../errors.js';
import { newGuid } from '../ids.js';
import type { Schedule } from '../model.js';
import type { Tenant } from '../store.js';
import { scheduleCancelledEvents, scheduleCreatedEvent, scheduleUpdatedEvent, type OutgoingEvent } from '../webhooks.js';
import type { WritableSchedule } from './validation.js';

/** Sends the webhooks of one change of this tenant's data. */
export type EmitEvents = (events: OutgoingEvent[]) => void;

/** Time zone of the demo sites' business (site properties), used when a schedule follows it. */
export const SITE_TIME_ZONE = 'America/New_York';

/**
 * UNCONFIRMED code and status (docs/wix-contract.md §2.2): Wix documents one 428 for Update and Cancel,
 * most likely this one.
 */
export const SCHEDULE_CANCELLED = 'SCHEDULE_CANCELLED';
/** UNCONFIRMED code and status: a guess after `BOOKING_REVISION_MISMATCH` of Bookings, as 409 Conflict. */
export const SCHEDULE_REVISION_MISMATCH = 'SCHEDULE_REVISION_MISMATCH';

export function createSchedule(tenant: Tenant, input: WritableSchedule, idempotencyKey: string | undefined, emit: EmitEvents): Schedule {
  if (idempotencyKey !== undefined) {
    const existingId = tenant.idempotencyKeys.get(idempotencyKey);
    const existing = existingId === undefined ? undefined : tenant.getSchedule(existingId);
    if (existing) return existing;
  }
  const now = new Date().toISOString();
  // Docs give businessTimeZoneEnabled a default of true, which would override an explicit
  // timeZone with the site's; the emulator only defaults it to true when no timeZone is sent.
  const businessTimeZoneEnabled = input.businessTimeZoneEnabled ?? input.timeZone === undefined;
  const schedule: Schedule = {
    id: newGuid(),
    ...input,
    status: 'ACTIVE',
    timeZone: businessTimeZoneEnabled ? SITE_TIME_ZONE : (input.timeZone ?? SITE_TIME_ZONE),
    businessTimeZoneEnabled,
    revision: '1',
    createdDate: now,
    updatedDate: now,
  };
  tenant.schedules.set(schedule.id, schedule);
  if (idempotencyKey !== undefined) tenant.idempotencyKeys.set(idempotencyKey, schedule.id);
  emit([scheduleCreatedEvent(structuredClone(schedule), eventSequence(schedule.revision))]);
  return schedule;
}

function existingSchedule(tenant: Tenant, id: string): Schedule {
  const schedule = tenant.getSchedule(id);
  if (!schedule) throw notFound('Schedule', id);
  return schedule;
}

function assertNotCancelled(schedule: Schedule): void {
  if (schedule.status === 'CANCELLED') {
    throw failedPrecondition(SCHEDULE_CANCELLED, `Schedule ${schedule.id} is cancelled and cannot be changed`, { scheduleId: schedule.id });
  }
}

function bumpRevision(schedule: Schedule): void {
  schedule.revision = String(Number(schedule.revision) + 1);
  schedule.updatedDate = new Date().toISOString();
}

/**
 * PATCH semantics: each top-level field sent replaces the stored one, nested objects and arrays
 * whole (Wix's exact merge rules are UNCONFIRMED). appId and externalId are immutable: sending a
 * different value is a 400, sending the same one is harmless.
 */
export function updateSchedule(tenant: Tenant, id: string, revision: string, patch: WritableSchedule, emit: EmitEvents): Schedule {
  const schedule = existingSchedule(tenant, id);
  assertNotCancelled(schedule);
  if (revision !== schedule.revision) {
    throw applicationError(
      409,
      SCHEDULE_REVISION_MISMATCH,
      `Schedule ${id} is at revision ${schedule.revision}, the update was based on revision ${revision}`,
      { currentRevision: schedule.revision, requestedRevision: revision },
    );
  }
  const immutable = (['appId', 'externalId'] as const).filter((key) => patch[key] !== undefined && patch[key] !== schedule[key]);
  if (immutable.length > 0) {
    throw validationError(
      immutable.map((key) =>
        violation(`schedule.${key}`, 'cannot be changed after the schedule is created', 'OTHER', {}, 'IMMUTABLE_FIELD'),
      ),
    );
  }
  Object.assign(schedule, patch);
  if (patch.businessTimeZoneEnabled === true) schedule.timeZone = SITE_TIME_ZONE;
  bumpRevision(schedule);
  emit([scheduleUpdatedEvent(structuredClone(schedule), eventSequence(schedule.revision))]);
  return schedule;
}

export function cancelSchedule(tenant: Tenant, id: string, preserveFutureEventsWithParticipants: boolean, emit: EmitEvents): Schedule {
  const schedule = existingSchedule(tenant, id);
  assertNotCancelled(schedule);
  schedule.status = 'CANCELLED';
  bumpRevision(schedule);
  emit(scheduleCancelledEvents(structuredClone(schedule), eventSequence(schedule.revision), preserveFutureEventsWithParticipants));
  return schedule;
}

/**
 * `entityEventSequence` of a change: the time in ms, then the revision in six digits (an int64 of 19
 * digits at most). It grows with every change of a schedule, as Wix's does, and also with time, so
 * a hand-made webhook (`npm run webhook:send`, which uses the time the same way) never makes the
 * emulator's later events look stale to the gateway.
 */
export function eventSequence(revision: string, now = Date.now()): string {
  return `${now}${revision.slice(-6).padStart(6, '0')}`;
}
