import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Connection } from './Connection.js';
import {
  CalendarSelection,
  DedicatedCalendar,
  ExportTarget,
  ExternalCalendar,
  ImportSource,
  ListEventFromCalendars,
  PrimaryCalendar,
  SyncToCalendar,
} from './ConnectionSyncConfig.js';
import { Mutation } from './Mutation.js';
import { Node } from './node.js';
import { Query } from './Query.js';
import { DateTime, JSON } from './scalars.js';
import { Schedule } from './Schedule.js';
import { ScheduleEvent } from './ScheduleEvent.js';
import { Subscription } from './Subscription.js';

export const resolvers = {
  Query,
  Mutation,
  Subscription,
  Connection,
  ListEventFromCalendars,
  SyncToCalendar,
  ImportSource,
  ExportTarget,
  PrimaryCalendar,
  DedicatedCalendar,
  CalendarSelection,
  ExternalCalendar,
  Schedule,
  ScheduleEvent,
  Node,
  DateTime,
  JSON,
} satisfies Resolvers;
