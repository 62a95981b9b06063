import { describe, expect, it } from 'vitest';
import { BUSINESS_SCHEDULE_EXTERNAL_ID, DEMO_SCHEDULE_IDS, WIX_BOOKINGS_APP_ID, type Schedule } from '../../src/emulator/index.js';
import { applicationErrorCode, call, violatedFields, type WixResponse } from '../helpers/emulator.js';
import { emulatorForFile } from '../helpers/suite.js';

const SCHEDULES = '/calendar/v3/schedules';

interface QueryBody {
  schedules: Schedule[];
  pagingMetadata: { count: number; cursors: { next: string | null; prev: string | null }; hasNext: boolean };
}

const emulator = emulatorForFile();

function query(body: unknown): Promise<WixResponse<QueryBody>> {
  return call<QueryBody>(emulator, 'POST', `${SCHEDULES}/query`, { body });
}

async function create(schedule: Record<string, unknown>, idempotencyKey?: string): Promise<WixResponse<{ schedule: Schedule }>> {
  return call<{ schedule: Schedule }>(emulator, 'POST', SCHEDULES, {
    body: { schedule, ...(idempotencyKey !== undefined && { idempotencyKey }) },
  });
}

describe('Get Schedule', () => {
  it('returns the schedule without conferencing details by default', async () => {
    const response = await call<{ schedule: Schedule }>(emulator, 'GET', `${SCHEDULES}/${DEMO_SCHEDULE_IDS.liamPhysiotherapy}`);
    expect(response.status).toBe(200);
    expect(response.body.schedule).toMatchObject({
      id: DEMO_SCHEDULE_IDS.liamPhysiotherapy,
      name: 'Liam Park — Physiotherapy',
      status: 'ACTIVE',
    });
    expect(response.body.schedule).not.toHaveProperty('defaultConferencingDetails');
  });

  it('includes defaultConferencingDetails with fields=PI_FIELDS or OWN_PI_FIELDS', async () => {
    for (const fields of ['PI_FIELDS', 'OWN_PI_FIELDS']) {
      const response = await call<{ schedule: Schedule }>(
        emulator,
        'GET',
        `${SCHEDULES}/${DEMO_SCHEDULE_IDS.liamPhysiotherapy}?fields=${fields}`,
      );
      expect(response.body.schedule.defaultConferencingDetails).toMatchObject({ type: 'ZOOM' });
    }
  });

  it('answers 400 for more than one fields value', async () => {
    const response = await call(emulator, 'GET', `${SCHEDULES}/${DEMO_SCHEDULE_IDS.business}?fields=PI_FIELDS&fields=OWN_PI_FIELDS`);
    expect(response.status).toBe(400);
  });

  it('answers 404 with a Wix error body for an unknown id', async () => {
    const response = await call(emulator, 'GET', `${SCHEDULES}/00000000-0000-4000-8000-000000000000`);
    expect(response.status).toBe(404);
    expect(applicationErrorCode(response.body)).toBe('NOT_FOUND');
  });
});

