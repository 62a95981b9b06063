import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createWebhookJwt } from '../../src/emulator/index.js';
import { appModeOverEmulator } from '../helpers/suite.js';

const SECRET = 'tenancy-test-secret-long-enough-for-hs256';
const TENANT_A = 'aaaaaaaa-0000-4000-8000-0000000000a1';
const TENANT_B = 'bbbbbbbb-0000-4000-8000-0000000000b1';

const { emulator, app } = appModeOverEmulator((wix) => ({ WIX_WEBHOOK_PUBLIC_KEY: wix.webhookPublicKeyPem, AUTH_JWT_SECRET: SECRET }));

/** One operation as the tenant's caller, on the given gateway (the file's first one by default). */
async function ask<T>(tenant: string, query: string, variables?: Record<string, unknown>, gateway = app.gateway): Promise<T> {
  const token = await new SignJWT({ instanceId: tenant })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

type Schedules = { schedules: { edges: Array<{ node: { id: string; name: string; revision: string } }> } };
const SCHEDULES = '{ schedules(first: 100) { edges { node { id name revision } } } }';
const CONNECTIONS = '{ connections { connections { id schedule { id } } } }';

describe('replica and cache per site (app mode, two tenants)', () => {
  it('keeps each tenant’s schedules and connections apart, however often they are read', async () => {
    for (let round = 0; round < 2; round += 1) {
      const a = await ask<Schedules>(TENANT_A, SCHEDULES);
      const b = await ask<Schedules>(TENANT_B, SCHEDULES);
      const idsA = a.schedules.edges.map((edge) => edge.node.id);
      const idsB = new Set(b.schedules.edges.map((edge) => edge.node.id));
      expect(idsA.length).toBeGreaterThan(0);
      expect(idsA.filter((id) => idsB.has(id))).toEqual([]);
      const connectionsA = await ask<{ connections: { connections: Array<{ id: string }> } }>(TENANT_A, CONNECTIONS);
      const connectionsB = await ask<{ connections: { connections: Array<{ id: string }> } }>(TENANT_B, CONNECTIONS);
      const ofB = new Set(connectionsB.connections.connections.map((c) => c.id));
      expect(connectionsA.connections.connections.filter((c) => ofB.has(c.id))).toEqual([]);
    }
  });

  it('applies a tenant’s webhook to that tenant’s replica only', async () => {
    const [first] = (await ask<Schedules>(TENANT_A, SCHEDULES)).schedules.edges;
    const schedule = first?.node;
    if (!schedule) throw new Error('tenant A has no schedule');
    await ask<Schedules>(TENANT_B, SCHEDULES);
    const revision = String(Number(schedule.revision) + 1);
    const jwt = await createWebhookJwt({
      privateKey: emulator.webhookPrivateKeyPem,
      appId: emulator.appId,
      instanceId: TENANT_A,
      eventType: 'wix.calendar.v3.schedule_updated',
      event: {
        id: `tenancy-${revision}`,
        entityFqdn: 'wix.calendar.v3.schedule',
        slug: 'updated',
        entityId: schedule.id,
        eventTime: new Date().toISOString(),
        entityEventSequence: `${Date.now()}`,
        updatedEvent: { currentEntity: { ...schedule, status: 'ACTIVE', revision, name: 'Renamed for tenant A only' } },
      },
    });
    const answer = await fetch(`${app.gateway.url}/webhooks/wix`, { method: 'POST', body: jwt });
    expect(answer.status).toBe(200);
    const forA = await ask<{ schedule: { name: string } | null }>(TENANT_A, 'query($id: ID!) { schedule(id: $id) { name } }', {
      id: schedule.id,
    });
    expect(forA.schedule?.name).toBe('Renamed for tenant A only');
    const forB = await ask<{ schedule: { name: string } | null }>(TENANT_B, 'query($id: ID!) { schedule(id: $id) { name } }', {
      id: schedule.id,
    });
    expect(forB.schedule).toBeNull();
    const listB = await ask<Schedules>(TENANT_B, SCHEDULES);
    expect(listB.schedules.edges.map((edge) => edge.node.name)).not.toContain('Renamed for tenant A only');
  });
});

describe('node(id:) per site', () => {
  it('finds a tenant’s schedule, connection and calendar for that tenant only: another tenant gets null', async () => {
    const NODES = 'query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }';
    const [schedule] = (await ask<Schedules>(TENANT_A, SCHEDULES)).schedules.edges;
    const connections = await ask<{ connections: { connections: Array<{ id: string; calendars: Array<{ id: string }> }> } }>(
      TENANT_A,
      '{ connections { connections { id calendars { id } } } }',
    );
    const connection = connections.connections.connections.find((c) => c.calendars.length > 0);
    if (!schedule || !connection) throw new Error('tenant A has no schedule or no connected connection');
    const ids = [schedule.node.id, connection.id, connection.calendars[0]?.id ?? ''];
    const forA = await ask<{ nodes: Array<{ __typename: string; id: string } | null> }>(TENANT_A, NODES, { ids });
    expect(forA.nodes).toEqual([
      { __typename: 'Schedule', id: ids[0] },
      { __typename: 'Connection', id: ids[1] },
      { __typename: 'ExternalCalendar', id: ids[2] },
    ]);
    const forB = await ask<{ nodes: unknown[] }>(TENANT_B, NODES, { ids });
    expect(forB.nodes).toEqual([null, null, null]);
  });
});

describe('app mode with WIX_INSTANCE_ID: the other tenants’ webhooks are dropped', () => {
  const fixture = appModeOverEmulator((wix) => ({
    WIX_WEBHOOK_PUBLIC_KEY: wix.webhookPublicKeyPem,
    AUTH_JWT_SECRET: SECRET,
    WIX_INSTANCE_ID: TENANT_A,
    WIX_CACHE_TTL_MS: '50',
  }));

  it('so another tenant is read through the short cache, not a replica that would never hear of its changes', async () => {
    const askB = <T>(query: string, variables?: Record<string, unknown>) => ask<T>(TENANT_B, query, variables, fixture.app.gateway);
    const [first] = (await askB<Schedules>(SCHEDULES)).schedules.edges;
    const id = first?.node.id ?? '';
    const stored = fixture.emulator.store.tenant(TENANT_B).getSchedule(id);
    if (!stored) throw new Error('tenant B has no such schedule');
    // Changed in Wix (its webhook, for tenant B, would be dropped by this gateway).
    Object.assign(stored, { name: 'Changed in Wix for tenant B', revision: String(Number(stored.revision) + 1) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = await askB<{ schedule: { name: string } | null }>('query($id: ID!) { schedule(id: $id) { name } }', { id });
    expect(after.schedule?.name).toBe('Changed in Wix for tenant B');
  });
});
