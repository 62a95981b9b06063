import { describe, expect, it } from 'vitest';
import { DEMO_CONNECTION_IDS, DEMO_SCHEDULE_IDS, DEMO_USER_IDS, PROVIDER_IDS, type ExternalEvent } from '../../src/emulator/index.js';
import { call, violatedFields, type WixResponse } from '../helpers/emulator.js';
import { emulatorForFile } from '../helpers/suite.js';

const EVENTS = '/bookings/v2/external-calendars/events';
const DAY_MS = 86_400_000;

interface EventsBody {
  events: ExternalEvent[];
  pagingMetadata: { count: number; cursors: { next: string | null }; hasNext: boolean };
  failedProviderIds?: string[];
}

const emulator = emulatorForFile();
const now = Date.now();
const from = new Date(now - 7 * DAY_MS).toISOString();
const to = new Date(now + 7 * DAY_MS).toISOString();

function listEvents(query: string): Promise<WixResponse<EventsBody>> {
  return call<EventsBody>(emulator, 'GET', `${EVENTS}?${query}`);
}

function window(extra = ''): string {
  return `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${extra}`;
}

describe('List Events', () => {
  it('returns events sorted by start, all overlapping the window', async () => {
    const response = await listEvents(window('&cursorPaging.limit=1000'));
    expect(response.status).toBe(200);
    const { events } = response.body;
    expect(events.length).toBeGreaterThan(20);
    const starts = events.map((event) => Date.parse(event.start));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    for (const event of events) {
      expect(Date.parse(event.start)).toBeLessThan(Date.parse(to));
      expect(Date.parse(event.end)).toBeGreaterThan(Date.parse(from));
    }
  });

  it('is deterministic: the same query answers the same events', async () => {
    const first = await listEvents(window('&fieldsets=OWN_PI&cursorPaging.limit=1000'));
    const second = await listEvents(window('&fieldsets=OWN_PI&cursorPaging.limit=1000'));
    expect(second.body.events).toEqual(first.body.events);
  });

  it('includes an event that starts before `from` and ends after it (overlap)', async () => {
    const all = await listEvents(window('&cursorPaging.limit=1000&allDay=false'));
    const event = all.body.events[10];
    if (!event) throw new Error('demo data has too few events');
    const inside = new Date(Date.parse(event.start) + 60_000).toISOString();
    const response = await listEvents(
      `from=${encodeURIComponent(inside)}&to=${encodeURIComponent(to)}&cursorPaging.limit=1000&allDay=false`,
    );
    expect(response.body.events).toContainEqual(event);
  });

  it('hides calendarName, title and scheduleOwnerName unless fieldsets=OWN_PI', async () => {
    const plain = await listEvents(window('&cursorPaging.limit=5'));
    const personal = await listEvents(window('&cursorPaging.limit=5&fieldsets=OWN_PI'));
    for (const event of plain.body.events) {
      expect(event).not.toHaveProperty('title');
      expect(event).not.toHaveProperty('calendarName');
      expect(event).not.toHaveProperty('scheduleOwnerName');
    }
    for (const event of personal.body.events) expect(event).toMatchObject({ title: expect.any(String), calendarName: expect.any(String) });
  });

  it('filters by scheduleIds, userIds and allDay', async () => {
    const bySchedule = await listEvents(window(`&scheduleIds=${DEMO_SCHEDULE_IDS.mayaPersonalTraining}&cursorPaging.limit=1000`));
    expect(bySchedule.body.events.length).toBeGreaterThan(0);
    expect(new Set(bySchedule.body.events.map((event) => event.scheduleId))).toEqual(new Set([DEMO_SCHEDULE_IDS.mayaPersonalTraining]));

    const byUser = await listEvents(window(`&userIds=${DEMO_USER_IDS.liam}&cursorPaging.limit=1000`));
    expect(new Set(byUser.body.events.map((event) => event.scheduleOwnerId))).toEqual(new Set([DEMO_USER_IDS.liam]));

    const allDay = await listEvents(window('&allDay=true&cursorPaging.limit=1000'));
    expect(allDay.body.events.every((event) => event.allDay)).toBe(true);
  });

  it('imports only from connected connections with import enabled', async () => {
    const response = await listEvents(window('&cursorPaging.limit=1000'));
    const schedules = new Set(response.body.events.map((event) => event.scheduleId));
    expect(schedules.has(DEMO_SCHEDULE_IDS.noahNutrition)).toBe(false);
    expect(schedules.has(DEMO_SCHEDULE_IDS.avaMassage)).toBe(false);
  });

  it('walks every page exactly once with the cursor', async () => {
    const everything = await listEvents(window('&cursorPaging.limit=1000'));
    const seen: ExternalEvent[] = [];
    let response = await listEvents(window('&cursorPaging.limit=40'));
    for (;;) {
      expect(response.body.pagingMetadata.count).toBe(response.body.events.length);
      seen.push(...response.body.events);
      const next = response.body.pagingMetadata.cursors.next;
      if (!response.body.pagingMetadata.hasNext) {
        expect(next).toBeNull();
        break;
      }
      response = await listEvents(`cursorPaging.cursor=${encodeURIComponent(next ?? '')}`);
    }
    expect(seen).toEqual(everything.body.events);
  });

  it('answers 400 without from/to and no cursor', async () => {
    const response = await listEvents('cursorPaging.limit=10');
    expect(response.status).toBe(400);
    expect(violatedFields(response.body)).toEqual(['from', 'to']);
  });

  it('answers 400 for cursorPaging.limit outside 1–1000', async () => {
    expect((await listEvents(window('&cursorPaging.limit=0'))).status).toBe(400);
    expect((await listEvents(window('&cursorPaging.limit=1001'))).status).toBe(400);
    expect((await listEvents(window('&cursorPaging.limit=1000'))).status).toBe(200);
  });

  it('answers 400 for more than 100 scheduleIds', async () => {
    const ids = Array.from({ length: 101 }, () => `scheduleIds=${DEMO_SCHEDULE_IDS.business}`).join('&');
    const response = await listEvents(window(`&${ids}`));
    expect(response.status).toBe(400);
    expect(violatedFields(response.body)).toContain('scheduleIds');
  });

  it('answers 400 for a cursor it did not issue', async () => {
    const response = await listEvents('cursorPaging.cursor=garbage');
    expect(response.status).toBe(400);
  });
});

