import type { SubscriptionResolvers } from '../__generated__/resolvers-types.js';
import { BadUserInputError } from '../infra/errors.js';
import type { BusEvent, ScheduleEventPayload, ScheduleTopic } from '../bus/events.js';
import type { GatewayContext } from '../graphql/context.js';
import { mayReceive } from '../auth/caller.js';

/** What one subscription may hold of its arguments: 100 ids (as List Events takes) of at most 250 characters. */
const SCHEDULE_IDS_MAX = 100;
const SCHEDULE_ID_LENGTH_MAX = 250;

interface ScheduleEventArgs {
  scheduleIds?: readonly string[] | null;
  since?: string | null;
}

/** One subscription field: the bus's events of one topic, filtered by schedule id, as payloads. */
function scheduleEvents(topic: ScheduleTopic) {
  return {
    subscribe: async (
      _: unknown,
      { scheduleIds, since }: ScheduleEventArgs,
      { bus, caller, maxQueuedEvents, queueBudget, onSlowConsumer }: GatewayContext,
    ) => {
      if (scheduleIds && scheduleIds.length > SCHEDULE_IDS_MAX) {
        throw new BadUserInputError(`Give at most ${SCHEDULE_IDS_MAX} scheduleIds.`, ['scheduleIds']);
      }
      if (scheduleIds?.some((id) => id.length > SCHEDULE_ID_LENGTH_MAX)) {
        throw new BadUserInputError(`A schedule id has at most ${SCHEDULE_ID_LENGTH_MAX} characters.`, ['scheduleIds']);
      }
      const ids = scheduleIds ? new Set(scheduleIds) : undefined;
      return bus.subscribe({
        since: since ?? undefined,
        // Tenancy first: a subscriber only ever sees its own tenant's events.
        filter: (event) => mayReceive(caller, event.instanceId) && event.topics.includes(topic) && (!ids || ids.has(event.entityId)),
        entityIds: ids,
        maxQueued: maxQueuedEvents,
        budget: queueBudget,
        onOverflow: onSlowConsumer,
      });
    },
    resolve: (event: BusEvent): ScheduleEventPayload => ({
      eventId: event.eventId,
      eventTime: event.eventTime,
      sequence: event.sequence,
      cursor: event.cursor,
      schedule: event.schedule,
      topic,
    }),
  };
}

export const Subscription: SubscriptionResolvers = {
  scheduleUpdated: scheduleEvents('updated'),
  scheduleCreated: scheduleEvents('created'),
  scheduleCancelled: scheduleEvents('cancelled'),
};