describe('Query Schedules', () => {
  it('returns only ACTIVE schedules unless the filter names status', async () => {
    const active = await query({ query: {} });
    expect(active.body.schedules.length).toBeGreaterThan(0);
    expect(active.body.schedules.every((schedule) => schedule.status === 'ACTIVE')).toBe(true);
    const cancelled = await query({ query: { filter: { status: 'CANCELLED' } } });
    expect(cancelled.body.schedules.map((schedule) => schedule.id)).toContain(DEMO_SCHEDULE_IDS.avaMassage);
    expect(cancelled.body.schedules.every((schedule) => schedule.status === 'CANCELLED')).toBe(true);
  });

  it('filters with the bare value, $eq and $in', async () => {
    const bare = await query({ query: { filter: { externalId: BUSINESS_SCHEDULE_EXTERNAL_ID } } });
    expect(bare.body.schedules.map((schedule) => schedule.id)).toEqual([DEMO_SCHEDULE_IDS.business]);
    const eq = await query({ query: { filter: { id: { $eq: DEMO_SCHEDULE_IDS.groupYogaFlow } } } });
    expect(eq.body.schedules.map((schedule) => schedule.id)).toEqual([DEMO_SCHEDULE_IDS.groupYogaFlow]);
    const ids = [DEMO_SCHEDULE_IDS.business, DEMO_SCHEDULE_IDS.avaMassage];
    const inActiveOnly = await query({ query: { filter: { id: { $in: ids } } } });
    expect(inActiveOnly.body.schedules.map((schedule) => schedule.id)).toEqual([DEMO_SCHEDULE_IDS.business]);
    const inBoth = await query({ query: { filter: { id: { $in: ids }, status: { $in: ['ACTIVE', 'CANCELLED'] } } } });
    expect(inBoth.body.schedules.map((schedule) => schedule.id)).toEqual(ids);
    const byApp = await query({ query: { filter: { appId: WIX_BOOKINGS_APP_ID } } });
    expect(byApp.body.schedules.every((schedule) => schedule.appId === WIX_BOOKINGS_APP_ID)).toBe(true);
  });

  it('answers 400 for an unsupported field or operator', async () => {
    const field = await query({ query: { filter: { name: 'x' } } });
    expect(field.status).toBe(400);
    expect(violatedFields(field.body)).toEqual(['query.filter.name']);
    const operator = await query({ query: { filter: { id: { $ne: 'x' } } } });
    expect(operator.status).toBe(400);
  });

  it('answers 400 for cursorPaging.limit outside 1–100', async () => {
    expect((await query({ query: { cursorPaging: { limit: 0 } } })).status).toBe(400);
    expect((await query({ query: { cursorPaging: { limit: 101 } } })).status).toBe(400);
    expect((await query({ query: { cursorPaging: { limit: 100 } } })).status).toBe(200);
  });

  it('walks every page exactly once with next cursors, and back with prev', async () => {
    const filter = { status: { $in: ['ACTIVE', 'CANCELLED'] } };
    const everything = await query({ query: { filter, cursorPaging: { limit: 100 } } });
    const seen: string[] = [];
    const pages: QueryBody[] = [];
    let response = await query({ query: { filter, cursorPaging: { limit: 2 } } });
    expect(response.body.pagingMetadata.cursors.prev).toBeNull();
    for (;;) {
      pages.push(response.body);
      expect(response.body.pagingMetadata.count).toBe(response.body.schedules.length);
      seen.push(...response.body.schedules.map((schedule) => schedule.id));
      const next = response.body.pagingMetadata.cursors.next;
      if (!response.body.pagingMetadata.hasNext) {
        expect(next).toBeNull();
        break;
      }
      response = await query({ query: { cursorPaging: { cursor: next } } });
    }
    expect(seen).toEqual(everything.body.schedules.map((schedule) => schedule.id));

    const last = pages[pages.length - 1];
    const beforeLast = pages[pages.length - 2];
    const back = await query({ query: { cursorPaging: { cursor: last?.pagingMetadata.cursors.prev } } });
    expect(back.body.schedules).toEqual(beforeLast?.schedules);
  });

  it('answers 400 when a filter is sent together with a cursor', async () => {
    const first = await query({ query: { cursorPaging: { limit: 1 } } });
    const response = await query({
      query: { filter: { status: 'ACTIVE' }, cursorPaging: { cursor: first.body.pagingMetadata.cursors.next } },
    });
    expect(response.status).toBe(400);
    expect(violatedFields(response.body)).toEqual(['query.filter']);
  });
});

describe('Create Schedule', () => {
  it('assigns id, revision "1", dates and ACTIVE status', async () => {
    const response = await create({
      name: 'Eli Ben-David — Climbing coaching',
      timeZone: 'Asia/Jerusalem',
      defaultCapacity: 3,
      status: 'CANCELLED',
      revision: '9',
    });
    expect(response.status).toBe(200);
    expect(response.body.schedule).toMatchObject({
      name: 'Eli Ben-David — Climbing coaching',
      status: 'ACTIVE',
      revision: '1',
      timeZone: 'Asia/Jerusalem',
    });
    expect(response.body.schedule.createdDate).toBe(response.body.schedule.updatedDate);
    const fetched = await call<{ schedule: Schedule }>(emulator, 'GET', `${SCHEDULES}/${response.body.schedule.id}`);
    expect(fetched.body.schedule.id).toBe(response.body.schedule.id);
  });

  it('returns the same schedule for a repeated idempotencyKey without creating a second', async () => {
    const key = '7c1e5a2b-3d4f-4a6b-8c9d-0e1f2a3b4c5d';
    const countBefore = emulator.store.defaultTenant.schedules.size;
    const first = await create({ name: 'Idempotent' }, key);
    const second = await create({ name: 'Idempotent' }, key);
    expect(second.body.schedule.id).toBe(first.body.schedule.id);
    expect(emulator.store.defaultTenant.schedules.size).toBe(countBefore + 1);
  });

  it('answers 400 for an idempotencyKey that is not a GUID, as Wix does, and creates nothing', async () => {
    const countBefore = emulator.store.defaultTenant.schedules.size;
    const response = await create({ name: 'Keyed' }, 'create-once-7c1e');
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('idempotencyKey');
    expect(emulator.store.defaultTenant.schedules.size).toBe(countBefore);
  });

  it('answers 400 listing every field that breaks its limits', async () => {
    const response = await create({
      name: '',
      timeZone: 'x'.repeat(151),
      defaultTitle: 'y'.repeat(201),
      defaultCapacity: -1,
      defaultLocation: { name: 'Somewhere' },
      defaultConferencingDetails: { type: 'ZOOM' },
      permissions: [
        { identity: { wixUserId: DEMO_SCHEDULE_IDS.business }, role: 'WRITER' },
        { identity: { wixUserId: DEMO_SCHEDULE_IDS.business }, role: 'WRITER' },
      ],
    });
    expect(response.status).toBe(400);
    expect(violatedFields(response.body)).toEqual([
      'schedule.name',
      'schedule.timeZone',
      'schedule.defaultTitle',
      'schedule.defaultCapacity',
      'schedule.defaultLocation.type',
      'schedule.defaultConferencingDetails.hostUrl',
      'schedule.defaultConferencingDetails.guestUrl',
      'schedule.permissions',
    ]);
  });

  it('answers 400 without a schedule', async () => {
    const response = await call(emulator, 'POST', SCHEDULES, { body: {} });
    expect(response.status).toBe(400);
    expect(violatedFields(response.body)).toEqual(['schedule']);
  });
});

