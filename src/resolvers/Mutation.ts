import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { UpdateScheduleInput } from '../inputs/schedule.js';
import { SyncConfigInput } from '../inputs/sync-config.js';
import { validateArgument } from '../inputs/user-input.js';
import { payload } from './payload.js';

export const Mutation: MutationResolvers = {
  updateSyncConfig: (_, { connectionId, syncConfig }, { wix }) => {
    const input = validateArgument(SyncConfigInput, 'syncConfig', syncConfig);
    if (!input.ok) return { connection: null, userErrors: input.userErrors };
    return payload('connection', () => wix.externalCalendars.updateSyncConfig(connectionId, input.value));
  },
  updateSchedule: (_, { schedule }, { wix }) => {
    const input = validateArgument(UpdateScheduleInput, 'schedule', schedule);
    if (!input.ok) return { schedule: null, userErrors: input.userErrors };
    const { id, revision } = schedule;
    return payload('schedule', () => wix.schedules.update({ ...input.value, id, revision }));
  },
};
