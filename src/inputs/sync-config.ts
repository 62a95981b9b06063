import { decodeExternalCalendarId } from '../resolvers/node.js';
import { z } from 'zod';
import type { WixSyncConfigBody } from '../datasources/external-calendars.dto.js';
import { withoutNulls } from './compact.js';
import type { ResponseWarning } from '../graphql/context.js';

/** Limits the gateway enforces before anything goes upstream; Wix documents none for calendars. */
const CALENDAR_NAME_MAX = 200; // characters
const CALENDAR_ID_MAX = 500; // characters
const CALENDARS_MAX = 100; // calendars in one selection

const mustBeTrue = (member: string) =>
  z.literal(true, { error: `${member} must be true to choose it; choose another member instead of sending false.` });

const ExternalCalendarInput = z.object({
  id: z
    .string()
    .min(1, 'A calendar id cannot be empty.')
    .max(CALENDAR_ID_MAX, `A calendar id has at most ${CALENDAR_ID_MAX} characters.`)
    .nullish(),
  name: z.string().max(CALENDAR_NAME_MAX, `A calendar name has at most ${CALENDAR_NAME_MAX} characters.`).nullish(),
  enabled: z.boolean().nullish(),
});

/** Exactly one member is set: GraphQL's `@oneOf` checks that; the rest it cannot check is here. */
const exactlyOne = (value: Record<string, unknown>) => Object.values(value).filter((v) => v != null).length === 1;

const ImportSourceInput = z
  .object({
    primaryCalendar: mustBeTrue('primaryCalendar').nullish(),
    calendars: z
      .array(ExternalCalendarInput)
      .min(1, 'Choose at least one calendar, or import from the primary calendar.')
      .max(CALENDARS_MAX, `Choose at most ${CALENDARS_MAX} calendars.`)
      .nullish(),
  })
  .refine(exactlyOne, 'Give exactly one of primaryCalendar and calendars.');

const ExportTargetInput = z
  .object({
    primaryCalendar: mustBeTrue('primaryCalendar').nullish(),
    dedicatedCalendar: mustBeTrue('dedicatedCalendar').nullish(),
  })
  .refine(exactlyOne, 'Give exactly one of primaryCalendar and dedicatedCalendar.');

/** GraphQL `SyncConfigInput` → the exact Wix `syncConfig` body (docs/wix-contract.md §1.3). */
export const SyncConfigInput = z
  .object({
    listEventFromCalendars: z.object({ enabled: z.boolean(), source: ImportSourceInput.nullish() }).nullish(),
    syncToCalendar: z.object({ enabled: z.boolean(), target: ExportTargetInput.nullish() }).nullish(),
  })
  .refine((input) => input.listEventFromCalendars != null || input.syncToCalendar != null, {
    message: 'Give listEventFromCalendars, syncToCalendar or both.',
  })
  .transform((input): WixSyncConfigBody => {
    const body: WixSyncConfigBody = {};
    const importing = input.listEventFromCalendars;
    if (importing) {
      const source = importing.source;
      body.listEventFromCalendars = { enabled: importing.enabled };
      if (source?.primaryCalendar) body.listEventFromCalendars.primaryCalendar = {};
      if (source?.calendars) {
        body.listEventFromCalendars.calendars = {
          // Wix's Calendar is { id, name }: a deprecated `enabled` given here is dropped (see ignoredCalendarEnabled).
          calendars: source.calendars.map(({ id, name }) =>
            withoutNulls({ id: id && (decodeExternalCalendarId(id)?.calendarId ?? id), name }),
          ),
        };
      }
    }
    const exporting = input.syncToCalendar;
    if (exporting) {
      const target = exporting.target;
      body.syncToCalendar = { enabled: exporting.enabled };
      if (target?.primaryCalendar) body.syncToCalendar.primaryCalendar = {};
      if (target?.dedicatedCalendar) body.syncToCalendar.dedicatedCalendar = {};
    }
    return body;
  });

/** Where a deprecated `ExternalCalendarInput.enabled` was given: it is ignored, and the caller warned. */
export function ignoredCalendarEnabled(syncConfig: {
  listEventFromCalendars?: { source?: { calendars?: ReadonlyArray<{ enabled?: boolean | null }> | null } | null } | null;
}): ResponseWarning[] {
  const calendars = syncConfig.listEventFromCalendars?.source?.calendars ?? [];
  return calendars.flatMap((calendar, index) =>
    calendar.enabled == null
      ? []
      : [
          {
            message: 'ExternalCalendarInput.enabled is deprecated and ignored: set listEventFromCalendars.enabled for the whole list.',
            field: ['syncConfig', 'listEventFromCalendars', 'source', 'calendars', String(index), 'enabled'],
          },
        ],
  );
}
