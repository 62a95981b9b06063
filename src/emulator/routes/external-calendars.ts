/**
 * External Calendar v2 under `/bookings/v2/external-calendars` (docs/wix-contract.md §1.1). The custom-verb
 * paths `connections:connectByOAuth` / `connections:connectByCredentials` are single segments
 * with a literal colon, escaped for express's path syntax.
 */
import { Router, type Request } from 'express';
import { baseUrlOf, bodyOf, callerOf, queryOf, type EmulatorDeps } from '../context.js';
import { applicationError, failedPrecondition, notFound } from '../errors.js';
import { calendarsOf } from '../external-calendars/calendars.js';
import { connectAccount, providerFor, scheduleFor } from '../external-calendars/connect.js';
import { listEvents } from '../external-calendars/list-events.js';
import { splitByOutage } from '../external-calendars/outages.js';
import { NOT_SUPPORTED_BY_PROVIDER, applySyncConfig } from '../external-calendars/sync-config.js';
import { DEMO_CALENDAR_PASSWORD } from '../demo-data.js';
import { requireAuth } from '../middleware.js';
import type { Connection, Provider } from '../model.js';
import type { Tenant } from '../store.js';
import { Checker, isGuid, validated } from '../validate.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function connectionOf(req: Request, tenant: Tenant): Connection {
  const id = req.params.connectionId;
  if (typeof id !== 'string') throw new Error('route without :connectionId');
  const connection = tenant.getConnection(id);
  if (!connection) throw notFound('Connection', id);
  return connection;
}

function providerOf(deps: EmulatorDeps, connection: Connection): Provider {
  const provider = deps.store.provider(connection.providerId);
  if (!provider) throw new Error(`connection ${connection.id} has unknown provider ${connection.providerId}`);
  return provider;
}

function premiumRequired(tenant: Tenant): void {
  if (!tenant.premiumEnabled) {
    throw applicationError(403, 'PREMIUM_FEATURE_NOT_ENABLED', 'External calendar sync needs a premium plan on this site');
  }
}

