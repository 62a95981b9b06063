import type {
  CalendarSelectionResolvers,
  DedicatedCalendarResolvers,
  ExportTargetResolvers,
  ExternalCalendarResolvers,
  ImportSourceResolvers,
  ListEventFromCalendarsResolvers,
  PrimaryCalendarResolvers,
  SyncToCalendarResolvers,
} from '../__generated__/resolvers-types.js';
import { externalCalendarId } from './node.js';

/**
 * The Wix one-ofs become unions: the settings object itself is the union value, and its one-of
 * key (`primaryCalendar`, `calendars`, `dedicatedCalendar`) picks the member, here and only here.
 */
export const ListEventFromCalendars: ListEventFromCalendarsResolvers = {
  enabled: ({ enabled }) => enabled ?? false,
  source: (settings) => (settings.primaryCalendar || settings.calendars ? settings : null),
};

export const SyncToCalendar: SyncToCalendarResolvers = {
  enabled: ({ enabled }) => enabled ?? false,
  target: (settings) => (settings.primaryCalendar || settings.dedicatedCalendar ? settings : null),
};

export const ImportSource: ImportSourceResolvers = {
  __resolveType: (settings) => ('calendars' in settings && settings.calendars ? 'CalendarSelection' : 'PrimaryCalendar'),
};

export const ExportTarget: ExportTargetResolvers = {
  __resolveType: (settings) => ('dedicatedCalendar' in settings && settings.dedicatedCalendar ? 'DedicatedCalendar' : 'PrimaryCalendar'),
};

export const PrimaryCalendar: PrimaryCalendarResolvers = {
  primaryCalendar: () => true,
};

export const DedicatedCalendar: DedicatedCalendarResolvers = {
  dedicatedCalendar: () => true,
};

/** Each calendar carries the list's `enabled`: the deprecated `ExternalCalendar.enabled` answers it. */
export const CalendarSelection: CalendarSelectionResolvers = {
  calendars: ({ calendars, enabled, connectionId }) =>
    (calendars?.calendars ?? []).map((calendar) => ({ ...calendar, listEnabled: enabled ?? false, connectionId })),
};

export const ExternalCalendar: ExternalCalendarResolvers = {
  // Without its connection (never, as the schema reaches calendars) the provider's id is all there is.
  id: (calendar) => (calendar.connectionId ? externalCalendarId(calendar.connectionId, calendar) : (calendar.id ?? '')),
  calendarId: ({ id }) => id ?? null,
  enabled: ({ listEnabled }) => listEnabled ?? null,
};
