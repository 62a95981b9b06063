import { z } from 'zod';
import { wixEnum } from './wix-enum.js';

/**
 * Wix Calendar Events v3: the Event object and the answers of its methods, as the gateway reads
 * them (docs/wix-contract.md §5). Wix marks the API a developer preview: every field but `id` is
 * optional, unknown fields are ignored, and unknown enum values are kept readable (`wixEnum`).
 */

export const CalendarEventStatus = {
  UNKNOWN_STATUS: 'UNKNOWN_STATUS',
  CONFIRMED: 'CONFIRMED',
  PENDING_CONFIRMATION: 'PENDING_CONFIRMATION',
  CANCELLED: 'CANCELLED',
} as const;
export type CalendarEventStatus = (typeof CalendarEventStatus)[keyof typeof CalendarEventStatus];

export const RecurrenceType = {
  UNKNOWN_RECURRENCE_TYPE: 'UNKNOWN_RECURRENCE_TYPE',
  NONE: 'NONE',
  MASTER: 'MASTER',
  INSTANCE: 'INSTANCE',
  EXCEPTION: 'EXCEPTION',
} as const;
export type RecurrenceType = (typeof RecurrenceType)[keyof typeof RecurrenceType];

export const Transparency = {
  UNKNOWN_TRANSPARENCY: 'UNKNOWN_TRANSPARENCY',
  OPAQUE: 'OPAQUE',
  TRANSPARENT: 'TRANSPARENT',
} as const;
export type Transparency = (typeof Transparency)[keyof typeof Transparency];

/** The fields Restore Event Defaults takes and `inheritedFields` lists. */
export const CalendarEventField = {
  UNKNOWN_FIELD: 'UNKNOWN_FIELD',
  TITLE: 'TITLE',
  TIME_ZONE: 'TIME_ZONE',
  TIME: 'TIME',
  LOCATION: 'LOCATION',
  RESOURCES: 'RESOURCES',
  CAPACITY: 'CAPACITY',
  PARTICIPANTS: 'PARTICIPANTS',
  CONFERENCING_DETAILS: 'CONFERENCING_DETAILS',
} as const;
export type CalendarEventField = (typeof CalendarEventField)[keyof typeof CalendarEventField];

/** `fields`: which personal data to include (at most one value); none when absent. */
export type CalendarEventPersonalFields = 'PI_FIELDS' | 'OWN_PI_FIELDS';

/** A local date-time with its zone; `utcDate` only on `start` / `end`, not on the adjusted ones. */
export const ZonedDateDto = z.object({
  localDate: z.string().nullish(),
  timeZone: z.string().nullish(),
  utcDate: z.string().nullish(),
});
export type ZonedDateDto = z.infer<typeof ZonedDateDto>;

export const RecurrenceRuleDto = z.object({
  frequency: z.string().nullish(),
  interval: z.number().int().nullish(),
  days: z.array(z.string()).nullish(),
  until: ZonedDateDto.nullish(),
  adjustedUntil: ZonedDateDto.nullish(),
});

export const EventLocationDto = z.object({
  id: z.string().nullish(),
  type: z.string().nullish(),
  name: z.string().nullish(),
  address: z.string().nullish(),
});

export const EventResourceDto = z.object({
  id: z.string().nullish(),
  name: z.string().nullish(),
  type: z.string().nullish(),
  transparency: z.string().nullish(),
  permissionRole: z.string().nullish(),
});

const ParticipantDto = z.object({
  name: z.string().nullish(),
  phone: z.string().nullish(),
  email: z.string().nullish(),
  contactId: z.string().nullish(),
});

export const ParticipantsDto = z.object({
  total: z.number().int().nullish(),
  list: z.array(ParticipantDto).nullish(),
  hasMore: z.boolean().nullish(),
  status: z.string().nullish(),
});

export const ConferencingDetailsDto = z.object({
  type: z.string().nullish(),
  hostUrl: z.string().nullish(),
  guestUrl: z.string().nullish(),
  password: z.string().nullish(),
  externalId: z.string().nullish(),
});

