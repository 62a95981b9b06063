import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { ConnectByCredentialsArgs, ConnectByOAuthArgs, DisconnectConnectionArgs } from '../inputs/connect.js';
import { CancelScheduleArgs, CreateScheduleArgs, UpdateScheduleArgs } from '../inputs/schedule.js';
import { ignoredCalendarEnabled, SyncConfigInput } from '../inputs/sync-config.js';
import { validateArgument, validateArguments } from '../inputs/user-input.js';
import { payload } from './payload.js';

export const Mutation: MutationResolvers = {
  connectByOAuth: (_, args, { wix }) => {
    const input = validateArguments(ConnectByOAuthArgs, args);
    if (!input.ok) return { oauthUrl: null, userErrors: input.userErrors };
    return payload('oauthUrl', () => wix.externalCalendars.connectByOAuth(input.value));
  },
  connectByCredentials: (_, args, { wix }) => {
    const input = validateArguments(ConnectByCredentialsArgs, args);
    if (!input.ok) return { connection: null, userErrors: input.userErrors };
    return payload('connection', () => wix.externalCalendars.connectByCredentials(input.value));
  },
  updateSyncConfig: (_, { connectionId, syncConfig }, { wix, warnings }) => {
    const input = validateArgument(SyncConfigInput, 'syncConfig', syncConfig);
    if (!input.ok) return { connection: null, userErrors: input.userErrors };
    warnings.push(...ignoredCalendarEnabled(syncConfig));
    return payload('connection', () => wix.externalCalendars.updateSyncConfig(connectionId, input.value));
  },
  disconnectConnection: (_, args, { wix }) => {
    const input = validateArguments(DisconnectConnectionArgs, args);
    if (!input.ok) return { connection: null, userErrors: input.userErrors };
    return payload('connection', () => wix.externalCalendars.disconnect(input.value.connectionId));
  },
  createSchedule: (_, args, { wix }) => {
    const input = validateArguments(CreateScheduleArgs, args);
    if (!input.ok) return { schedule: null, userErrors: input.userErrors };
    const { schedule = {}, idempotencyKey } = input.value;
    return payload('schedule', () => wix.schedules.create(schedule, idempotencyKey));
  },
  updateSchedule: (_, args, { wix }) => {
    const input = validateArguments(UpdateScheduleArgs, args);
    if (!input.ok) return { schedule: null, userErrors: input.userErrors };
    const { id, revision } = args.schedule;
    const { participantNotification } = input.value;
    return payload('schedule', () => wix.schedules.update({ ...input.value.schedule, id, revision }, participantNotification));
  },
  cancelSchedule: (_, args, { wix }) => {
    const input = validateArguments(CancelScheduleArgs, args);
    if (!input.ok) return { schedule: null, userErrors: input.userErrors };
    const { id: _id, ...body } = input.value;
    return payload('schedule', () => wix.schedules.cancel(args.id, body));
  },
};