export function externalCalendarsRouter(deps: EmulatorDeps): Router {
  const router = Router();
  router.use(requireAuth(deps));

  router.get('/providers', (_req, res) => {
    res.json({ providers: deps.store.providers });
  });

  router.get('/connections', (req, res) => {
    const { tenant } = callerOf(req);
    const params = queryOf(req);
    const check = new Checker();
    const scheduleIds = params.getAll('scheduleIds');
    scheduleIds.forEach((id, index) => {
      if (!isGuid(id)) check.fail(`scheduleIds[${index}]`, 'must be a GUID', 'FORMAT', { format: 'GUID' });
    });
    const partialFailureText = params.get('partialFailure');
    if (partialFailureText !== null && partialFailureText !== 'true' && partialFailureText !== 'false') {
      check.fail('partialFailure', 'must be true or false', 'FORMAT', { type: 'boolean' });
    }
    check.throwIfAny();
    const partialFailure = partialFailureText === 'true';
    const connections = tenant
      .listConnections()
      .filter((connection) => scheduleIds.length === 0 || scheduleIds.includes(connection.scheduleId));
    const { working, failedProviderIds } = splitByOutage(connections, deps.faults, partialFailure);
    res.json({ connections: working, ...(partialFailure && { failedProviderIds }) });
  });

  router.post('/connections\\:connectByOAuth', (req, res) => {
    const caller = callerOf(req);
    const body = bodyOf(req);
    const check = new Checker();
    const providerId = check.string(body.providerId, 'providerId', { required: true, min: 1 });
    const scheduleId = check.string(body.scheduleId, 'scheduleId', { required: true, min: 1 });
    const redirectUrl = check.string(body.redirectUrl, 'redirectUrl', { required: true, min: 1 });
    if (redirectUrl !== undefined && !URL.canParse(redirectUrl))
      check.fail('redirectUrl', 'must be an absolute URL', 'FORMAT', { format: 'URL' });
    check.throwIfAny();
    const provider = providerFor(deps.store, validated(providerId), 'OAUTH');
    const schedule = scheduleFor(caller.tenant, validated(scheduleId));
    const state = deps.oauthFlows.start({
      instanceId: caller.tenant.instanceId,
      providerId: provider.id,
      scheduleId: schedule.id,
      redirectUrl: validated(redirectUrl),
      appId: caller.appId,
    });
    const oauthUrl = new URL('/_emulator/oauth/authorize', baseUrlOf(req));
    oauthUrl.searchParams.set('state', state);
    oauthUrl.searchParams.set('provider', provider.name);
    res.json({ oauthUrl: oauthUrl.toString() });
  });

  router.post('/connections\\:connectByCredentials', (req, res) => {
    const caller = callerOf(req);
    const body = bodyOf(req);
    const check = new Checker();
    const providerId = check.string(body.providerId, 'providerId', { required: true, min: 1 });
    const scheduleId = check.string(body.scheduleId, 'scheduleId', { required: true, min: 1 });
    const email = check.string(body.email, 'email', { required: true, min: 1 });
    if (email !== undefined && !EMAIL.test(email)) check.fail('email', 'must be an email address', 'FORMAT', { format: 'EMAIL' });
    const password = check.string(body.password, 'password', { required: true, min: 1 });
    check.throwIfAny();
    const provider = providerFor(deps.store, validated(providerId), 'CREDENTIALS');
    const schedule = scheduleFor(caller.tenant, validated(scheduleId));
    premiumRequired(caller.tenant);
    if (password !== DEMO_CALENDAR_PASSWORD) {
      throw applicationError(401, 'BAD_CREDENTIALS', `${provider.name} rejected the email or password`);
    }
    res.json({ connection: connectAccount(caller.tenant, provider, schedule, validated(email), caller.appId) });
  });

  router.get('/connections/:connectionId', (req, res) => {
    res.json({ connection: connectionOf(req, callerOf(req).tenant) });
  });

  router.get('/connections/:connectionId/calendars', (req, res) => {
    const { tenant } = callerOf(req);
    const connection = connectionOf(req, tenant);
    const provider = providerOf(deps, connection);
    premiumRequired(tenant);
    if (connection.status === 'DISCONNECTED') {
      throw failedPrecondition('CONNECTION_NOT_CONNECTED', `Connection ${connection.id} is disconnected`, { connectionId: connection.id });
    }
    if (provider.features.listEventFromCalendars !== 'SPECIFIC_CALENDARS') {
      throw failedPrecondition(NOT_SUPPORTED_BY_PROVIDER, `${provider.name} cannot list specific calendars`, { providerId: provider.id });
    }
    res.json({ calendars: calendarsOf(connection.calendarType, connection.externalAccountEmail) });
  });

  router.patch('/connections/:connectionId/sync-config', (req, res) => {
    const { tenant } = callerOf(req);
    const connection = connectionOf(req, tenant);
    res.json({ connection: applySyncConfig(connection, providerOf(deps, connection), bodyOf(req)) });
  });

  router.post('/connections/:connectionId/disconnect', (req, res) => {
    const { tenant } = callerOf(req);
    const connection = connectionOf(req, tenant);
    const body = bodyOf(req);
    const check = new Checker();
    if (body.connectionId !== undefined && body.connectionId !== connection.id) {
      check.other('connectionId', `must match the id in the path (${connection.id})`, 'MATCHES_PATH');
    }
    check.throwIfAny();
    if (connection.status === 'DISCONNECTED') {
      throw failedPrecondition('CONNECTION_ALREADY_DISCONNECTED', `Connection ${connection.id} is already disconnected`, {
        connectionId: connection.id,
      });
    }
    connection.status = 'DISCONNECTED';
    connection.errorReason = 'UNDEFINED';
    tenant.syncDueAt.delete(connection.id);
    res.json({ connection });
  });

  router.get('/events', (req, res) => {
    res.json(listEvents(callerOf(req).tenant, deps.faults, queryOf(req)));
  });

  return router;
}
