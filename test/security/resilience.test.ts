import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO_SCHEDULE_IDS } from '../../src/emulator/index.js';
import { startTestGateway } from '../helpers/gateway.js';
import { emulatorForFile } from '../helpers/suite.js';

const READ = '{ connections { connections { id schedule { id name } } } }';

const emulator = emulatorForFile();
beforeEach(() => {
  emulator.clearCalls();
});

function gatewayOn(resilience: Parameters<typeof startTestGateway>[0]['resilience'] = {}) {
  return startTestGateway({
    upstreamUrl: emulator.url,
    apiKey: emulator.apiKey,
    siteId: emulator.siteId,
    resilience: { timeoutMs: 1_000, ...resilience },
  });
}

describe('a flaky Wix: retries get the read path through', () => {
  it('answers reads while 30% of calls fail with 503', async () => {
    // The breaker judges the failure ratio over at least 100 calls: over the default 10, three
    // chances in ten give 5 failures or more when each fails with 30 % (and the circuit opens, as it
    // should for that sample). A generous timeout keeps a busy machine from adding timeouts.
    const gateway = await gatewayOn({ breakerMinCalls: 100, timeoutMs: 5_000 });
    try {
      emulator.faults.add({ status: 503, probability: 0.3 });
      let answered = 0;
      const codes = new Set<string>();
      for (let i = 0; i < 60; i += 1) {
        const result = await gateway.graphql(READ);
        if (!result.errors) answered += 1;
        for (const error of result.errors ?? []) codes.add(String(error.extensions?.code));
      }
      // Without retries about half of these reads (2 calls each) would fail; with 3 attempts about 5 %.
      expect(answered).toBeGreaterThanOrEqual(48);
      expect([...codes].every((code) => code === 'UPSTREAM_UNAVAILABLE')).toBe(true);
      expect(emulator.calls.length).toBeGreaterThan(120); // the retries happened
      expect(await (await fetch(`${gateway.url}/readyz`)).json()).toMatchObject({ openCircuits: [] });
    } finally {
      await gateway.close();
    }
  });

  it('waits as long as a 429 Retry-After says before the next attempt', async () => {
    const gateway = await gatewayOn();
    try {
      emulator.faults.add({ path: '/bookings/v2/external-calendars/connections$', retryAfterSeconds: 1, times: 1 });
      const started = Date.now();
      const result = await gateway.graphql('{ connections { connections { id } } }');
      expect(result.errors).toBeUndefined();
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(emulator.calls.filter((c) => c.path === '/bookings/v2/external-calendars/connections')).toHaveLength(2);
    } finally {
      await gateway.close();
    }
  });
});

describe('Wix down: the circuit opens, requests fail fast, and it recovers', () => {
  it('fails fast with UPSTREAM_UNAVAILABLE once the breaker opens, and lets traffic through again when Wix is back', async () => {
    const gateway = await gatewayOn({ breakerMinCalls: 6, breakerHalfOpenMs: 500, maxAttempts: 1 });
    try {
      const outage = emulator.faults.add({ status: 503 });
      for (let i = 0; i < 8; i += 1) {
        const result = await gateway.graphql('{ connections { connections { id } } }');
        expect(result.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
      }
      const ready = await fetch(`${gateway.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ openCircuits: ['externalCalendars'] });

      emulator.clearCalls();
      const fast = await gateway.graphql('{ connections { connections { id } } }');
      expect(fast.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(emulator.calls).toHaveLength(0); // refused without calling Wix

      emulator.faults.remove(outage);
      await new Promise((resolve) => setTimeout(resolve, 600)); // the half-open pause, configured to 0.5 s here
      const recovered = await gateway.graphql('{ connections { connections { id } } }');
      expect(recovered.errors).toBeUndefined();
      expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });
});

describe('deadlines and writes', () => {
  it('answers within the deadline however slow Wix is', async () => {
    const gateway = await gatewayOn({ timeoutMs: 300, deadlineMs: 1_000 });
    try {
      emulator.faults.add({ latencyMs: 10_000 });
      const started = Date.now();
      const result = await gateway.graphql(READ);
      expect(result.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(3_000); // far below the 10 s Wix would take
    } finally {
      await gateway.close();
    }
  });

  it('never repeats a schedule update Wix may have applied, so it is applied once', async () => {
    const gateway = await gatewayOn({ timeoutMs: 300 });
    try {
      const id = DEMO_SCHEDULE_IDS.sofiaYogaCoaching;
      const before = emulator.store.defaultTenant.schedules.get(id);
      const revision = before?.revision ?? '';
      emulator.faults.add({ method: 'PATCH', latencyMs: 800, times: 1 }); // Wix applies it, but too late to answer
      const result = await gateway.graphql(
        'mutation($s: UpdateScheduleInput!) { updateSchedule(schedule: $s) { schedule { id } userErrors { code } } }',
        {
          s: { id, revision, name: 'Sofia Rossi — Vinyasa' },
        },
      );
      expect(result.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
      await new Promise((resolve) => setTimeout(resolve, 700)); // let the delayed PATCH land
      expect(emulator.calls.filter((c) => c.method === 'PATCH')).toHaveLength(1);
      expect(emulator.store.defaultTenant.schedules.get(id)?.revision).toBe(String(Number(revision) + 1));
    } finally {
      await gateway.close();
    }
  });

  it('repeats an Update Sync Config after a 503, which sets the same state again', async () => {
    const gateway = await gatewayOn();
    try {
      emulator.faults.add({ method: 'PATCH', status: 503, times: 1 });
      const result = await gateway.graphql(
        'mutation { updateSyncConfig(connectionId: "b297067f-a67f-46e1-bdb5-e1fb4f496264", syncConfig: { syncToCalendar: { enabled: false, target: { dedicatedCalendar: true } } }) { connection { id } userErrors { code } } }',
      );
      expect(result.errors).toBeUndefined();
      expect(emulator.calls.filter((c) => c.method === 'PATCH')).toHaveLength(2);
    } finally {
      await gateway.close();
    }
  });
});
