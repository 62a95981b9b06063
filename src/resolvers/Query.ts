import type { QueryResolvers } from '../__generated__/resolvers-types.js';

export const Query: QueryResolvers = {
  connection: (_, { id }, { wix }) => wix.externalCalendars.getConnection(id),
  connections: (_, { scheduleIds, partialFailure }, { wix }) => wix.externalCalendars.listConnections({ scheduleIds, partialFailure }),
  schedule: (_, { id }, { wix }) => wix.schedules.get(id),
};
