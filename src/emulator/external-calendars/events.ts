/**
 * The external calendars' events that List Events imports. Nothing is stored: events are a pure
 * function of the connection and the day, so every call and every page sees the same ones. Only
 * connections that are connected and have import enabled contribute, over a window around today.
 */
import { hash32 } from '../ids.js';
import type { Calendar, Connection, ExternalEvent } from '../model.js';
import type { Tenant } from '../store.js';
import { primaryCalendarName } from './calendars.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Demo calendars hold events from this many days before today… */
export const EVENT_WINDOW_PAST_DAYS = 60;
/** …to this many days after. */
export const EVENT_WINDOW_FUTURE_DAYS = 120;

const IMPORTING_STATUSES: readonly Connection['status'][] = ['CONNECTED', 'SYNC_IN_PROGRESS', 'SYNCED'];
/** Local start hours of the day's timed events; three a day at most, never overlapping. */
const SLOT_HOURS = [9, 11, 13, 15, 17] as const;
const DURATIONS_MIN = [30, 45, 60, 90] as const;
const TIMED_PER_WEEKDAY = [0, 1, 1, 2, 2, 3] as const;
const TITLES = [
  'Dentist appointment',
  'Team standup',
  'Lunch with Dana',
  'School pickup',
  'Physio follow-up',
  'Coffee with a client',
  'Car service',
  'Parent-teacher meeting',
  'Gym session',
  'Call with accountant',
  'Flight to Chicago',
  'Haircut',
] as const;
const ALL_DAY_TITLES = ['Out of office', 'Conference', 'Vacation day'] as const;
const HOLIDAY_TITLES = ['Public holiday', 'Bank holiday', 'Observance'] as const;
const BIRTHDAY_TITLES = ["Noa's birthday", "Sam's birthday", "Grandma's birthday", "Jonah's birthday"] as const;

export function importsEvents(connection: Connection): boolean {
  return IMPORTING_STATUSES.includes(connection.status) && connection.syncConfig.listEventFromCalendars?.enabled === true;
}

/** Holiday and birthday calendars (Google's well-known ids) only hold all-day entries. */
function specialTitles(calendar: Calendar): readonly string[] | undefined {
  if (calendar.id.includes('#holiday@')) return HOLIDAY_TITLES;
  if (calendar.id.includes('#contacts@')) return BIRTHDAY_TITLES;
  return undefined;
}

function importedCalendars(connection: Connection): Calendar[] {
  const specific = connection.syncConfig.listEventFromCalendars?.calendars?.calendars ?? [];
  if (specific.length > 0) return specific;
  return [{ id: 'primary', name: primaryCalendarName(connection.calendarType, connection.externalAccountEmail) }];
}

