/**
 * Field rules of the Schedule object (docs/wix-contract.md §2.3). Read-only fields (id, status, revision,
 * dates) are ignored on input, as Wix ignores them.
 */
import type { ConferencingDetails, Location, Permission, Schedule, ScheduleFieldset } from '../model.js';
import { Checker } from '../validate.js';

export type WritableSchedule = Partial<
  Pick<
    Schedule,
    | 'externalId'
    | 'name'
    | 'timeZone'
    | 'businessTimeZoneEnabled'
    | 'defaultTitle'
    | 'defaultLocation'
    | 'defaultCapacity'
    | 'defaultConferencingDetails'
    | 'appId'
    | 'permissions'
    | 'extendedFields'
  >
>;

const LOCATION_TYPES = ['UNKNOWN_TYPE', 'BUSINESS', 'CUSTOMER', 'CUSTOM'] as const;
const CONFERENCING_TYPES = ['UNKNOWN_TYPE', 'ZOOM', 'CUSTOM'] as const;
const ROLES = ['UNKNOWN_ROLE', 'WRITER', 'COMMENTER'] as const;
export const SCHEDULE_FIELDSETS = ['PI_FIELDS', 'OWN_PI_FIELDS'] as const;

/** The writable fields present in `value`, each checked; `mode` decides the create-only required fields. */
export function readWritableSchedule(
  check: Checker,
  input: Record<string, unknown>,
  field: string,
  mode: 'create' | 'update',
): WritableSchedule {
  const out: WritableSchedule = {};
  const externalId = check.string(input.externalId, `${field}.externalId`, { min: 1, max: 200 });
  if (externalId !== undefined) out.externalId = externalId;
  const name = check.string(input.name, `${field}.name`, { min: 1, max: 200 });
  if (name !== undefined) out.name = name;
  const timeZone = check.string(input.timeZone, `${field}.timeZone`, { min: 1, max: 150 });
  if (timeZone !== undefined) out.timeZone = timeZone;
  const businessTimeZoneEnabled = check.boolean(input.businessTimeZoneEnabled, `${field}.businessTimeZoneEnabled`);
  if (businessTimeZoneEnabled !== undefined) out.businessTimeZoneEnabled = businessTimeZoneEnabled;
  const defaultTitle = check.string(input.defaultTitle, `${field}.defaultTitle`, { min: 1, max: 200 });
  if (defaultTitle !== undefined) out.defaultTitle = defaultTitle;
  const defaultCapacity = check.integer(input.defaultCapacity, `${field}.defaultCapacity`, { min: 0, max: 2_147_483_647 });
  if (defaultCapacity !== undefined) out.defaultCapacity = defaultCapacity;
  const appId = check.guid(input.appId, `${field}.appId`);
  if (appId !== undefined) out.appId = appId;

  const location = readLocation(check, input.defaultLocation, `${field}.defaultLocation`);
  if (location !== undefined) out.defaultLocation = location;
  const conferencing = readConferencing(check, input.defaultConferencingDetails, `${field}.defaultConferencingDetails`, mode);
  if (conferencing !== undefined) out.defaultConferencingDetails = conferencing;
  const permissions = readPermissions(check, input.permissions, `${field}.permissions`);
  if (permissions !== undefined) out.permissions = permissions;
  const extendedFields = readExtendedFields(check, input.extendedFields, `${field}.extendedFields`);
  if (extendedFields !== undefined) out.extendedFields = extendedFields;
  return out;
}

function readLocation(check: Checker, value: unknown, field: string): Location | undefined {
  const input = check.object(value, field);
  if (!input) return undefined;
  const type = check.enumValue(input.type, `${field}.type`, LOCATION_TYPES, { required: true });
  const id = check.string(input.id, `${field}.id`, { min: 1 });
  const name = check.string(input.name, `${field}.name`, { min: 1, max: 150 });
  const address = check.string(input.address, `${field}.address`);
  if (type === undefined) return undefined;
  return { type, ...(id !== undefined && { id }), ...(name !== undefined && { name }), ...(address !== undefined && { address }) };
}