describe('List Events partial failure', () => {
  it('fails the whole call when a provider is down and partialFailure is false', async () => {
    emulator.faults.failProvider(PROVIDER_IDS.microsoft);
    try {
      const response = await listEvents(window());
      expect(response.status).toBe(503);
    } finally {
      emulator.faults.restoreProvider(PROVIDER_IDS.microsoft);
    }
  });

  it('answers the working connections and lists failedProviderIds with partialFailure=true', async () => {
    emulator.faults.failProvider(PROVIDER_IDS.microsoft);
    try {
      const response = await listEvents(window('&partialFailure=true&cursorPaging.limit=1000'));
      expect(response.status).toBe(200);
      expect(response.body.failedProviderIds).toEqual([PROVIDER_IDS.microsoft]);
      expect(response.body.events.some((event) => event.calendarType === 'MICROSOFT')).toBe(false);
      expect(response.body.events.length).toBeGreaterThan(0);
    } finally {
      emulator.faults.restoreProvider(PROVIDER_IDS.microsoft);
    }
  });

  it('answers failedProviderIds: [] with partialFailure=true when every provider works', async () => {
    const response = await listEvents(window('&partialFailure=true'));
    expect(response.body.failedProviderIds).toEqual([]);
  });

  it('stops importing a connection once it is disconnected', async () => {
    const id = DEMO_CONNECTION_IDS.liamMicrosoft;
    const before = await listEvents(window(`&scheduleIds=${DEMO_SCHEDULE_IDS.liamPhysiotherapy}`));
    expect(before.body.events.length).toBeGreaterThan(0);
    await call(emulator, 'POST', `/bookings/v2/external-calendars/connections/${id}/disconnect`, { body: { connectionId: id } });
    const after = await listEvents(window(`&scheduleIds=${DEMO_SCHEDULE_IDS.liamPhysiotherapy}`));
    expect(after.body.events).toEqual([]);
  });
});
