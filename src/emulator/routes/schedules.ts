/**
 * Schedules v3 under `/calendar/v3/schedules` (docs/wix-contract.md §2.1): get, query, create, update, cancel.
 */
import { Router, type Request } from 'express';
import { bodyOf, callerOf, queryOf, type EmulatorDeps } from '../context.js';
import { notFound, validationError, violation } from '../errors.js';
import { requireAuth } from '../middleware.js';
import { QUERY_DEFAULT_LIMIT, QUERY_MAX_LIMIT, readCursor, readFilter, runQuery, type QueryState } from '../schedules/query.js';
import { cancelSchedule, createSchedule, updateSchedule, type EmitEvents } from '../schedules/service.js';
import { checkParticipantNotification, projectSchedule, readFieldsets, readWritableSchedule } from '../schedules/validation.js';
import { Checker, isRecord } from '../validate.js';

function scheduleIdOf(req: Request): string {
  const id = req.params.scheduleId;
  if (typeof id !== 'string') throw new Error('route without :scheduleId');
  return id;
}

/** `revision` is an int64, which JSON clients send as a string (proto3 JSON) or sometimes a number. */
function readRevision(check: Checker, value: unknown, field: string): string | undefined {
  if (value === undefined) {
    check.fail(field, 'is required', 'REQUIRED_FIELD');
    return undefined;
  }
  const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^\d+$/.test(text)) {
    check.fail(field, 'must be an int64 (a string of digits)', 'FORMAT');
    return undefined;
  }
  return text;
}

function isEmptyFilter(filter: unknown): boolean {
  return filter === undefined || (isRecord(filter) && Object.keys(filter).length === 0);
}

/** Mutations answer the whole schedule, personal data included: the caller has just written it. */
const WRITER_VIEW = ['PI_FIELDS'] as const;

export function schedulesRouter(deps: EmulatorDeps): Router {
  const router = Router();
  router.use(requireAuth(deps));
  const emitterFor =
    (instanceId: string): EmitEvents =>
    (events) =>
      deps.webhooks.dispatch(instanceId, events);

  router.post('/query', (req, res) => {
    const { tenant } = callerOf(req);
    const body = bodyOf(req);
    const check = new Checker();
    const query = check.object(body.query, 'query') ?? {};
    const paging = check.object(query.cursorPaging, 'query.cursorPaging') ?? {};
    const limit = check.integer(paging.limit, 'query.cursorPaging.limit', { min: 1, max: QUERY_MAX_LIMIT });
    const cursor = check.string(paging.cursor, 'query.cursorPaging.cursor', { min: 1 });
    const fieldsets = readFieldsets(check, body.fields, 'fields');
    if (query.sort !== undefined) check.other('query.sort', 'is not supported by Query Schedules', 'NO_SORT');
    // Docs: "following requests use the cursor token and not filter". Whether Wix ignores or
    // rejects a re-sent filter is UNCONFIRMED; the emulator rejects a non-empty one, so a client
    // that relies on either behaviour is caught here.
    if (cursor !== undefined && !isEmptyFilter(query.filter)) {
      check.other('query.filter', 'must not be sent together with a cursor: the cursor carries the filter', 'NO_FILTER_WITH_CURSOR');
    }
    const filter = cursor === undefined ? readFilter(check, query.filter, 'query.filter') : {};
    check.throwIfAny();
    const fromCursor = cursor === undefined ? undefined : readCursor(cursor);
    const state: QueryState = fromCursor
      ? { ...fromCursor, limit: limit ?? fromCursor.limit }
      : { filter, position: {}, limit: limit ?? QUERY_DEFAULT_LIMIT };
    const page = runQuery(tenant, state);
    res.json({ schedules: page.schedules.map((schedule) => projectSchedule(schedule, fieldsets)), pagingMetadata: page.pagingMetadata });
  });

  router.get('/:scheduleId', (req, res) => {
    const { tenant } = callerOf(req);
    const check = new Checker();
    const fieldsets = readFieldsets(check, queryOf(req).getAll('fields'), 'fields');
    check.throwIfAny();
    const id = scheduleIdOf(req);
    const schedule = tenant.getSchedule(id);
    if (!schedule) throw notFound('Schedule', id);
    res.json({ schedule: projectSchedule(schedule, fieldsets) });
  });

  router.post('/', (req, res) => {
    const { tenant } = callerOf(req);
    const body = bodyOf(req);
    const check = new Checker();
    const input = check.object(body.schedule, 'schedule', { required: true });
    const idempotencyKey = check.guid(body.idempotencyKey, 'idempotencyKey');
    const writable = input ? readWritableSchedule(check, input, 'schedule', 'create') : {};
    check.throwIfAny();
    const schedule = createSchedule(tenant, writable, idempotencyKey, emitterFor(tenant.instanceId));
    res.json({ schedule: projectSchedule(schedule, WRITER_VIEW) });
  });

  router.patch('/:scheduleId', (req, res) => {
    const { tenant } = callerOf(req);
    const id = scheduleIdOf(req);
    const body = bodyOf(req);
    const check = new Checker();
    const input = check.object(body.schedule, 'schedule', { required: true }) ?? {};
    if (input.id !== undefined && input.id !== id) check.other('schedule.id', `must match the id in the path (${id})`, 'MATCHES_PATH');
    const revision = readRevision(check, input.revision, 'schedule.revision');
    const patch = readWritableSchedule(check, input, 'schedule', 'update');
    checkParticipantNotification(check, body.participantNotification, 'participantNotification');
    check.throwIfAny();
    if (revision === undefined) throw validationError([violation('schedule.revision', 'is required', 'REQUIRED_FIELD')]);
    const schedule = updateSchedule(tenant, id, revision, patch, emitterFor(tenant.instanceId));
    res.json({ schedule: projectSchedule(schedule, WRITER_VIEW) });
  });

  router.post('/:scheduleId/cancel', (req, res) => {
    const { tenant } = callerOf(req);
    const body = bodyOf(req);
    const check = new Checker();
    const preserve = check.boolean(body.preserveFutureEventsWithParticipants, 'preserveFutureEventsWithParticipants') ?? false;
    checkParticipantNotification(check, body.participantNotification, 'participantNotification');
    check.throwIfAny();
    const schedule = cancelSchedule(tenant, scheduleIdOf(req), preserve, emitterFor(tenant.instanceId));
    res.json({ schedule: projectSchedule(schedule, WRITER_VIEW) });
  });

  return router;
}
