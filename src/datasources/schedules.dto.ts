import { z } from 'zod';
import { wixEnum } from './wix-enum.js';

/** Wire types of Calendar Schedules v3 (docs/wix-contract.md §2.3), each typed once from its zod schema. */

export const ScheduleStatus = {
  UNKNOWN_STATUS: 'UNKNOWN_STATUS',
  ACTIVE: 'ACTIVE',
  CANCELLED: 'CANCELLED',
} as const;
export type ScheduleStatus = (typeof ScheduleStatus)[keyof typeof ScheduleStatus];

export const LocationType = {
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',
  BUSINESS: 'BUSINESS',
  CUSTOMER: 'CUSTOMER',
  CUSTOM: 'CUSTOM',
} as const;
export type LocationType = (typeof LocationType)[keyof typeof LocationType];

export const ConferencingType = {
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',
  ZOOM: 'ZOOM',
  CUSTOM: 'CUSTOM',
} as const;
export type ConferencingType = (typeof ConferencingType)[keyof typeof ConferencingType];

export const PermissionRole = {
  UNKNOWN_ROLE: 'UNKNOWN_ROLE',
  WRITER: 'WRITER',
  COMMENTER: 'COMMENTER',
} as const;
export type PermissionRole = (typeof PermissionRole)[keyof typeof PermissionRole];

export const LocationDto = z.object({
  id: z.string().nullish(),
  type: wixEnum(LocationType, LocationType.UNKNOWN_TYPE),
  name: z.string().nullish(),
  address: z.string().nullish(),
});
export type LocationDto = z.infer<typeof LocationDto>;

export const ConferencingDetailsDto = z.object({
  type: wixEnum(ConferencingType, ConferencingType.UNKNOWN_TYPE),
  hostUrl: z.string().nullish(),
  guestUrl: z.string().nullish(),
  password: z.string().nullish(),
  externalId: z.string().nullish(),
});
export type ConferencingDetailsDto = z.infer<typeof ConferencingDetailsDto>;

export const PermissionDto = z.object({
  identity: z.object({ wixUserId: z.string().nullish() }).nullish(),
  role: wixEnum(PermissionRole, PermissionRole.UNKNOWN_ROLE),
});
export type PermissionDto = z.infer<typeof PermissionDto>;

export const ScheduleDto = z.object({
  id: z.string().min(1),
  externalId: z.string().nullish(),
  name: z.string().nullish(),
  status: wixEnum(ScheduleStatus, ScheduleStatus.UNKNOWN_STATUS),
  timeZone: z.string().nullish(),
  businessTimeZoneEnabled: z.boolean().nullish(),
  defaultTitle: z.string().nullish(),
  defaultLocation: LocationDto.nullish(),
  defaultCapacity: z.number().int().nullish(),
  defaultConferencingDetails: ConferencingDetailsDto.nullish(),
  appId: z.string().nullish(),
  permissions: z.array(PermissionDto).nullish(),
  extendedFields: z.record(z.string(), z.unknown()).nullish(),
  // int64 as a JSON string on the wire; tolerate a number from a lenient upstream.
  revision: z.union([z.string(), z.number().int()]).transform(String).nullish(),
  createdDate: z.string().nullish(),
  updatedDate: z.string().nullish(),
});
export type ScheduleDto = z.infer<typeof ScheduleDto>;

export const GetScheduleResponse = z.object({ schedule: ScheduleDto });

/** Fields Wix counts as personal data on a schedule (docs/wix-contract.md §2.3). */
const PERSONAL_FIELDS = ['defaultConferencingDetails'] as const;

/**
 * The schedule without its personal data: what the gateway keeps (replica, event log) and hands to
 * callers who did not ask for personal data. Webhooks carry the whole entity, personal data too.
 */
export function withoutPersonalData(schedule: ScheduleDto): ScheduleDto {
  if (PERSONAL_FIELDS.every((field) => schedule[field] === undefined || schedule[field] === null)) return schedule;
  const copy = { ...schedule };
  for (const field of PERSONAL_FIELDS) delete copy[field];
  return copy;
}

export const CursorPagingMetadataDto = z.object({
  count: z.number().int().nullish(),
  cursors: z.object({ next: z.string().nullish(), prev: z.string().nullish() }).nullish(),
  hasNext: z.boolean().nullish(),
});

export const QuerySchedulesResponse = z.object({
  schedules: z
    .array(ScheduleDto)
    .nullish()
    .transform((list) => list ?? []),
  pagingMetadata: CursorPagingMetadataDto.nullish(),
});
export type QuerySchedulesResponse = z.infer<typeof QuerySchedulesResponse>;

/** Query Schedules filter: `$eq` / `$in` on these fields only (docs/wix-contract.md §2.2). */
export type ScheduleFilterField = 'id' | 'externalId' | 'appId' | 'status';
export type ScheduleQueryFilter = Partial<Record<ScheduleFilterField, string | { $eq: string } | { $in: string[] }>>;

/** `fields` of Get / Query Schedules: personal data to include (docs/wix-contract.md §2.2). */
export const SchedulePersonalFields = {
  /** Every schedule's personal data (needs the Read Calendar - Including PI permission). */
  PI_FIELDS: 'PI_FIELDS',
  /** Only the calling identity's own personal data. */
  OWN_PI_FIELDS: 'OWN_PI_FIELDS',
} as const;
export type SchedulePersonalFields = (typeof SchedulePersonalFields)[keyof typeof SchedulePersonalFields];

/** The gateway's filter of Query Schedules, each list becoming `$in` (docs/wix-contract.md §2.2). */
export interface ScheduleQueryInput {
  ids?: string[] | undefined;
  externalIds?: string[] | undefined;
  appIds?: string[] | undefined;
  statuses?: ScheduleStatus[] | undefined;
}

/** The `schedule` of a Create Schedule body: only what the client set. */
export type NewScheduleBody = Record<string, unknown>;

/** Whether and how Wix tells the participants of a schedule's events (Update and Cancel Schedule). */
export interface ParticipantNotification {
  notifyParticipants?: boolean;
  message?: string;
}

/** What Cancel Schedule takes besides the id. */
export interface CancelScheduleBody {
  preserveFutureEventsWithParticipants?: boolean;
  participantNotification?: ParticipantNotification;
}
