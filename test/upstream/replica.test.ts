import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryEventBus } from '../../src/bus/memory-bus.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { callsTo, fakeWix, type FakeWix } from '../helpers/fake-wix.js';
import { wixSchedule } from '../helpers/fixtures.js';
import { startTestGateway, TEST_SITE_ID, type TestGateway } from '../helpers/gateway.js';
import { postWebhook, scheduleEnvelope, signedWebhook, TEST_INSTANCE_ID, testKeys, type TestKeys } from '../helpers/webhooks.js';
import { connect, subscribe, waitFor } from '../helpers/ws-client.js';

const QUERY = '/calendar/v3/schedules/query';

/** A bus whose readiness the test decides, as a Redis bus's follows its connection. */
class SwitchableBus extends MemoryEventBus {
  ready = true;
  override isReady(): boolean {
    return this.ready;
  }
}

let wix: FakeWix;
let upstream: FakeUpstream;
let keys: TestKeys;
let bus: SwitchableBus;
let gateway: TestGateway;

async function start(replicaResyncMs = 300_000): Promise<void> {
  gateway = await startTestGateway({
    upstreamUrl: upstream.url,
    webhookKeys: [keys.publicKey],
    bus,
    siteOfInstance: (instanceId) => (instanceId === TEST_INSTANCE_ID ? TEST_SITE_ID : undefined),
    upstream: { cache: true, replicaResyncMs },
  });
}

beforeEach(async () => {
  wix = fakeWix();
  upstream = await startFakeUpstream(wix.handler);
  keys = await testKeys();
  bus = new SwitchableBus();
});
afterEach(async () => {
  await gateway.close();
  await bus.close();
  await upstream.close();
});

async function webhook(scheduleId: string, sequence: number, name: string, extra: Record<string, unknown> = {}, eventId?: string) {
  const envelope = scheduleEnvelope({
    scheduleId,
    sequence,
    ...(eventId ? { eventId } : {}),
    schedule: wixSchedule(scheduleId, { revision: String(sequence), name, ...extra }),
  });
  const answer = await postWebhook(gateway.url, await signedWebhook(keys.privateKey, envelope));
  expect(answer.status).toBe(200);
  return answer.body;
}

const nameOf = async (id: string) =>
  (
    await gateway.graphql<{ schedule: { name: string; revision: string } | null }>(
      'query($id: ID!) { schedule(id: $id) { name revision } }',
      { id },
    )
  ).data?.schedule;

