/**
 * `/_emulator/*`: health and fault injection over HTTP, so another process (benchmarks) can drive
 * the emulator. No auth, not recorded in `calls`, never faulted.
 */
import { Router } from 'express';
import { bodyOf, type EmulatorDeps } from '../context.js';
import { notFound } from '../errors.js';
import { describeFault, parseFaultRule } from '../faults.js';
import { Checker, validated } from '../validate.js';

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

  router.delete('/faults/:id', (req, res) => {
    if (!deps.faults.remove(req.params.id)) throw notFound('Fault', req.params.id);
    res.status(204).end();
  });

  return router;
}
