/**
 * Connect By OAuth / Connect By Credentials (docs/wix-contract.md §1.1, §1.6, §1.7): the checks both share
 * and the connection a completed connect creates.
 */
import { failedPrecondition, notFound } from '../errors.js';
import { newGuid } from '../ids.js';
import type { CalendarType, ConnectMethod, Connection, Provider, Schedule } from '../model.js';
import type { EmulatorStore, Tenant } from '../store.js';
import { defaultSyncConfig } from './features.js';
import { NOT_SUPPORTED_BY_PROVIDER } from './sync-config.js';

export function providerFor(store: EmulatorStore, providerId: string, method: ConnectMethod): Provider {
  const provider = store.provider(providerId);
  if (!provider) throw notFound('Provider', providerId);
  if (!provider.features.connectMethods.includes(method)) {
    throw failedPrecondition(NOT_SUPPORTED_BY_PROVIDER, `${provider.name} does not support connecting by ${method}`, {
      providerId,
      connectMethods: provider.features.connectMethods,
    });
  }
  return provider;
}

export function scheduleFor(tenant: Tenant, scheduleId: string): Schedule {
  const schedule = tenant.getSchedule(scheduleId);
  if (!schedule) throw notFound('Schedule', scheduleId);
  return schedule;
}

const EMAIL_DOMAINS: Partial<Record<CalendarType, string>> = { GOOGLE: 'gmail.com', I_CAL: 'icloud.com', MICROSOFT: 'outlook.com' };

/** The account an OAuth consent "logs in" as when the URL names none. */
export function defaultAccountEmail(calendarType: CalendarType): string {
  return `calendar.owner@${EMAIL_DOMAINS[calendarType] ?? 'example.com'}`;
}

/** A new connection starts CONNECTED and reports SYNCED shortly after (see Tenant.addConnection). */
export function connectAccount(tenant: Tenant, provider: Provider, schedule: Schedule, email: string, appId: string): Connection {
  const connection: Connection = {
    id: newGuid(),
    providerId: provider.id,
    calendarType: provider.calendarType,
    scheduleId: schedule.id,
    userId: tenant.ownerOf(schedule),
    appId,
    externalAccountEmail: email,
    status: 'CONNECTED',
    errorReason: 'UNDEFINED',
    syncConfig: defaultSyncConfig(provider),
  };
  tenant.addConnection(connection);
  return connection;
}
