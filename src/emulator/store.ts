/**
 * In-memory data of the emulator. Each app instance is its own tenant with its own data set; the
 * default tenant is the site reached with the API key. Tests may read and change these maps
 * directly: routes only go through the methods below, which add lazy status progressions.
 */
import { PROVIDERS, buildSeed, idMapperFor, type Seed } from './demo-data.js';
import type { Connection, Provider, Schedule } from './model.js';

/** How long a freshly connected account stays CONNECTED before it reports SYNCED. */
export const CONNECTION_SYNC_DELAY_MS = 1_000;

export class Tenant {
  readonly instanceId: string;
  /** Wix user that owns the site; owner of schedules without a WRITER permission. */
  readonly ownerUserId: string;
  /** Wix user id → display name, for `scheduleOwnerName` in List Events. */
  readonly users: Map<string, string>;
  /** Insertion order is creation order: Query Schedules pages in this order. */
  readonly schedules = new Map<string, Schedule>();
  readonly connections = new Map<string, Connection>();
  /** Create Schedule idempotency key → id of the schedule it created. */
  readonly idempotencyKeys = new Map<string, string>();
  /** Connection id → epoch ms when its CONNECTED status turns SYNCED (evaluated on read, no timers). */
  readonly syncDueAt = new Map<string, number>();
  /** When false, premium-only calls answer 403 PREMIUM_FEATURE_NOT_ENABLED. */
  premiumEnabled = true;

  constructor(instanceId: string, seed: Seed, isDefaultTenant: boolean) {
    this.instanceId = instanceId;
    const data = buildSeed(seed, idMapperFor(instanceId, isDefaultTenant));
    this.ownerUserId = data.ownerUserId;
    this.users = data.users;
    for (const schedule of data.schedules) this.schedules.set(schedule.id, schedule);
    for (const connection of data.connections) this.connections.set(connection.id, connection);
  }

  getSchedule(id: string): Schedule | undefined {
    return this.schedules.get(id);
  }

  getConnection(id: string, now = Date.now()): Connection | undefined {
    const connection = this.connections.get(id);
    if (connection) this.progressSync(connection, now);
    return connection;
  }

  listConnections(now = Date.now()): Connection[] {
    const all = [...this.connections.values()];
    for (const connection of all) this.progressSync(connection, now);
    return all;
  }

  addConnection(connection: Connection, now = Date.now()): void {
    this.connections.set(connection.id, connection);
    this.syncDueAt.set(connection.id, now + CONNECTION_SYNC_DELAY_MS);
  }

  /** The Wix user owning a schedule: its WRITER, else the site owner. */
  ownerOf(schedule: Schedule): string {
    return schedule.permissions?.[0]?.identity.wixUserId ?? this.ownerUserId;
  }

  private progressSync(connection: Connection, now: number): void {
    const due = this.syncDueAt.get(connection.id);
    if (due === undefined || due > now) return;
    this.syncDueAt.delete(connection.id);
    if (connection.status === 'CONNECTED') connection.status = 'SYNCED';
  }
}

export interface StoreOptions {
  seed: Seed;
  defaultInstanceId: string;
}

export class EmulatorStore {
  readonly providers: readonly Provider[] = PROVIDERS;
  readonly defaultTenant: Tenant;
  private readonly seed: Seed;
  private readonly byInstance = new Map<string, Tenant>();

  constructor(options: StoreOptions) {
    this.seed = options.seed;
    this.defaultTenant = new Tenant(options.defaultInstanceId, options.seed, true);
    this.byInstance.set(options.defaultInstanceId, this.defaultTenant);
  }

  /** The tenant of an app instance, seeded on first use (like installing the app on a new site). */
  tenant(instanceId: string): Tenant {
    let tenant = this.byInstance.get(instanceId);
    if (!tenant) {
      tenant = new Tenant(instanceId, this.seed, false);
      this.byInstance.set(instanceId, tenant);
    }
    return tenant;
  }

  findTenant(instanceId: string): Tenant | undefined {
    return this.byInstance.get(instanceId);
  }

  tenants(): Tenant[] {
    return [...this.byInstance.values()];
  }

  provider(id: string): Provider | undefined {
    return this.providers.find((provider) => provider.id === id);
  }
}
