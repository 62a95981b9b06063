import { z } from 'zod';
import { wixEnum } from './wix-enum.js';

/** Wire types of Bookings External Calendar v2 (docs/wix-contract.md §1.3), each typed once from its zod schema. */

export const CalendarType = {
  UNDEFINED: 'UNDEFINED',
  GOOGLE: 'GOOGLE',
  I_CAL: 'I_CAL',
  OUTLOOK: 'OUTLOOK',
  OFFICE_365: 'OFFICE_365',
  MICROSOFT: 'MICROSOFT',
  OTHER: 'OTHER',
} as const;
export type CalendarType = (typeof CalendarType)[keyof typeof CalendarType];

export const ConnectionStatus = {
  UNDEFINED: 'UNDEFINED',
  CONNECTED: 'CONNECTED',
  SYNC_IN_PROGRESS: 'SYNC_IN_PROGRESS',
  SYNCED: 'SYNCED',
  DISCONNECTED: 'DISCONNECTED',
  ERROR: 'ERROR',
} as const;
export type ConnectionStatus = (typeof ConnectionStatus)[keyof typeof ConnectionStatus];

export const ConnectionErrorReason = {
  UNDEFINED: 'UNDEFINED',
  TOKEN_REVOKED: 'TOKEN_REVOKED',
  EXTERNAL_CALENDAR_CREATION_FAILED: 'EXTERNAL_CALENDAR_CREATION_FAILED',
  EXTERNAL_CALENDAR_DELETED: 'EXTERNAL_CALENDAR_DELETED',
} as const;
export type ConnectionErrorReason = (typeof ConnectionErrorReason)[keyof typeof ConnectionErrorReason];

/** A one-of member that carries no data on the wire: `{}`. */
const EmptyMember = z.object({});

/** Wix's Calendar is `{ id, name }`: whether events are imported is the list's `enabled`, not each calendar's. */
export const CalendarDto = z.object({
  id: z.string().nullish(),
  name: z.string().nullish(),
});
export type CalendarDto = z.infer<typeof CalendarDto>;

/** A calendar as GraphQL shows it: in a selection, with the `enabled` of the list it belongs to. */
export type ExternalCalendarView = CalendarDto & {
  listEnabled?: boolean | null | undefined;
  /** The connection the calendar belongs to: what makes its GraphQL id unique. */
  connectionId?: string | undefined;
};

/** Import settings as GraphQL shows them: knowing their connection (for their calendars' ids). */
export type ListEventFromCalendarsView = ListEventFromCalendarsDto & { connectionId?: string | undefined };

/** Import settings; the one-of is "exactly one of `primaryCalendar` / `calendars` present". */
export const ListEventFromCalendarsDto = z.object({
  enabled: z.boolean().nullish(),
  primaryCalendar: EmptyMember.nullish(),
  calendars: z.object({ calendars: z.array(CalendarDto).nullish() }).nullish(),
});
export type ListEventFromCalendarsDto = z.infer<typeof ListEventFromCalendarsDto>;

/** Export settings; the one-of is "exactly one of `primaryCalendar` / `dedicatedCalendar` present". */
export const SyncToCalendarDto = z.object({
  enabled: z.boolean().nullish(),
  primaryCalendar: EmptyMember.nullish(),
  dedicatedCalendar: EmptyMember.nullish(),
});
export type SyncToCalendarDto = z.infer<typeof SyncToCalendarDto>;

export const ConnectionSyncConfigDto = z.object({
  listEventFromCalendars: ListEventFromCalendarsDto.nullish(),
  syncToCalendar: SyncToCalendarDto.nullish(),
});
export type ConnectionSyncConfigDto = z.infer<typeof ConnectionSyncConfigDto>;

export const ConnectionDto = z.object({
  id: z.string().min(1),
  providerId: z.string().nullish(),
  calendarType: wixEnum(CalendarType, CalendarType.UNDEFINED),
  scheduleId: z.string().nullish(),
  userId: z.string().nullish(),
  appId: z.string().nullish(),
  externalAccountEmail: z.string().nullish(),
  status: wixEnum(ConnectionStatus, ConnectionStatus.UNDEFINED),
  errorReason: wixEnum(ConnectionErrorReason, ConnectionErrorReason.UNDEFINED),
  syncConfig: ConnectionSyncConfigDto.nullish(),
});
export type ConnectionDto = z.infer<typeof ConnectionDto>;

export const GetConnectionResponse = z.object({ connection: ConnectionDto });
export const ListConnectionsResponse = z.object({
  connections: z
    .array(ConnectionDto)
    .nullish()
    .transform((list) => list ?? []),
  failedProviderIds: z
    .array(z.string())
    .nullish()
    .transform((list) => list ?? []),
});
export type ListConnectionsResponse = z.infer<typeof ListConnectionsResponse>;

/** The body of Update Sync Config, exactly as Wix expects it (docs/wix-contract.md §1.1 #7). */
export interface WixSyncConfigBody {
  listEventFromCalendars?: {
    enabled: boolean;
    primaryCalendar?: Record<string, never>;
    calendars?: { calendars: Array<{ id?: string; name?: string }> };
  };
  syncToCalendar?: {
    enabled: boolean;
    primaryCalendar?: Record<string, never>;
    dedicatedCalendar?: Record<string, never>;
  };
}