describe('Update Schedule', () => {
  it('applies the changed fields, raises the revision and updatedDate', async () => {
    const created = await create({ name: 'Before', defaultCapacity: 2 });
    const { id } = created.body.schedule;
    const response = await call<{ schedule: Schedule }>(emulator, 'PATCH', `${SCHEDULES}/${id}`, {
      body: { schedule: { id, revision: '1', name: 'After' }, participantNotification: { notifyParticipants: false } },
    });
    expect(response.status).toBe(200);
    expect(response.body.schedule).toMatchObject({ name: 'After', defaultCapacity: 2, revision: '2' });
    expect(Date.parse(response.body.schedule.updatedDate)).toBeGreaterThanOrEqual(Date.parse(created.body.schedule.updatedDate));
  });

  it('answers 409 SCHEDULE_REVISION_MISMATCH for a stale revision', async () => {
    const id = DEMO_SCHEDULE_IDS.sofiaYogaCoaching;
    const response = await call(emulator, 'PATCH', `${SCHEDULES}/${id}`, { body: { schedule: { id, revision: '1', name: 'Stale' } } });
    expect(response.status).toBe(409);
    expect(applicationErrorCode(response.body)).toBe('SCHEDULE_REVISION_MISMATCH');
  });

  it('answers 400 without a revision', async () => {
    const id = DEMO_SCHEDULE_IDS.sofiaYogaCoaching;
    const response = await call(emulator, 'PATCH', `${SCHEDULES}/${id}`, { body: { schedule: { id, name: 'No revision' } } });
    expect(response.status).toBe(400);
    expect(violatedFields(response.body)).toEqual(['schedule.revision']);
  });

  it('answers 400 when appId or externalId would change', async () => {
    const current = await call<{ schedule: Schedule }>(emulator, 'GET', `${SCHEDULES}/${DEMO_SCHEDULE_IDS.noahNutrition}`);
    const { id, revision } = current.body.schedule;
    const response = await call(emulator, 'PATCH', `${SCHEDULES}/${id}`, {
      body: { schedule: { id, revision, appId: '00000000-0000-4000-8000-000000000000' } },
    });
    expect(response.status).toBe(400);
    expect(violatedFields(response.body)).toEqual(['schedule.appId']);
  });

  it('answers 428 SCHEDULE_CANCELLED for a cancelled schedule', async () => {
    const current = await call<{ schedule: Schedule }>(emulator, 'GET', `${SCHEDULES}/${DEMO_SCHEDULE_IDS.winterBootcamp}`);
    const { id, revision } = current.body.schedule;
    const response = await call(emulator, 'PATCH', `${SCHEDULES}/${id}`, { body: { schedule: { id, revision, name: 'Revived' } } });
    expect(response.status).toBe(428);
    expect(applicationErrorCode(response.body)).toBe('SCHEDULE_CANCELLED');
  });

  it('answers 404 for an unknown id', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const response = await call(emulator, 'PATCH', `${SCHEDULES}/${id}`, { body: { schedule: { id, revision: '1' } } });
    expect(response.status).toBe(404);
  });
});

describe('Cancel Schedule', () => {
  it('sets CANCELLED and raises the revision; a second cancel answers 428 SCHEDULE_CANCELLED', async () => {
    const created = await create({ name: 'Short-lived' });
    const { id } = created.body.schedule;
    const first = await call<{ schedule: Schedule }>(emulator, 'POST', `${SCHEDULES}/${id}/cancel`, {
      body: { preserveFutureEventsWithParticipants: true },
    });
    expect(first.status).toBe(200);
    expect(first.body.schedule).toMatchObject({ status: 'CANCELLED', revision: '2' });
    const second = await call(emulator, 'POST', `${SCHEDULES}/${id}/cancel`, { body: {} });
    expect(second.status).toBe(428);
    expect(applicationErrorCode(second.body)).toBe('SCHEDULE_CANCELLED');
  });

  it('drops the cancelled schedule from default queries but keeps it readable', async () => {
    const created = await create({ name: 'Gone from queries' });
    const { id } = created.body.schedule;
    await call(emulator, 'POST', `${SCHEDULES}/${id}/cancel`);
    const queried = await query({ query: { filter: { id } } });
    expect(queried.body.schedules).toEqual([]);
    const fetched = await call<{ schedule: Schedule }>(emulator, 'GET', `${SCHEDULES}/${id}`);
    expect(fetched.body.schedule.status).toBe('CANCELLED');
  });

  it('answers 404 for an unknown id', async () => {
    const response = await call(emulator, 'POST', `${SCHEDULES}/00000000-0000-4000-8000-000000000000/cancel`, { body: {} });
    expect(response.status).toBe(404);
  });
});