describe('the schedule replica', () => {
  it('answers schedule, schedules and Connection.schedule from one load of the site', async () => {
    await start();
    for (let round = 0; round < 3; round += 1) {
      const result = await gateway.graphql<{ schedules: { edges: unknown[] } }>(
        `{ schedules(first: 50) { edges { node { id name } } }
           schedule(id: "sched-2") { id name }
           connections { connections { id schedule { id name } } } }`,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data?.schedules.edges).toHaveLength(3);
    }
    expect(callsTo(upstream.requests, 'POST', QUERY)).toBe(1);
    expect(callsTo(upstream.requests, 'GET', /^\/calendar\/v3\/schedules\//)).toBe(0);
  });

  it('shows an accepted webhook to the next read, without calling Wix', async () => {
    await start();
    expect(await nameOf('sched-1')).toMatchObject({ revision: '3' });
    await webhook('sched-1', 5, 'Renamed by Wix');
    expect(await nameOf('sched-1')).toEqual({ name: 'Renamed by Wix', revision: '5' });
    expect(callsTo(upstream.requests, 'POST', QUERY)).toBe(1);
  });

  it('is never rolled back by a stale or duplicate webhook', async () => {
    await start();
    await nameOf('sched-1');
    const newest = await webhook('sched-1', 7, 'Seven', {}, 'event-7');
    expect(newest).toMatchObject({ status: 'accepted' });
    expect(await webhook('sched-1', 6, 'Six')).toMatchObject({ status: 'stale' });
    expect(await webhook('sched-1', 7, 'Seven again, different', {}, 'event-7')).toMatchObject({ status: 'duplicate' });
    expect(await nameOf('sched-1')).toEqual({ name: 'Seven', revision: '7' });
  });

  it('keeps a webhook that arrives while the site is being loaded, when the load is older', async () => {
    await start();
    wix.queryDelayMs = 300;
    const reading = nameOf('sched-1');
    await waitFor(() => callsTo(upstream.requests, 'POST', QUERY) === 1, 'the load to start');
    await webhook('sched-1', 9, 'Changed during the load');
    expect(await reading).toEqual({ name: 'Changed during the load', revision: '9' });
    expect(await nameOf('sched-1')).toEqual({ name: 'Changed during the load', revision: '9' });
  });

  it('heals a webhook Wix never delivered at its next resync', async () => {
    await start(200);
    expect(await nameOf('sched-2')).toMatchObject({ revision: '3' });
    Object.assign(wix.schedules[1] ?? {}, { name: 'Changed, no webhook', revision: '4' });
    expect(await nameOf('sched-2')).toMatchObject({ revision: '3' });
    await new Promise((resolve) => setTimeout(resolve, 250));
    // This read is answered at once from the snapshot and starts the resync in the background.
    await nameOf('sched-2');
    await waitFor(() => callsTo(upstream.requests, 'POST', QUERY) === 2, 'the resync');
    await expect.poll(() => nameOf('sched-2')).toEqual({ name: 'Changed, no webhook', revision: '4' });
  });

  it('is not rolled back by a resync that read Wix before a webhook arrived', async () => {
    await start(1_000);
    await nameOf('sched-3');
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    wix.queryDelayMs = 300;
    await nameOf('sched-3');
    await waitFor(() => callsTo(upstream.requests, 'POST', QUERY) === 2, 'the resync to start');
    // Wix changes after it answered the resync (the answer, already made, is still on its way).
    Object.assign(wix.schedules[2] ?? {}, { name: 'Changed while the resync was reading', revision: '11' });
    await webhook('sched-3', 11, 'Changed while the resync was reading');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await nameOf('sched-3')).toEqual({ name: 'Changed while the resync was reading', revision: '11' });
  });

  it('lists a schedule created by webhook and pages over the replica with its own cursors', async () => {
    await start();
    const envelope = scheduleEnvelope({
      type: 'created',
      scheduleId: 'sched-new',
      sequence: 1,
      schedule: wixSchedule('sched-new', { revision: '1' }),
    });
    await gateway.graphql('{ schedules { edges { node { id } } } }');
    expect((await postWebhook(gateway.url, await signedWebhook(keys.privateKey, envelope))).status).toBe(200);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: {
        data?: { schedules: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } | null;
      } = await gateway.graphql(
        'query($after: String) { schedules(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }',
        {
          after,
        },
      );
      const schedules = page.data?.schedules;
      seen.push(...(schedules?.edges.map((edge) => edge.node.id) ?? []));
      if (!schedules?.pageInfo.hasNextPage) break;
      after = schedules.pageInfo.endCursor;
    }
    expect(seen).toEqual(['sched-1', 'sched-2', 'sched-3', 'sched-new']);
    expect(callsTo(upstream.requests, 'POST', QUERY)).toBe(1);
  });

  it('never serves personal data unasked, nor from what it keeps', async () => {
    await start();
    await webhook('sched-1', 8, 'With conferencing in the webhook', {
      defaultConferencingDetails: {
        type: 'ZOOM',
        hostUrl: 'https://zoom.example/leak',
        guestUrl: 'https://zoom.example/g',
        password: 'leak',
      },
    });
    const read = (personal: boolean) =>
      gateway.graphql<{ schedule: { defaultConferencingDetails: { password: string } | null } }>(
        'query($p: Boolean) { schedule(id: "sched-1", includePersonalData: $p) { defaultConferencingDetails { password } } }',
        { p: personal },
      );
    expect((await read(false)).data?.schedule.defaultConferencingDetails).toBeNull();
    expect((await read(true)).data?.schedule.defaultConferencingDetails).toEqual({ password: 'secret' });
    expect((await read(false)).data?.schedule.defaultConferencingDetails).toBeNull();
    const list = await gateway.graphql<{ schedules: { edges: Array<{ node: { defaultConferencingDetails: unknown } }> } }>(
      'query($p: Boolean) { schedules(includePersonalData: $p) { edges { node { defaultConferencingDetails { password } } } } }',
      { p: false },
    );
    expect(list.data?.schedules.edges.map((edge) => edge.node.defaultConferencingDetails)).toEqual([null, null, null]);
    const personal = await gateway.graphql<{ schedules: { edges: Array<{ node: { defaultConferencingDetails: unknown } }> } }>(
      '{ schedules(includePersonalData: true) { edges { node { defaultConferencingDetails { password } } } } }',
    );
    expect(personal.data?.schedules.edges.map((edge) => edge.node.defaultConferencingDetails)).toEqual([
      { password: 'secret' },
      { password: 'secret' },
      { password: 'secret' },
    ]);
  });

  it('sends subscribers no personal data a webhook carried (they cannot ask for it)', async () => {
    await start();
    const client = connect(gateway.wsUrl);
    try {
      const updates = subscribe(client, 'subscription { scheduleUpdated { schedule { id defaultConferencingDetails { password } } } }');
      await waitFor(() => bus.listenerCount() === 1, 'the subscription');
      await webhook('sched-2', 9, 'With conferencing', {
        defaultConferencingDetails: {
          type: 'ZOOM',
          hostUrl: 'https://zoom.example/h',
          guestUrl: 'https://zoom.example/g',
          password: 'leak',
        },
      });
      const { data } = await updates.next();
      expect(data).toEqual({ scheduleUpdated: { schedule: { id: 'sched-2', defaultConferencingDetails: null } } });
    } finally {
      await client.dispose();
    }
  });

  it('waits before trying a failed resync again, however many reads come', async () => {
    await start(1_000);
    await nameOf('sched-1');
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    wix.override = (request) => (request.path === QUERY ? { status: 500, body: {} } : undefined);
    const before = callsTo(upstream.requests, 'POST', QUERY);
    for (let index = 0; index < 10; index += 1) {
      expect(await nameOf('sched-1')).toMatchObject({ revision: '3' });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // One resync (the 500 is not repeated: a read is retried only on 502, 503, 504), then a pause.
    expect(callsTo(upstream.requests, 'POST', QUERY) - before).toBe(1);
  });

  it('ignores webhooks of an instance it does not serve', async () => {
    await start();
    await nameOf('sched-1');
    const envelope = scheduleEnvelope({
      scheduleId: 'sched-1',
      sequence: 20,
      instanceId: 'another-instance',
      schedule: wixSchedule('sched-1', { revision: '20', name: 'Another site' }),
    });
    expect((await postWebhook(gateway.url, await signedWebhook(keys.privateKey, envelope))).status).toBe(200);
    expect(await nameOf('sched-1')).toMatchObject({ revision: '3' });
  });

  it('reads from Wix while the bus is not ready, and loads again once it is back', async () => {
    await start();
    await nameOf('sched-1');
    bus.ready = false;
    Object.assign(wix.schedules[0] ?? {}, { name: 'Changed while the bus was away', revision: '30' });
    expect(await nameOf('sched-1')).toEqual({ name: 'Changed while the bus was away', revision: '30' });
    bus.ready = true;
    const before = callsTo(upstream.requests, 'POST', QUERY);
    expect(await nameOf('sched-1')).toEqual({ name: 'Changed while the bus was away', revision: '30' });
    expect(callsTo(upstream.requests, 'POST', QUERY)).toBe(before + 1);
  });
});
