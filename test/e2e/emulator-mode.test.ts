import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID, DEFAULT_INSTANCE_ID, DEMO_CONNECTION_IDS, DEMO_SCHEDULE_IDS, createWebhookJwt } from '../../src/emulator/index.js';
import { DEV_WEBHOOK_PRIVATE_KEY_PEM } from '../../src/emulator/dev-webhook-key.js';
import { subscribe, waitFor } from '../helpers/ws-client.js';
import { appWithClientForFile } from '../helpers/suite.js';

const { app, client } = appWithClientForFile();

interface ScheduleRead {
  schedule: { id: string; name: string; revision: string; status: string } | null;
}

const UPDATE = `mutation($s: UpdateScheduleInput!) { updateSchedule(schedule: $s) {
  schedule { id name revision } userErrors { code message field }
} }`;

describe('emulator mode: no credentials, demo data, the whole loop', () => {
  it('answers the quick-start query from the demo data, every connection with its schedule', async () => {
    const result = await app.graphql<{
      connections: { connections: Array<{ id: string; status: string; schedule: { name: string } | null }> };
    }>(
      `{ connections { connections { id status syncConfig {
          listEventFromCalendars { enabled source { __typename } }
          syncToCalendar { enabled target { __typename } }
        } schedule { name timeZone } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const connections = result.data?.connections.connections ?? [];
    expect(connections.length).toBeGreaterThanOrEqual(10);
    expect(new Set(connections.map((c) => c.status)).size).toBeGreaterThanOrEqual(4);
    for (const connection of connections) expect(connection.schedule?.name).toEqual(expect.any(String));
    // 1 List Connections + 1 Query Schedules, however many connections
    expect(app.emulator?.calls.filter((c) => c.path !== '/_emulator/healthz')).toHaveLength(2);
  });

  it('updateSchedule through the gateway produces scheduleUpdated at a subscriber, end to end', async () => {
    const id = DEMO_SCHEDULE_IDS.mayaPersonalTraining;
    const subscription = subscribe(
      client,
      'subscription($ids: [ID!]) { scheduleUpdated(scheduleIds: $ids) { eventId sequence cursor schedule { id name revision } } }',
      {
        ids: [id],
      },
    );
    await waitFor(() => app.bus.listenerCount() === 1, 'the subscription');
    const before = await app.graphql<ScheduleRead>('query($id: ID!) { schedule(id: $id) { id name revision status } }', { id });
    const revision = before.data?.schedule?.revision ?? '';
    const result = await app.graphql(UPDATE, { s: { id, revision, name: 'Maya Cohen — Strength training' } });
    expect(result.data).toEqual({
      updateSchedule: { schedule: { id, name: 'Maya Cohen — Strength training', revision: String(Number(revision) + 1) }, userErrors: [] },
    });
    const event = await subscription.next();
    expect(event.data).toMatchObject({
      scheduleUpdated: { schedule: { id, name: 'Maya Cohen — Strength training', revision: String(Number(revision) + 1) } },
    });
    subscription.unsubscribe();
    await waitFor(() => app.bus.listenerCount() === 0, 'the subscription to go');
  });

  it('keeps delivering the emulator’s events after a hand-made webhook (npm run webhook:send) for the same schedule', async () => {
    const id = DEMO_SCHEDULE_IDS.groupYogaFlow;
    const subscription = subscribe(client, 'subscription($ids: [ID!]) { scheduleUpdated(scheduleIds: $ids) { schedule { name } } }', {
      ids: [id],
    });
    await waitFor(() => app.bus.listenerCount() === 1, 'the subscription');
    const token = await createWebhookJwt({
      privateKey: DEV_WEBHOOK_PRIVATE_KEY_PEM,
      appId: DEFAULT_APP_ID,
      instanceId: DEFAULT_INSTANCE_ID,
      eventType: 'wix.calendar.v3.schedule_updated',
      // The CLI's default sequence: the time in ms, then six digits.
      event: {
        id: 'hand-made',
        entityId: id,
        eventTime: new Date().toISOString(),
        entityEventSequence: `${Date.now()}000000`,
        updatedEvent: { currentEntity: { id, name: 'By hand', status: 'ACTIVE' } },
      },
    });
    expect((await fetch(`${app.gateway.url}/webhooks/wix`, { method: 'POST', body: token })).status).toBe(200);
    expect((await subscription.next()).data).toEqual({ scheduleUpdated: { schedule: { name: 'By hand' } } });
    const read = await app.graphql<ScheduleRead>('query($id: ID!) { schedule(id: $id) { revision } }', { id });
    await app.graphql(UPDATE, { s: { id, revision: read.data?.schedule?.revision, name: 'Group yoga — evening flow' } });
    expect((await subscription.next()).data).toEqual({ scheduleUpdated: { schedule: { name: 'Group yoga — evening flow' } } });
    subscription.unsubscribe();
    await waitFor(() => app.bus.listenerCount() === 0, 'the subscription to go');
  });

  it('reports a stale revision as a user error and changes nothing', async () => {
    const id = DEMO_SCHEDULE_IDS.liamPhysiotherapy;
    const result = await app.graphql(UPDATE, { s: { id, revision: '999', name: 'Nope' } });
    expect(result.data).toMatchObject({ updateSchedule: { schedule: null, userErrors: [{ code: expect.stringMatching(/REVISION/) }] } });
    const after = await app.graphql<ScheduleRead>('query($id: ID!) { schedule(id: $id) { name } }', { id });
    expect(after.data?.schedule?.name).not.toBe('Nope');
  });

  it('reports an update of a cancelled schedule as a user error', async () => {
    const id = DEMO_SCHEDULE_IDS.avaMassage;
    const read = await app.graphql<ScheduleRead>('query($id: ID!) { schedule(id: $id) { revision status } }', { id });
    expect(read.data?.schedule?.status).toBe('CANCELLED');
    const result = await app.graphql(UPDATE, { s: { id, revision: read.data?.schedule?.revision, name: 'Back?' } });
    expect(result.data).toMatchObject({ updateSchedule: { schedule: null, userErrors: [{ code: expect.stringMatching(/CANCEL/) }] } });
  });

  it('refuses invalid updateSchedule input before any upstream call', async () => {
    app.emulator?.clearCalls();
    const result = await app.graphql(UPDATE, {
      s: { id: DEMO_SCHEDULE_IDS.business, revision: '1', name: '', defaultCapacity: -1, timeZone: 'x'.repeat(151) },
    });
    expect(result.data).toMatchObject({
      updateSchedule: {
        schedule: null,
        userErrors: expect.arrayContaining([
          expect.objectContaining({ code: 'INVALID_ARGUMENT', field: ['schedule', 'name'] }),
          expect.objectContaining({ code: 'INVALID_ARGUMENT', field: ['schedule', 'defaultCapacity'] }),
          expect.objectContaining({ code: 'INVALID_ARGUMENT', field: ['schedule', 'timeZone'] }),
        ]),
      },
    });
    expect(app.emulator?.calls).toHaveLength(0);
  });

  it('changes a sync config, and surfaces NOT_SUPPORTED_BY_PROVIDER for Microsoft', async () => {
    const mutation = `mutation($id: ID!, $c: SyncConfigInput!) { updateSyncConfig(connectionId: $id, syncConfig: $c) {
      connection { id syncConfig { syncToCalendar { enabled target { __typename } } } } userErrors { code }
    } }`;
    const google = await app.graphql(mutation, {
      id: DEMO_CONNECTION_IDS.mayaGoogle,
      c: { syncToCalendar: { enabled: false, target: { dedicatedCalendar: true } } },
    });
    expect(google.data).toEqual({
      updateSyncConfig: {
        connection: {
          id: DEMO_CONNECTION_IDS.mayaGoogle,
          syncConfig: { syncToCalendar: { enabled: false, target: { __typename: 'DedicatedCalendar' } } },
        },
        userErrors: [],
      },
    });
    const microsoft = await app.graphql(mutation, {
      id: DEMO_CONNECTION_IDS.liamMicrosoft,
      c: { syncToCalendar: { enabled: true, target: { primaryCalendar: true } } },
    });
    expect(microsoft.data).toEqual({ updateSyncConfig: { connection: null, userErrors: [{ code: 'NOT_SUPPORTED_BY_PROVIDER' }] } });
    const missing = await app.graphql(mutation, { id: 'no-such-connection', c: { syncToCalendar: { enabled: true } } });
    expect(missing.data).toEqual({ updateSyncConfig: { connection: null, userErrors: [{ code: 'NOT_FOUND' }] } });
  });
});
