import type { ScheduleResolvers } from '../__generated__/resolvers-types.js';

export const Schedule: ScheduleResolvers = {
  permissions: ({ permissions }) => permissions ?? [],
};