/** The Event object (docs/wix-contract.md §5.3). `participants`, `conferencingDetails` and `notes` are personal data. */
export const CalendarEventDto = z.object({
  // Opaque, up to 250 characters, not a GUID: never validated as one.
  id: z.string().min(1).max(250),
  scheduleId: z.string().nullish(),
  externalScheduleId: z.string().nullish(),
  scheduleName: z.string().nullish(),
  // An open set in Wix (DEFAULT, WORKING_HOURS, APPOINTMENT, CLASS, COURSE, …).
  type: z.string().nullish(),
  status: wixEnum(CalendarEventStatus, CalendarEventStatus.UNKNOWN_STATUS).nullish(),
  title: z.string().nullish(),
  start: ZonedDateDto.nullish(),
  end: ZonedDateDto.nullish(),
  adjustedStart: ZonedDateDto.nullish(),
  adjustedEnd: ZonedDateDto.nullish(),
  timeZone: z.string().nullish(),
  recurrenceType: wixEnum(RecurrenceType, RecurrenceType.UNKNOWN_RECURRENCE_TYPE).nullish(),
  recurrenceRule: RecurrenceRuleDto.nullish(),
  recurringEventId: z.string().nullish(),
  transparency: wixEnum(Transparency, Transparency.UNKNOWN_TRANSPARENCY).nullish(),
  location: EventLocationDto.nullish(),
  resources: z.array(EventResourceDto).nullish(),
  totalCapacity: z.number().int().nullish(),
  remainingCapacity: z.number().int().nullish(),
  participants: ParticipantsDto.nullish(),
  conferencingDetails: ConferencingDetailsDto.nullish(),
  notes: z.string().nullish(),
  inheritedFields: z.array(z.string()).nullish(),
  appId: z.string().nullish(),
  permissions: z.array(z.record(z.string(), z.unknown())).nullish(),
  extendedFields: z.record(z.string(), z.unknown()).nullish(),
  revision: z.string().nullish(),
  createdDate: z.string().nullish(),
  updatedDate: z.string().nullish(),
});
export type CalendarEventDto = z.infer<typeof CalendarEventDto>;

/** The event without its personal data: what may be kept and shared between callers. */
export function eventWithoutPersonalData(event: CalendarEventDto): CalendarEventDto {
  const { participants: _participants, conferencingDetails: _conferencing, notes: _notes, ...rest } = event;
  return rest;
}

export const GetCalendarEventResponse = z.object({ event: CalendarEventDto });
export const ListCalendarEventsResponse = z.object({
  events: z
    .array(CalendarEventDto)
    .nullish()
    .transform((list) => list ?? []),
});

/** Events paging: `cursors.next` only (no `prev`: the gateway pages forward). */
export const EventsPagingMetadataDto = z.object({
  count: z.number().int().nullish(),
  cursors: z.object({ next: z.string().nullish() }).nullish(),
  hasNext: z.boolean().nullish(),
});

export const QueryCalendarEventsResponse = z.object({
  events: z
    .array(CalendarEventDto)
    .nullish()
    .transform((list) => list ?? []),
  pagingMetadata: EventsPagingMetadataDto.nullish(),
});
export type QueryCalendarEventsResponse = z.infer<typeof QueryCalendarEventsResponse>;

export const SplitRecurringEventResponse = z.object({
  updatedRecurringEventEndingBeforeSplit: CalendarEventDto,
  newRecurringEventStartingFromSplit: CalendarEventDto,
});
export type SplitRecurringEventResponse = z.infer<typeof SplitRecurringEventResponse>;

/** One item of a bulk answer: `item` only with `returnEntity`, `error` only when it failed. */
export const BulkEventResultDto = z.object({
  itemMetadata: z.object({
    id: z.string().nullish(),
    originalIndex: z.number().int().nullish(),
    success: z.boolean().nullish(),
    error: z.object({ code: z.string().nullish(), description: z.string().nullish() }).nullish(),
  }),
  item: CalendarEventDto.nullish(),
});

export const BulkEventsResponse = z.object({
  results: z
    .array(BulkEventResultDto)
    .nullish()
    .transform((list) => list ?? []),
  bulkActionMetadata: z.object({ totalSuccesses: z.number().int().nullish(), totalFailures: z.number().int().nullish() }).nullish(),
});
export type BulkEventsResponse = z.infer<typeof BulkEventsResponse>;

export const EventsViewResponse = z.object({
  eventsView: z.object({ endDate: z.string().nullish(), futureDurationInDays: z.number().int().nullish() }),
});
export type EventsViewResponse = z.infer<typeof EventsViewResponse>;
