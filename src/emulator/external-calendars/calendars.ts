/**
 * The calendars an external account holds, as the provider would list them. Derived from the
 * account email so that demo configurations and List Calendars agree on the ids.
 */
import { hash32 } from '../ids.js';
import type { Calendar, CalendarType } from '../model.js';

const GOOGLE_BIRTHDAYS: Calendar = { id: 'addressbook#contacts@group.v.calendar.google.com', name: 'Birthdays' };
const GOOGLE_HOLIDAYS: Calendar = { id: 'en.usa#holiday@group.v.calendar.google.com', name: 'Holidays in United States' };

/** Google names the primary calendar after the account and uses the address as its id. */
export function googleCalendars(email: string): Calendar[] {
  const workId = `c_${hash32(`work:${email}`).toString(16).padStart(8, '0')}@group.calendar.google.com`;
  return [{ id: email, name: email }, { id: workId, name: 'Work' }, GOOGLE_BIRTHDAYS, GOOGLE_HOLIDAYS];
}

/** The name List Events reports for events of a primary calendar, per provider convention. */
export function primaryCalendarName(calendarType: CalendarType, email: string | undefined): string {
  switch (calendarType) {
    case 'GOOGLE':
      return email ?? 'Primary';
    case 'I_CAL':
      return 'Home';
    case 'MICROSOFT':
    case 'OUTLOOK':
    case 'OFFICE_365':
      return 'Calendar';
    case 'UNDEFINED':
    case 'OTHER':
      return 'Primary';
    default: {
      const unreachable: never = calendarType;
      return unreachable;
    }
  }
}

export function calendarsOf(calendarType: CalendarType, email: string | undefined): Calendar[] {
  if (calendarType === 'GOOGLE' && email !== undefined) return googleCalendars(email);
  return [{ id: 'primary', name: primaryCalendarName(calendarType, email) }];
}
