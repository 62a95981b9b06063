/**
 * What each provider's `features` allow (docs/wix-contract.md §1.3). The emulator refuses anything a
 * provider cannot do with 428 NOT_SUPPORTED_BY_PROVIDER, like Wix.
 */
import type { ConnectionSyncConfig, ListEventFromCalendarsFeature, Provider, SyncToCalendarFeature } from '../model.js';

export type ImportMember = 'primaryCalendar' | 'calendars';
export type ExportMember = 'primaryCalendar' | 'dedicatedCalendar';

export function importMembersAllowed(feature: ListEventFromCalendarsFeature): readonly ImportMember[] {
  switch (feature) {
    case 'SPECIFIC_CALENDARS':
      return ['primaryCalendar', 'calendars'];
    case 'PRIMARY_CALENDAR_ONLY':
      return ['primaryCalendar'];
    case 'NOT_SUPPORTED':
    case 'UNDEFINED':
      return [];
    default: {
      const unreachable: never = feature;
      return unreachable;
    }
  }
}

/**
 * The export one-of has no "specific calendar" member, so SPECIFIC_CALENDAR can only mean the
 * primary one; DEDICATED_CALENDAR is read as "only a calendar Wix creates".
 */
export function exportMembersAllowed(feature: SyncToCalendarFeature): readonly ExportMember[] {
  switch (feature) {
    case 'DEDICATED_CALENDAR':
      return ['dedicatedCalendar'];
    case 'PRIMARY_CALENDAR_ONLY':
    case 'SPECIFIC_CALENDAR':
      return ['primaryCalendar'];
    case 'NOT_SUPPORTED':
    case 'UNDEFINED':
      return [];
    default: {
      const unreachable: never = feature;
      return unreachable;
    }
  }
}

/** What a freshly connected account syncs: its primary calendar in, Wix events out where it can. */
export function defaultSyncConfig(provider: Provider): ConnectionSyncConfig {
  const config: ConnectionSyncConfig = {};
  if (importMembersAllowed(provider.features.listEventFromCalendars).includes('primaryCalendar')) {
    config.listEventFromCalendars = { enabled: true, primaryCalendar: {} };
  }
  const exportMember = exportMembersAllowed(provider.features.syncToCalendar)[0];
  if (exportMember === 'dedicatedCalendar') config.syncToCalendar = { enabled: true, dedicatedCalendar: {} };
  if (exportMember === 'primaryCalendar') config.syncToCalendar = { enabled: true, primaryCalendar: {} };
  return config;
}
