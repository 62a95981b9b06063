/**
 * Update Sync Config (docs/wix-contract.md §1.3): each half of the config is a one-of that must name exactly
 * one member, the provider must support the members asked for, and a half absent from the body
 * is left unchanged.
 */
import { failedPrecondition } from '../errors.js';
import type { Calendar, Connection, ConnectionSyncConfig, ListEventFromCalendars, Provider, SyncToCalendar } from '../model.js';
import { Checker } from '../validate.js';
import { calendarsOf } from './calendars.js';
import { exportMembersAllowed, importMembersAllowed, type ExportMember, type ImportMember } from './features.js';

const IMPORT_MEMBERS: readonly ImportMember[] = ['primaryCalendar', 'calendars'];
const EXPORT_MEMBERS: readonly ExportMember[] = ['primaryCalendar', 'dedicatedCalendar'];
export const NOT_SUPPORTED_BY_PROVIDER = 'NOT_SUPPORTED_BY_PROVIDER';

/** Which one-of members are set; null counts as unset, as in proto3 JSON. */
function membersSet<Member extends string>(input: Record<string, unknown>, members: readonly Member[]): Member[] {
  return members.filter((member) => input[member] !== undefined && input[member] !== null);
}

function requireExactlyOne(check: Checker, field: string, set: readonly string[], members: readonly string[]): void {
  if (set.length === 1) return;
  const description =
    set.length === 0 ? `must set one of ${members.join(', ')}` : `must set only one of ${members.join(', ')}, got ${set.join(', ')}`;
  check.other(field, description, 'EXACTLY_ONE_OF', { oneOf: members });
}

function checkEmptyObject(check: Checker, value: unknown, field: string): void {
  const object = check.object(value, field);
  if (object && Object.keys(object).length > 0) check.fail(field, 'must be an empty object', 'FORMAT');
}

/**
 * `enabled` absent means false: a half is replaced as a whole, like a proto3 message, so clients
 * should always send it.
 */
function readImport(
  check: Checker,
  value: unknown,
  field: string,
  accountCalendars: readonly Calendar[],
): ListEventFromCalendars | undefined {
  const input = check.object(value, field);
  if (!input) return undefined;
  const enabled = check.boolean(input.enabled, `${field}.enabled`) ?? false;
  const set = membersSet(input, IMPORT_MEMBERS);
  requireExactlyOne(check, field, set, IMPORT_MEMBERS);
  if (set.length !== 1) return undefined;
  if (set[0] === 'primaryCalendar') {
    checkEmptyObject(check, input.primaryCalendar, `${field}.primaryCalendar`);
    return { enabled, primaryCalendar: {} };
  }
  const wrapper = check.object(input.calendars, `${field}.calendars`);
  const items = wrapper ? check.array(wrapper.calendars, `${field}.calendars.calendars`, { required: true }) : undefined;
  if (!items) return undefined;
  const calendars: Calendar[] = [];
  items.forEach((item, index) => {
    const itemField = `${field}.calendars.calendars[${index}]`;
    const calendar = check.object(item, itemField, { required: true });
    const id = calendar ? check.string(calendar.id, `${itemField}.id`, { required: true, min: 1 }) : undefined;
    if (id === undefined) return;
    const known = accountCalendars.find((candidate) => candidate.id === id);
    if (!known) check.other(`${itemField}.id`, 'is not a calendar of the connected account', 'KNOWN_CALENDAR', { id });
    else calendars.push({ ...known });
  });
  return { enabled, calendars: { calendars } };
}

function readExport(check: Checker, value: unknown, field: string): SyncToCalendar | undefined {
  const input = check.object(value, field);
  if (!input) return undefined;
  const enabled = check.boolean(input.enabled, `${field}.enabled`) ?? false;
  const set = membersSet(input, EXPORT_MEMBERS);
  requireExactlyOne(check, field, set, EXPORT_MEMBERS);
  const [member] = set;
  if (set.length !== 1 || member === undefined) return undefined;
  checkEmptyObject(check, input[member], `${field}.${member}`);
  return member === 'primaryCalendar' ? { enabled, primaryCalendar: {} } : { enabled, dedicatedCalendar: {} };
}

/** The one-of member a half uses. */
function importMember(config: ListEventFromCalendars): ImportMember {
  return config.calendars ? 'calendars' : 'primaryCalendar';
}

function exportMember(config: SyncToCalendar): ExportMember {
  return config.dedicatedCalendar ? 'dedicatedCalendar' : 'primaryCalendar';
}

/**
 * Checks the body (400), then the provider's features (428), then merges. A `fieldMask` in the
 * body is ignored: whether Wix honours it here is UNCONFIRMED and the public SDK never sends one.
 */
export function applySyncConfig(connection: Connection, provider: Provider, body: Record<string, unknown>): Connection {
  const check = new Checker();
  const input = check.object(body.syncConfig, 'syncConfig', { required: true });
  if (body.connectionId !== undefined && body.connectionId !== connection.id) {
    check.other('connectionId', `must match the id in the path (${connection.id})`, 'MATCHES_PATH');
  }
  const accountCalendars = calendarsOf(connection.calendarType, connection.externalAccountEmail);
  const listEventFromCalendars = input
    ? readImport(check, input.listEventFromCalendars, 'syncConfig.listEventFromCalendars', accountCalendars)
    : undefined;
  const syncToCalendar = input ? readExport(check, input.syncToCalendar, 'syncConfig.syncToCalendar') : undefined;
  check.throwIfAny();

  if (!provider.features.updateSyncConfig) {
    throw failedPrecondition(NOT_SUPPORTED_BY_PROVIDER, `${provider.name} does not support changing the sync configuration`, {
      providerId: provider.id,
    });
  }
  if (
    listEventFromCalendars &&
    !importMembersAllowed(provider.features.listEventFromCalendars).includes(importMember(listEventFromCalendars))
  ) {
    throw failedPrecondition(
      NOT_SUPPORTED_BY_PROVIDER,
      `${provider.name} cannot import events from ${importMember(listEventFromCalendars)} (supports ${provider.features.listEventFromCalendars})`,
      { providerId: provider.id },
    );
  }
  if (syncToCalendar && !exportMembersAllowed(provider.features.syncToCalendar).includes(exportMember(syncToCalendar))) {
    throw failedPrecondition(
      NOT_SUPPORTED_BY_PROVIDER,
      `${provider.name} cannot export events to ${exportMember(syncToCalendar)} (supports ${provider.features.syncToCalendar})`,
      { providerId: provider.id },
    );
  }

  const merged: ConnectionSyncConfig = { ...connection.syncConfig };
  if (listEventFromCalendars) merged.listEventFromCalendars = listEventFromCalendars;
  if (syncToCalendar) merged.syncToCalendar = syncToCalendar;
  connection.syncConfig = merged;
  return connection;
}
