import { z } from 'zod';
import { ScheduleStatus, type SchedulePersonalFields } from '../datasources/schedules.dto.js';
import { BadUserInputError } from '../infra/errors.js';
import { withoutNulls as compact } from './compact.js';

/** Field limits of the Schedules v3 object (docs/wix-contract.md §2.3), checked before anything goes upstream. */
const text = (label: string, min: number, max: number) =>
  z
    .string()
    .min(min, `${label} needs at least ${min} character${min === 1 ? '' : 's'}.`)
    .max(max, `${label} has at most ${max} characters.`);

const LocationInput = z.object({
  id: z.string().min(1).max(200).nullish(),
  type: z.enum(['UNKNOWN_TYPE', 'BUSINESS', 'CUSTOMER', 'CUSTOM']),
  name: text('A location name', 1, 150).nullish(),
  address: z.string().max(2_000, 'An address has at most 2000 characters.').nullish(),
});

const ConferencingDetailsInput = z.object({
  type: z.enum(['UNKNOWN_TYPE', 'ZOOM', 'CUSTOM']),
  hostUrl: text('hostUrl', 1, 2_000).nullish(),
  guestUrl: text('guestUrl', 1, 2_000).nullish(),
  password: text('password', 1, 100).nullish(),
  externalId: text('externalId', 1, 150).nullish(),
});

const EXTENDED_FIELDS_SHAPE = 'extendedFields is { namespaces: { <namespace>: { ... } } }.';
const ExtendedFields = z
  .object(
    { namespaces: z.record(z.string(), z.record(z.string(), z.unknown()), { error: EXTENDED_FIELDS_SHAPE }) },
    { error: EXTENDED_FIELDS_SHAPE },
  )
  .strict();

const PermissionInput = z.object({
  identity: z.object({ wixUserId: z.guid('wixUserId is the GUID of a Wix user.') }),
  role: z.enum(['UNKNOWN_ROLE', 'WRITER', 'COMMENTER']),
});

/** A schedule has at most one permission (Wix's limit on `permissions`). */
const Permissions = z.array(PermissionInput).max(1, 'A schedule has at most one permission.');

/** `participantNotification` of Update and Cancel Schedule. */
const ParticipantNotificationInput = z
  .object({ notifyParticipants: z.boolean().nullish(), message: text('message', 1, 5_000).nullish() })
  .transform(compact);

/** GraphQL `UpdateScheduleInput` → the `schedule` of the Update Schedule body: id, revision and what changes. */
export const UpdateScheduleInput = z
  .object({
    id: z.string().min(1, 'id cannot be empty.').max(200),
    revision: z.string().regex(/^\d{1,19}$/, 'revision is the number read from the schedule, as a string.'),
    name: text('name', 1, 200).nullish(),
    timeZone: text('timeZone', 1, 150).nullish(),
    businessTimeZoneEnabled: z.boolean().nullish(),
    defaultTitle: text('defaultTitle', 1, 200).nullish(),
    defaultLocation: LocationInput.transform(compact).nullish(),
    defaultCapacity: z.number().int().min(0, 'defaultCapacity cannot be negative.').max(2_147_483_647).nullish(),
    defaultConferencingDetails: ConferencingDetailsInput.transform(compact).nullish(),
    extendedFields: ExtendedFields.nullish(),
    permissions: Permissions.nullish(),
  })
  .transform(compact);

/** GraphQL `updateSchedule` arguments → the Update Schedule body `{ schedule, participantNotification? }`. */
export const UpdateScheduleArgs = z
  .object({ schedule: UpdateScheduleInput, participantNotification: ParticipantNotificationInput.nullish() })
  .transform(compact);

/** On create, conferencing details need their type and both URLs (docs/wix-contract.md §2.3). */
const requiredUrl = (label: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${label} is required with defaultConferencingDetails.` : undefined) })
    .min(1, `${label} needs at least 1 character.`)
    .max(2_000, `${label} has at most 2000 characters.`);
const NewConferencingDetailsInput = ConferencingDetailsInput.extend({
  hostUrl: requiredUrl('hostUrl'),
  guestUrl: requiredUrl('guestUrl'),
});

/** GraphQL `createSchedule` arguments → the Create Schedule body `{ schedule, idempotencyKey? }`. */
export const CreateScheduleArgs = z
  .object({
    schedule: z
      .object({
        externalId: text('externalId', 1, 200).nullish(),
        name: text('name', 1, 200).nullish(),
        timeZone: text('timeZone', 1, 150).nullish(),
        businessTimeZoneEnabled: z.boolean().nullish(),
        defaultTitle: text('defaultTitle', 1, 200).nullish(),
        defaultLocation: LocationInput.transform(compact).nullish(),
        defaultCapacity: z.number().int().min(0, 'defaultCapacity cannot be negative.').max(2_147_483_647).nullish(),
        defaultConferencingDetails: NewConferencingDetailsInput.transform(compact).nullish(),
        appId: z.guid('appId is the GUID of a Wix app.').nullish(),
        permissions: Permissions.nullish(),
        extendedFields: ExtendedFields.nullish(),
      })
      .transform(compact),
    // Wix's idempotencyKey is a GUID: anything else would be refused upstream, so it is never sent.
    idempotencyKey: z.guid('idempotencyKey is a GUID, for example a fresh UUID.').nullish(),
  })
  .transform(compact);

/** GraphQL `cancelSchedule` arguments → the Cancel Schedule path id and body. */
export const CancelScheduleArgs = z
  .object({
    id: z.string().min(1, 'id cannot be empty.').max(200),
    preserveFutureEventsWithParticipants: z.boolean().nullish(),
    participantNotification: ParticipantNotificationInput.nullish(),
  })
  .transform(compact);

/** Query Schedules takes `$in` lists of at most this many values here; Wix documents no limit. */
const FILTER_VALUES_MAX = 100;
const valueList = <T extends z.ZodType>(item: T, what: string) =>
  z
    .array(item)
    .min(1, `Give at least one ${what}, or leave the list out.`)
    .max(FILTER_VALUES_MAX, `Give at most ${FILTER_VALUES_MAX} ${what}s.`);

/**
 * The `schedules` filter with nulls dropped: the gateway's own form, also what a cursor of the
 * first page carries (so it is checked again when read back from a cursor).
 */
export const ScheduleListFilter = z
  .object({
    ids: valueList(z.string().min(1).max(200), 'id').optional(),
    externalIds: valueList(z.string().min(1).max(200), 'external id').optional(),
    appIds: valueList(z.string().min(1).max(200), 'app id').optional(),
    statuses: valueList(z.enum(ScheduleStatus), 'status').optional(),
  })
  .strict();
export type ScheduleListFilter = z.infer<typeof ScheduleListFilter>;

/**
 * Wix's `fields` of Get and Query Schedules from the two ways a query can ask for personal data:
 * `includePersonalData: true` is PI_FIELDS, `personalFields` names the value; both at once is refused.
 */
export function personalFieldsOf(
  includePersonalData: boolean | null | undefined,
  personalFields: SchedulePersonalFields | null | undefined,
): SchedulePersonalFields | undefined {
  if (personalFields != null && includePersonalData != null) {
    throw new BadUserInputError('Give includePersonalData or personalFields, not both.', ['personalFields']);
  }
  if (personalFields != null) return personalFields;
  return includePersonalData ? 'PI_FIELDS' : undefined;
}
