import type { ScheduleDto } from '../datasources/schedules.dto.js';

/** What a schedule change is delivered as: created, updated, or cancelled (docs/wix-contract.md §2.4). */
export type ScheduleTopic = 'created' | 'updated' | 'cancelled';

/** A verified, parsed schedule webhook, before it is on the event bus. */
export interface ScheduleChange {
  /** The Wix event id: the dedupe key. */
  eventId: string;
  /** The app instance (site) the webhook belongs to: the tenant. */
  instanceId: string;
  /** The schedule id. */
  entityId: string;
  eventTime: string;
  /** `entityEventSequence`, a canonical non-negative int64 in decimal (no leading zeros). */
  sequence: string;
  /** The subscriptions this change is for; an update to CANCELLED is for `updated` and `cancelled`. */
  topics: ScheduleTopic[];
  schedule: ScheduleDto;
}

/** A change as it stands in the event log, with its position (the opaque resume cursor). */
export interface BusEvent extends ScheduleChange {
  cursor: string;
}

/** What the ScheduleUpdate / ScheduleCreated / ScheduleCancelled types resolve from. */
export interface ScheduleEventPayload {
  eventId: string;
  eventTime: string;
  sequence: string;
  cursor: string;
  schedule: ScheduleDto;
  topic: ScheduleTopic;
}

/** Compares two canonical int64 decimal strings without losing precision. */
export function compareSequences(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