function pick<T>(list: readonly T[], index: number): T {
  const item = list[index % list.length];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** Offset of a time zone from UTC at a moment, in minutes (0 for an unknown zone). */
function utcOffsetMinutes(timeZone: string | undefined, atMs: number): number {
  if (timeZone === undefined) return 0;
  try {
    const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(atMs)
      .find((part) => part.type === 'timeZoneName')?.value;
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
    if (!match) return 0;
    const minutes = Number(match[2]) * 60 + Number(match[3]);
    return match[1] === '-' ? -minutes : minutes;
  } catch {
    return 0;
  }
}

interface ConnectionContext {
  connection: Connection;
  regular: Calendar[];
  special: Calendar[];
  /** UTC offset of the schedule's time zone, so timed events fall in local working hours. */
  offsetMinutes: number;
  owner: { id: string; name: string | undefined };
}

function allDayEvent(context: ConnectionContext, dayStartMs: number, calendarName: string, title: string): ExternalEvent {
  const { connection, owner } = context;
  return {
    scheduleId: connection.scheduleId,
    calendarType: connection.calendarType,
    calendarName,
    title,
    start: new Date(dayStartMs).toISOString(),
    end: new Date(dayStartMs + DAY_MS).toISOString(),
    allDay: true,
    scheduleOwnerId: owner.id,
    ...(owner.name !== undefined && { scheduleOwnerName: owner.name }),
  };
}

/** Events of one connection on one UTC day (days counted from the epoch). */
function eventsOfDay(context: ConnectionContext, day: number): ExternalEvent[] {
  const { connection, regular, special, offsetMinutes, owner } = context;
  const hash = hash32(`${connection.id}:${day}`);
  const dayStartMs = day * DAY_MS;
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  const weekend = weekday === 0 || weekday === 6;
  const events: ExternalEvent[] = [];
  special.forEach((calendar, index) => {
    const titles = specialTitles(calendar);
    if (titles && (hash >>> (11 + index)) % 17 === 0)
      events.push(allDayEvent(context, dayStartMs, calendar.name, pick(titles, hash >>> 5)));
  });
  if (regular.length === 0) return events;
  // About one day in 13 has an all-day entry and one in 17 a holiday or birthday: rare enough to look real.
  if (hash % 13 === 0) events.push(allDayEvent(context, dayStartMs, pick(regular, hash >>> 5).name, pick(ALL_DAY_TITLES, hash >>> 7)));
  const timed = weekend ? hash % 2 : pick(TIMED_PER_WEEKDAY, hash);
  const firstSlot = (hash >>> 3) % SLOT_HOURS.length;
  for (let index = 0; index < timed; index += 1) {
    const bits = hash >>> (8 + index * 6);
    // Slots two apart never repeat within three events, so a day's events never overlap.
    const localStartMinutes = pick(SLOT_HOURS, firstSlot + index * 2) * 60 + (bits % 2) * 30;
    const startMs = dayStartMs + (localStartMinutes - offsetMinutes) * MINUTE_MS;
    events.push({
      scheduleId: connection.scheduleId,
      calendarType: connection.calendarType,
      calendarName: pick(regular, bits >>> 1).name,
      title: pick(TITLES, bits >>> 2),
      start: new Date(startMs).toISOString(),
      end: new Date(startMs + pick(DURATIONS_MIN, bits >>> 4) * MINUTE_MS).toISOString(),
      allDay: false,
      scheduleOwnerId: owner.id,
      ...(owner.name !== undefined && { scheduleOwnerName: owner.name }),
    });
  }
  return events;
}

/** `scheduleOwnerId` of a connection's events: the Wix user owning its schedule (the staff member for staff). */
export function scheduleOwnerOf(tenant: Tenant, connection: Connection): string {
  const schedule = tenant.getSchedule(connection.scheduleId);
  return schedule ? tenant.ownerOf(schedule) : connection.userId;
}

export interface EventWindow {
  fromMs: number;
  toMs: number;
}

/**
 * Events of the given connections that overlap [from, to) (start < to and end > from), sorted by
 * start; ties keep connection order, so the order is total and stable across calls.
 */
export function eventsOf(tenant: Tenant, connections: readonly Connection[], window: EventWindow, now = Date.now()): ExternalEvent[] {
  const today = Math.floor(now / DAY_MS);
  const firstDay = Math.max(Math.floor(window.fromMs / DAY_MS), today - EVENT_WINDOW_PAST_DAYS);
  const lastDay = Math.min(Math.floor((window.toMs - 1) / DAY_MS), today + EVENT_WINDOW_FUTURE_DAYS);
  const events: ExternalEvent[] = [];
  for (const connection of connections) {
    const ownerId = scheduleOwnerOf(tenant, connection);
    const calendars = importedCalendars(connection);
    const context: ConnectionContext = {
      connection,
      regular: calendars.filter((calendar) => !specialTitles(calendar)),
      special: calendars.filter((calendar) => specialTitles(calendar)),
      offsetMinutes: utcOffsetMinutes(tenant.getSchedule(connection.scheduleId)?.timeZone, now),
      owner: { id: ownerId, name: tenant.users.get(ownerId) },
    };
    // One day more on each side: local working hours can fall on the neighbouring UTC day.
    for (let day = firstDay - 1; day <= lastDay + 1; day += 1) {
      for (const event of eventsOfDay(context, day)) {
        const startMs = Date.parse(event.start);
        const endMs = Date.parse(event.end);
        if (startMs < window.toMs && endMs > window.fromMs) events.push(event);
      }
    }
  }
  // Same-format UTC ISO strings sort as text; Array.prototype.sort is stable.
  return events.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}
