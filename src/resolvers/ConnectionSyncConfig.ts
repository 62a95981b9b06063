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
  calendars: ({ calendars, enabled }) => (calendars?.calendars ?? []).map((calendar) => ({ ...calendar, listEnabled: enabled ?? false })),
};

export const ExternalCalendar: ExternalCalendarResolvers = {
  enabled: ({ listEnabled }) => listEnabled ?? null,
};
