/**
 * Wire types of the upstream contract (docs/wix-contract.md §1.3 and §2.3), exactly as they travel in JSON.
 * The emulator stores these objects as they are and answers with copies of them.
 */

export type CalendarType = 'UNDEFINED' | 'GOOGLE' | 'I_CAL' | 'OUTLOOK' | 'OFFICE_365' | 'MICROSOFT' | 'OTHER';
export type ConnectMethod = 'UNDEFINED' | 'OAUTH' | 'CREDENTIALS';
export type ListEventFromCalendarsFeature = 'UNDEFINED' | 'NOT_SUPPORTED' | 'PRIMARY_CALENDAR_ONLY' | 'SPECIFIC_CALENDARS';
export type SyncToCalendarFeature = 'UNDEFINED' | 'NOT_SUPPORTED' | 'PRIMARY_CALENDAR_ONLY' | 'SPECIFIC_CALENDAR' | 'DEDICATED_CALENDAR';

export interface Provider {
  id: string;
  name: string;
  calendarType: CalendarType;
  features: {
    connectMethods: ConnectMethod[];
    updateSyncConfig: boolean;
    listEventFromCalendars: ListEventFromCalendarsFeature;
    syncToCalendar: SyncToCalendarFeature;
  };
}

export type ConnectionStatus = 'UNDEFINED' | 'CONNECTED' | 'SYNC_IN_PROGRESS' | 'SYNCED' | 'DISCONNECTED' | 'ERROR';
export type ConnectionErrorReason = 'UNDEFINED' | 'TOKEN_REVOKED' | 'EXTERNAL_CALENDAR_CREATION_FAILED' | 'EXTERNAL_CALENDAR_DELETED';

export interface Calendar {
  id: string;
  name: string;
}

/** A one-of in JSON: exactly one of the member keys is present. */
export interface ListEventFromCalendars {
  enabled: boolean;
  primaryCalendar?: Record<string, never>;
  calendars?: { calendars: Calendar[] };
}

export interface SyncToCalendar {
  enabled: boolean;
  primaryCalendar?: Record<string, never>;
  dedicatedCalendar?: Record<string, never>;
}

export interface ConnectionSyncConfig {
  listEventFromCalendars?: ListEventFromCalendars;
  syncToCalendar?: SyncToCalendar;
}

export interface Connection {
  id: string;
  providerId: string;
  calendarType: CalendarType;
  scheduleId: string;
  userId: string;
  appId: string;
  externalAccountEmail?: string;
  status: ConnectionStatus;
  errorReason: ConnectionErrorReason;
  syncConfig: ConnectionSyncConfig;
}

/** An item of List Events. It has no id field upstream either. */
export interface ExternalEvent {
  scheduleId: string;
  calendarType: CalendarType;
  calendarName?: string;
  title?: string;
  start: string;
  end: string;
  allDay: boolean;
  scheduleOwnerId: string;
  scheduleOwnerName?: string;
}

export type ScheduleStatus = 'UNKNOWN_STATUS' | 'ACTIVE' | 'CANCELLED';
export type LocationType = 'UNKNOWN_TYPE' | 'BUSINESS' | 'CUSTOMER' | 'CUSTOM';
export type ConferencingType = 'UNKNOWN_TYPE' | 'ZOOM' | 'CUSTOM';
export type PermissionRole = 'UNKNOWN_ROLE' | 'WRITER' | 'COMMENTER';

export interface Location {
  id?: string;
  type: LocationType;
  name?: string;
  address?: string;
}

export interface ConferencingDetails {
  type: ConferencingType;
  hostUrl?: string;
  guestUrl?: string;
  password?: string;
  externalId?: string;
}

export interface Permission {
  identity: { wixUserId: string };
  role: PermissionRole;
}

export interface Schedule {
  id: string;
  externalId?: string;
  name?: string;
  status: ScheduleStatus;
  timeZone?: string;
  businessTimeZoneEnabled?: boolean;
  defaultTitle?: string;
  defaultLocation?: Location;
  defaultCapacity?: number;
  defaultConferencingDetails?: ConferencingDetails;
  appId?: string;
  permissions?: Permission[];
  extendedFields?: { namespaces: Record<string, Record<string, unknown>> };
  revision: string;
  createdDate: string;
  updatedDate: string;
}

/** `fields` of Get/Query Schedule: which personal data to include. */
export type ScheduleFieldset = 'PI_FIELDS' | 'OWN_PI_FIELDS';
