import { z } from 'zod';
import type { ListEventsFilter } from '../datasources/external-calendars.dto.js';

/** List Events takes at most 100 `scheduleIds` and 100 `userIds` (docs/wix-contract.md §1.4). */
const IDS_MAX = 100;

const instant = (name: string) =>
  z.iso.datetime({
    offset: true,
    error: (issue) => (issue.input === undefined ? `${name} is required unless after is given.` : `${name} must be an RFC 3339 date-time.`),
  });

const ids = (name: string) =>
  z
    .array(z.string().min(1, `${name} cannot hold an empty id.`).max(200))
    .min(1, `Give at least one of ${name}, or leave it out.`)
    .max(IDS_MAX, `Give at most ${IDS_MAX} ${name}.`);

/**
 * The filter of a first page of List Events, nulls dropped: the gateway's own form, also what a
 * cursor of that page carries (so it is checked again when read back from a cursor).
 */
export const EventsWindow = z
  .object({
    from: instant('from'),
    to: instant('to'),
    scheduleIds: ids('scheduleIds').optional(),
    userIds: ids('userIds').optional(),
    allDay: z.boolean().optional(),
  })
  .strict()
  .refine((window) => Date.parse(window.to) > Date.parse(window.from), {
    message: 'to must be later than from.',
    path: ['to'],
  }) satisfies z.ZodType<ListEventsFilter>;