/** The settings object that holds a `primaryCalendar: {}` member, on the import or the export side. */
export type PrimaryCalendarDto = ListEventFromCalendarsDto | SyncToCalendarDto;

export const ConnectMethod = {
  UNDEFINED: 'UNDEFINED',
  OAUTH: 'OAUTH',
  CREDENTIALS: 'CREDENTIALS',
} as const;
export type ConnectMethod = (typeof ConnectMethod)[keyof typeof ConnectMethod];

/** `features.listEventFromCalendars`: note the plural `SPECIFIC_CALENDARS` (docs/wix-contract.md §1.3). */
export const ImportCapability = {
  UNDEFINED: 'UNDEFINED',
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  PRIMARY_CALENDAR_ONLY: 'PRIMARY_CALENDAR_ONLY',
  SPECIFIC_CALENDARS: 'SPECIFIC_CALENDARS',
} as const;
export type ImportCapability = (typeof ImportCapability)[keyof typeof ImportCapability];

/** `features.syncToCalendar`: note the singular `SPECIFIC_CALENDAR` (docs/wix-contract.md §1.3). */
export const ExportCapability = {
  UNDEFINED: 'UNDEFINED',
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  PRIMARY_CALENDAR_ONLY: 'PRIMARY_CALENDAR_ONLY',
  SPECIFIC_CALENDAR: 'SPECIFIC_CALENDAR',
  DEDICATED_CALENDAR: 'DEDICATED_CALENDAR',
} as const;
export type ExportCapability = (typeof ExportCapability)[keyof typeof ExportCapability];

const NO_FEATURES = {
  connectMethods: [],
  updateSyncConfig: false,
  listEventFromCalendars: ImportCapability.UNDEFINED,
  syncToCalendar: ExportCapability.UNDEFINED,
};

export const ProviderFeaturesDto = z.object({
  connectMethods: z
    .array(wixEnum(ConnectMethod, ConnectMethod.UNDEFINED))
    .nullish()
    .transform((list) => list ?? []),
  updateSyncConfig: z
    .boolean()
    .nullish()
    .transform((value) => value ?? false),
  listEventFromCalendars: wixEnum(ImportCapability, ImportCapability.UNDEFINED),
  syncToCalendar: wixEnum(ExportCapability, ExportCapability.UNDEFINED),
});
export type ProviderFeaturesDto = z.infer<typeof ProviderFeaturesDto>;

export const ProviderDto = z.object({
  id: z.string().min(1),
  name: z.string().nullish(),
  calendarType: wixEnum(CalendarType, CalendarType.UNDEFINED),
  features: ProviderFeaturesDto.nullish().transform((features) => features ?? NO_FEATURES),
});
export type ProviderDto = z.infer<typeof ProviderDto>;

export const ListProvidersResponse = z.object({
  providers: z
    .array(ProviderDto)
    .nullish()
    .transform((list) => list ?? []),
});

export const ListCalendarsResponse = z.object({
  calendars: z
    .array(CalendarDto)
    .nullish()
    .transform((list) => list ?? []),
});

export const ConnectByOAuthResponse = z.object({ oauthUrl: z.string().min(1) });

/** An item of List Events; it has no id (docs/wix-contract.md §1.3). Personal fields only with `fieldsets=OWN_PI`. */
export const ExternalEventDto = z.object({
  scheduleId: z.string().nullish(),
  calendarType: wixEnum(CalendarType, CalendarType.UNDEFINED),
  calendarName: z.string().nullish(),
  title: z.string().nullish(),
  start: z.string().min(1),
  end: z.string().min(1),
  allDay: z
    .boolean()
    .nullish()
    .transform((value) => value ?? false),
  scheduleOwnerId: z.string().nullish(),
  scheduleOwnerName: z.string().nullish(),
});
export type ExternalEventDto = z.infer<typeof ExternalEventDto>;

/** List Events' paging metadata: `{ count, cursors: { next }, hasNext }`, no `prev` (docs/wix-contract.md §1.3). */
const EventsPagingMetadataDto = z.object({
  count: z.number().int().nullish(),
  cursors: z.object({ next: z.string().nullish() }).nullish(),
  hasNext: z.boolean().nullish(),
});

export const ListEventsResponse = z.object({
  events: z
    .array(ExternalEventDto)
    .nullish()
    .transform((list) => list ?? []),
  pagingMetadata: EventsPagingMetadataDto.nullish(),
  failedProviderIds: z
    .array(z.string())
    .nullish()
    .transform((list) => list ?? []),
});
export type ListEventsResponse = z.infer<typeof ListEventsResponse>;

/** The filter of List Events as the gateway sends it on a first page (docs/wix-contract.md §1.4). */
export interface ListEventsFilter {
  from: string;
  to: string;
  scheduleIds?: string[];
  userIds?: string[];
  allDay?: boolean;
}
