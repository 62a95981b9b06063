import type { ConnectionResolvers } from '../__generated__/resolvers-types.js';

export const Connection: ConnectionResolvers = {
  schedule: ({ scheduleId }, _, { wix }) => (scheduleId ? wix.schedules.load(scheduleId) : null),
  provider: ({ providerId }, _, { wix }) => (providerId ? wix.externalCalendars.getProvider(providerId) : null),
  calendars: ({ id }, _, { wix }) => wix.externalCalendars.listCalendars(id),
};
