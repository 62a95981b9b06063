/**
 * Partial failure (docs/wix-contract.md §1.5): when a provider cannot be reached, the call fails as a whole
 * unless `partialFailure=true` and at least one connection still works; then the failed providers
 * are listed in `failedProviderIds`.
 */
import { applicationError } from '../errors.js';
import type { FaultInjector } from '../faults.js';
import type { Connection } from '../model.js';

/** UNCONFIRMED status and code for a provider failure without partialFailure: a retryable 503. */
export const EXTERNAL_PROVIDER_UNAVAILABLE = 'EXTERNAL_PROVIDER_UNAVAILABLE';

export interface OutageSplit {
  working: Connection[];
  failedProviderIds: string[];
}

export function splitByOutage(connections: readonly Connection[], faults: FaultInjector, partialFailure: boolean): OutageSplit {
  const working = connections.filter((connection) => !faults.isProviderFailing(connection.providerId));
  const failedProviderIds = [
    ...new Set(connections.filter((connection) => faults.isProviderFailing(connection.providerId)).map((c) => c.providerId)),
  ];
  if (failedProviderIds.length > 0 && (!partialFailure || working.length === 0)) {
    throw applicationError(503, EXTERNAL_PROVIDER_UNAVAILABLE, 'The external calendar provider could not be reached', {
      failedProviderIds,
    });
  }
  return { working, failedProviderIds };
}
