import type { ConnectionResolvers } from '../__generated__/resolvers-types.js';
import { calendarsOf } from './node.js';

export const Connection: ConnectionResolvers = {
  schedule: ({ scheduleId }, _, { wix }) => (scheduleId ? wix.schedules.load(scheduleId) : null),
  provider: ({ providerId }, _, { wix }) => (providerId ? wix.externalCalendars.getProvider(providerId) : null),
  calendars: async ({ id }, _, { wix }) => calendarsOf(id, await wix.externalCalendars.listCalendars(id)),
  // The import settings know their connection: their calendars' ids are made unique with it.
  syncConfig: ({ id, syncConfig }) =>
    syncConfig
      ? {
          ...syncConfig,
          listEventFromCalendars: syncConfig.listEventFromCalendars && { ...syncConfig.listEventFromCalendars, connectionId: id },
        }
      : null,
};
