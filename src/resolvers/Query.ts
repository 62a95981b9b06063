import { nodeQueries } from './node.js';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { EVENTS_PAGE_MAX } from '../datasources/external-calendars.js';
import type { ExternalEventDto, ListEventsFilter } from '../datasources/external-calendars.dto.js';
import { QUERY_PAGE_MAX } from '../datasources/schedules.js';
import { withoutNulls } from '../inputs/compact.js';
import { EventsWindow } from '../inputs/external-events.js';
import { personalFieldsOf, ScheduleListFilter } from '../inputs/schedule.js';
import { parseArgument } from '../inputs/user-input.js';
import { fetchPage, pageOfHeld, readAfter, readHeldAfter, readPageSize, type ListSpec } from './paging.js';

/** `externalEvents`: cursors carry the first page's filter; `first` defaults as in the SDL. */
const EXTERNAL_EVENTS: ListSpec<ListEventsFilter> = { kind: 'externalEvents', filter: EventsWindow, maxPageSize: EVENTS_PAGE_MAX };
const EXTERNAL_EVENTS_FIRST = 100;
/** `schedules`: Wix's default page is 50. */
const SCHEDULES: ListSpec<ScheduleListFilter> = { kind: 'schedules', filter: ScheduleListFilter, maxPageSize: QUERY_PAGE_MAX };
const SCHEDULES_FIRST = 50;

export const Query: QueryResolvers = {
  ...nodeQueries,
  connection: (_, { id }, { wix }) => wix.externalCalendars.getConnection(id),
  connections: (_, { scheduleIds, partialFailure }, { wix }) => wix.externalCalendars.listConnections({ scheduleIds, partialFailure }),
  providers: (_, __, { wix }) => wix.externalCalendars.listProviders(),
  schedule: (_, { id, includePersonalData, personalFields }, { wix }) =>
    wix.schedules.get(id, { personalFields: personalFieldsOf(includePersonalData, personalFields) }),

  schedules: async (_, { filter, first, after, includePersonalData, personalFields: asked }, { wix }) => {
    const personalFields = personalFieldsOf(includePersonalData, asked);
    const size = readPageSize(first, SCHEDULES, SCHEDULES_FIRST);
    const held = readHeldAfter(SCHEDULES, after);
    if (held || (wix.schedules.replicated && (after === null || after === undefined))) {
      // The replica holds every schedule: the page costs Wix nothing (one call for personal data).
      const listFilter = held?.filter ?? parseArgument(ScheduleListFilter, 'filter', withoutNulls(filter ?? {}));
      const page = pageOfHeld(SCHEDULES, listFilter, await wix.schedules.list(listFilter), size, held?.afterId);
      if (!personalFields) return page;
      const personal = await wix.schedules.withPersonalData(
        page.edges.map((edge) => edge.node.id),
        personalFields,
      );
      return { ...page, edges: page.edges.map((edge, index) => ({ ...edge, node: personal[index] ?? edge.node })) };
    }
    const position = readAfter(SCHEDULES, after) ?? {
      page: { filter: parseArgument(ScheduleListFilter, 'filter', withoutNulls(filter ?? {})) },
      skip: 0,
    };
    return fetchPage(SCHEDULES, position, size, async (page, limit) => {
      const response = await wix.schedules.query({ ...page, limit, personalFields });
      const next = response.pagingMetadata?.cursors?.next;
      return { items: response.schedules, nextCursor: next, hasNext: response.pagingMetadata?.hasNext ?? Boolean(next) };
    });
  },

  externalEvents: async (_, { filter, first, after }, { wix }) => {
    const size = readPageSize(first, EXTERNAL_EVENTS, EXTERNAL_EVENTS_FIRST);
    const { includePersonalData, partialFailure, ...window } = filter;
    const position = readAfter(EXTERNAL_EVENTS, after) ?? {
      page: { filter: parseArgument(EventsWindow, 'filter', withoutNulls(window)) },
      skip: 0,
    };
    let failedProviderIds: string[] = [];
    const page = await fetchPage<ListEventsFilter, ExternalEventDto>(EXTERNAL_EVENTS, position, size, async (ref, limit) => {
      const response = await wix.externalCalendars.listEvents({
        ...ref,
        limit,
        personalData: includePersonalData ?? false,
        partialFailure,
      });
      failedProviderIds = response.failedProviderIds;
      const next = response.pagingMetadata?.cursors?.next;
      return { items: response.events, nextCursor: next, hasNext: response.pagingMetadata?.hasNext ?? Boolean(next) };
    });
    return { ...page, failedProviderIds };
  },
};
