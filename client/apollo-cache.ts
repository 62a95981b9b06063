import { InMemoryCache, type InMemoryCacheConfig, type TypePolicies } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import possibleTypesResult from './__generated__/possible-types.js';

/**
 * A ready Apollo Client cache for the gateway, for Apollo Client 3 and 4:
 *
 * - `possibleTypes` (generated from the schema by `npm run codegen:client`): without it a fragment
 *   on a union or interface (`... on CalendarSelection` inside `ImportSource`, a fragment on
 *   `ScheduleEvent`) silently loses its fields;
 * - `relayStylePagination` for every paged field, keyed by the arguments that pick the list (not
 *   `first` / `after`), so `fetchMore` appends pages;
 * - ids: every type with an `id` has a globally unique one (`ExternalCalendar.id` included), so
 *   the default `__typename:id` keys are right and no `keyFields` are needed.
 *
 * ```ts
 * const client = new ApolloClient({ link: new HttpLink({ uri: '/graphql' }), cache: createApolloCache() });
 * ```
 */
export const possibleTypes = possibleTypesResult.possibleTypes;

/** The type policies, given the `relayStylePagination` of the Apollo Client version in use. */
export function gatewayTypePolicies(pagination: (keyArgs: string[]) => object): TypePolicies {
  return {
    Query: {
      fields: {
        schedules: pagination(['filter', 'includePersonalData', 'personalFields']),
        externalEvents: pagination(['filter']),
      },
    },
  };
}

/** `new InMemoryCache(options)` arguments for the gateway. */
export function gatewayCacheConfig(pagination: (keyArgs: string[]) => object = relayStylePagination): InMemoryCacheConfig {
  return { possibleTypes, typePolicies: gatewayTypePolicies(pagination) };
}

/** An InMemoryCache configured for the gateway. */
export function createApolloCache(): InMemoryCache {
  return new InMemoryCache(gatewayCacheConfig());
}
