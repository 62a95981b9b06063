import type { ScheduleEventResolvers } from '../__generated__/resolvers-types.js';

const TYPE_OF_TOPIC = { created: 'ScheduleCreated', updated: 'ScheduleUpdate', cancelled: 'ScheduleCancelled' } as const;

export const ScheduleEvent: ScheduleEventResolvers = {
  __resolveType: ({ topic }) => TYPE_OF_TOPIC[topic],
};