function readConferencing(check: Checker, value: unknown, field: string, mode: 'create' | 'update'): ConferencingDetails | undefined {
  const input = check.object(value, field);
  if (!input) return undefined;
  const required = mode === 'create';
  const type = check.enumValue(input.type, `${field}.type`, CONFERENCING_TYPES, { required });
  const hostUrl = check.string(input.hostUrl, `${field}.hostUrl`, { required, min: 1, max: 2_000 });
  const guestUrl = check.string(input.guestUrl, `${field}.guestUrl`, { required, min: 1, max: 2_000 });
  const password = check.string(input.password, `${field}.password`, { min: 1, max: 100 });
  const externalId = check.string(input.externalId, `${field}.externalId`, { min: 1, max: 150 });
  return {
    type: type ?? 'UNKNOWN_TYPE',
    ...(hostUrl !== undefined && { hostUrl }),
    ...(guestUrl !== undefined && { guestUrl }),
    ...(password !== undefined && { password }),
    ...(externalId !== undefined && { externalId }),
  };
}

function readPermissions(check: Checker, value: unknown, field: string): Permission[] | undefined {
  const items = check.array(value, field, { max: 1 });
  if (!items) return undefined;
  const permissions: Permission[] = [];
  items.forEach((item, index) => {
    const itemField = `${field}[${index}]`;
    const input = check.object(item, itemField, { required: true });
    if (!input) return;
    const identity = check.object(input.identity, `${itemField}.identity`, { required: true });
    const wixUserId = identity ? check.guid(identity.wixUserId, `${itemField}.identity.wixUserId`, { required: true }) : undefined;
    const role = check.enumValue(input.role, `${itemField}.role`, ROLES, { required: true });
    if (wixUserId !== undefined && role !== undefined) permissions.push({ identity: { wixUserId }, role });
  });
  return permissions;
}

function readExtendedFields(check: Checker, value: unknown, field: string): Schedule['extendedFields'] {
  const input = check.object(value, field);
  if (!input) return undefined;
  const namespaces = check.object(input.namespaces, `${field}.namespaces`, { required: true });
  if (!namespaces) return undefined;
  const out: Record<string, Record<string, unknown>> = {};
  for (const [namespace, data] of Object.entries(namespaces)) {
    const object = check.object(data, `${field}.namespaces.${namespace}`, { required: true });
    if (object) out[namespace] = object;
  }
  return { namespaces: out };
}

/** `fields` of Get and Query Schedules: repeatable, at most one value. */
export function readFieldsets(check: Checker, values: unknown, field: string): ScheduleFieldset[] {
  const items = check.array(values, field, { max: 1 });
  if (!items) return [];
  const fieldsets: ScheduleFieldset[] = [];
  items.forEach((item, index) => {
    const fieldset = check.enumValue(item, `${field}[${index}]`, SCHEDULE_FIELDSETS, { required: true });
    if (fieldset !== undefined) fieldsets.push(fieldset);
  });
  return fieldsets;
}

/** `participantNotification` of Update and Cancel; only checked, the emulator has no participants. */
export function checkParticipantNotification(check: Checker, value: unknown, field: string): void {
  const input = check.object(value, field);
  if (!input) return;
  check.boolean(input.notifyParticipants, `${field}.notifyParticipants`);
  check.string(input.message, `${field}.message`, { min: 1, max: 5_000 });
}

/**
 * The schedule as a caller sees it: conferencing details are personal data, only with a `fields`
 * value. OWN_PI_FIELDS is treated like PI_FIELDS: every emulator caller owns the whole site.
 */
export function projectSchedule(schedule: Schedule, fieldsets: readonly ScheduleFieldset[]): Schedule {
  const copy = structuredClone(schedule);
  if (fieldsets.length === 0) delete copy.defaultConferencingDetails;
  return copy;
}
