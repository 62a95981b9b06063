/**
 * `/_emulator/*`: health and fault injection over HTTP, so another process (benchmarks) can drive
 * the emulator. No auth, not recorded in `calls`, never faulted.
 */
import { Router } from 'express';
import { bodyOf, type EmulatorDeps } from '../context.js';
import { applicationError, notFound } from '../errors.js';
import { describeFault, parseFaultRule } from '../faults.js';
import { Checker, validated } from '../validate.js';
import { updateSchedule } from '../schedules/service.js';

export function controlRouter(deps: EmulatorDeps): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/faults', (_req, res) => {
    res.json({ faults: deps.faults.list().map(describeFault), providerOutages: deps.faults.failingProviders() });
  });

  /** Body: a FaultRule with `path` as a regex source. Answers `{ id }`. */
  router.post('/faults', (req, res) => {
    const id = deps.faults.add(parseFaultRule(bodyOf(req)));
    res.status(201).json({ id });
  });

  /** Removes every fault rule and provider outage. */
  router.delete('/faults', (_req, res) => {
    deps.faults.clear();
    res.status(204).end();
  });

  /** Body `{ providerId }`: that provider's calendars become unreachable. */
  router.post('/faults/provider-outages', (req, res) => {
    const check = new Checker();
    const providerId = check.string(bodyOf(req).providerId, 'providerId', { required: true, min: 1 });
    check.throwIfAny();
    const provider = deps.store.provider(validated(providerId));
    if (!provider) throw notFound('Provider', validated(providerId));
    deps.faults.failProvider(provider.id);
    res.status(201).json({ providerId: provider.id });
  });

  router.delete('/faults/provider-outages/:providerId', (req, res) => {
    deps.faults.restoreProvider(req.params.providerId);
    res.status(204).end();
  });

  /**
   * Body `{ name }`: renames a schedule of the default site as someone working in the Wix
   * dashboard would: not an API call (not counted against the site's limit, not recorded), but
   * announced to the app by the Schedule Updated webhook, like any change. Answers `{ schedule }`.
   */
  router.post('/schedules/:id/rename', (req, res) => {
    const check = new Checker();
    const name = check.string(bodyOf(req).name, 'name', { required: true, min: 1 });
    check.throwIfAny();
    const tenant = deps.store.defaultTenant;
    const current = tenant.getSchedule(req.params.id);
    if (!current) throw notFound('Schedule', req.params.id);
    const schedule = updateSchedule(tenant, current.id, current.revision, { name: validated(name) }, (events) =>
      deps.webhooks.dispatch(tenant.instanceId, events),
    );
    res.json({ schedule });
  });

  /** Body `{ url }`: where webhooks go from now on (another process's gateway, say); `null` stops them. */
  router.put('/webhook-url', (req, res) => {
    const url: unknown = bodyOf(req).url;
    if (url !== null && (typeof url !== 'string' || !/^https?:\/\//.test(url))) {
      throw applicationError(400, 'INVALID_ARGUMENT', 'url must be an http(s) URL or null');
    }
    deps.webhooks.setWebhookUrl(url ?? undefined);
    res.status(204).end();
  });

  /** API calls served so far (`taken`), and answered 429 because their site was over its limit (`refused`). */
  router.get('/rate-limit', (_req, res) => {
    res.json(deps.callCounts);
  });

  router.delete('/faults/:id', (req, res) => {
    if (!deps.faults.remove(req.params.id)) throw notFound('Fault', req.params.id);
    res.status(204).end();
  });

  return router;
}
