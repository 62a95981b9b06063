import { z } from 'zod';

/** Field limits of the Schedules v3 object (WIX-API.md §2.3), checked before anything goes upstream. */
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

const ExtendedFields = z
  .object({ namespaces: z.record(z.string(), z.record(z.string(), z.unknown())) }, { error: 'extendedFields is { namespaces: { <namespace>: { ... } } }.' })
  .strict();

/** Drops null and undefined members: a PATCH sends only what changes. */
function compact<T extends Record<string, unknown>>(value: T): Partial<{ [K in keyof T]: NonNullable<T[K]> }> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as Partial<{
    [K in keyof T]: NonNullable<T[K]>;
  }>;
}

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
  })
  .transform(compact);
