import type { Logger } from 'pino';
import type { EventBus } from '../bus/bus.js';
import { compareSequences, type BusEvent } from '../bus/events.js';
import { withoutPersonalData, type ScheduleDto } from '../datasources/schedules.dto.js';

/**
 * The schedules of each site, kept by the gateway so that reads cost Wix nothing between changes
 * (docs/upstream-budget.md). A site's schedules are loaded whole on its first read (every status,
 * in Wix's order), then kept coherent by the verified webhooks the event bus accepts (ordered and
 * deduplicated there: a stale or repeated event never reaches the replica), and read again from
 * Wix in the background once `resyncMs` old, which heals a webhook Wix never delivered.
 *
 * Between the snapshot and the webhooks, the newer `revision` of a schedule wins: a load that
 * overlaps a webhook never rolls the webhook back, and a webhook older than the loaded schedule
 * changes nothing. Personal data is never kept: schedules are loaded without it and its fields
 * are dropped from webhook entities, so only reads that ask for it, from Wix, carry it.
 *
 * The replica is trusted only while the event bus is: when the bus is not ready (Redis away),
 * reads go to Wix, and every snapshot is dropped, since webhooks may have been missed meanwhile.
 */
export interface ReplicaSettings {
  /** A snapshot this old is read again from Wix (in the background; reads keep being answered). */
  resyncMs: number;
}

/** How the replica reads a site's schedules from Wix: all of them, every status, in Wix's order. */
export type LoadAll = () => Promise<ScheduleDto[]>;

export interface ReplicaObserver {
  read(result: 'hit' | 'load' | 'unavailable'): void;
  loaded(reason: 'load' | 'resync'): void;
  event(result: 'applied' | 'unchanged' | 'not-loaded'): void;
}

/** The replica cannot answer now (the bus is not ready): read from Wix instead. */
export class ReplicaUnavailable extends Error {
  constructor() {
    super('the schedule replica is not coherent right now');
  }
}

interface Snapshot {
  byId: Map<string, ScheduleDto>;
  /** Ids in listing order: Wix's order at the last load, then those created since. */
  order: string[];
  loadedAt: number;
  /** When a read may start the next resync (later after a failed one: no back-to-back retries). */
  resyncAt: number;
  lastReadAt: number;
  /** A background resync in flight, if any. */
  resync: Promise<void> | undefined;
}

/** After a failed resync, the next waits this long (or the resync period, if shorter). */
const RESYNC_RETRY_MS = 30_000;

export class ScheduleReplica {
  readonly #settings: ReplicaSettings;
  readonly #bus: EventBus;
  readonly #siteOf: (instanceId: string) => string | undefined;
  readonly #observer: ReplicaObserver;
  readonly #logger: Logger;
  readonly #sites = new Map<string, Snapshot>();
  /** First loads in flight, and the webhooks that arrived meanwhile (applied when the load lands). */
  readonly #loading = new Map<string, { done: Promise<Snapshot>; arrived: ScheduleDto[] }>();
  readonly #stopObserving: () => void;
  readonly #readinessTimer: NodeJS.Timeout;
  #busWasReady: boolean;
  /** The bus's count of streams lost (Redis lost its data): events may have gone with them. */
  #streamResets: number;

  constructor(options: {
    settings: ReplicaSettings;
    bus: EventBus;
    /** The site a webhook's app instance belongs to; undefined for one this gateway does not serve. */
    siteOfInstance: (instanceId: string) => string | undefined;
    observer: ReplicaObserver;
    logger: Logger;
  }) {
    this.#settings = options.settings;
    this.#bus = options.bus;
    this.#siteOf = options.siteOfInstance;
    this.#observer = options.observer;
    this.#logger = options.logger;
    this.#stopObserving = this.#bus.observe((event) => this.#onEvent(event));
    this.#busWasReady = this.#bus.isReady();
    this.#streamResets = this.#bus.streamResets();
    // A bus that was away even for a moment may have missed webhooks: checked every second, not
    // only when a read comes, so that a short outage between two reads is not overlooked.
    this.#readinessTimer = setInterval(() => this.#checkBus(), 1_000).unref();
  }

  /** Every schedule of the site, in listing order (loaded on first use). */
  async all(site: string, loadAll: LoadAll): Promise<ScheduleDto[]> {
    const snapshot = await this.#snapshot(site, loadAll);
    return snapshot.order.flatMap((id) => snapshot.byId.get(id) ?? []);
  }

  /** These schedules by id, in the order asked; null where the site has none with that id. */
  async byIds(site: string, ids: readonly string[], loadAll: LoadAll): Promise<(ScheduleDto | null)[]> {
    const { byId } = await this.#snapshot(site, loadAll);
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** A schedule the gateway itself just wrote: visible at once to the next read on this instance. */
  applyWrite(site: string, schedule: ScheduleDto): void {
    const snapshot = this.#sites.get(site);
    if (snapshot) this.#merge(snapshot, withoutPersonalData(schedule));
    else this.#loading.get(site)?.arrived.push(withoutPersonalData(schedule));
  }

  /** Age of each site's snapshot, for /metrics. */
  ages(): Array<{ site: string; seconds: number }> {
    const now = Date.now();
    return [...this.#sites].map(([site, snapshot]) => ({ site, seconds: (now - snapshot.loadedAt) / 1_000 }));
  }

  close(): void {
    this.#stopObserving();
    clearInterval(this.#readinessTimer);
    this.#sites.clear();
  }

  async #snapshot(site: string, loadAll: LoadAll): Promise<Snapshot> {
    this.#checkBus();
    if (!this.#busWasReady) {
      this.#observer.read('unavailable');
      throw new ReplicaUnavailable();
    }
    const snapshot = this.#sites.get(site);
    if (snapshot) {
      this.#observer.read('hit');
      snapshot.lastReadAt = Date.now();
      if (Date.now() >= snapshot.resyncAt && !snapshot.resync) {
        snapshot.resync = this.#resync(site, snapshot, loadAll);
      }
      return snapshot;
    }
    this.#observer.read('load');
    let loading = this.#loading.get(site);
    if (!loading) {
      const arrived: ScheduleDto[] = [];
      const resetsAtStart = this.#bus.streamResets();
      const done = loadAll().then(
        (schedules) => {
          this.#loading.delete(site);
          const fresh = snapshotOf(schedules, this.#settings.resyncMs);
          for (const schedule of arrived) this.#merge(fresh, schedule);
          // Only kept if the bus stayed ready and its stream the same throughout: otherwise webhooks
          // may have been missed.
          if (this.#bus.isReady() && this.#busWasReady && this.#bus.streamResets() === resetsAtStart) this.#sites.set(site, fresh);
          this.#observer.loaded('load');
          return fresh;
        },
        (error: unknown) => {
          this.#loading.delete(site);
          throw error;
        },
      );
      loading = { done, arrived };
      this.#loading.set(site, loading);
    }
    return loading.done;
  }

  /** Reads the site again and merges: the newer revision of each schedule wins. */
  async #resync(site: string, snapshot: Snapshot, loadAll: LoadAll): Promise<void> {
    try {
      const schedules = await loadAll();
      const order = schedules.map((schedule) => schedule.id);
      const listed = new Set(order);
      for (const schedule of schedules) this.#merge(snapshot, withoutPersonalData(schedule));
      // Schedules created by webhook since the load keep their place after Wix's list.
      snapshot.order = [...order, ...snapshot.order.filter((id) => !listed.has(id))];
      snapshot.loadedAt = Date.now();
      snapshot.resyncAt = snapshot.loadedAt + this.#settings.resyncMs;
      this.#observer.loaded('resync');
    } catch (error) {
      // The snapshot stays as it was; a read tries again after a pause, not at once.
      snapshot.resyncAt = Date.now() + Math.min(this.#settings.resyncMs, RESYNC_RETRY_MS);
      this.#logger.warn({ site, reason: error instanceof Error ? error.message : String(error) }, 'schedule replica resync failed');
    } finally {
      snapshot.resync = undefined;
    }
  }

  #onEvent(event: BusEvent): void {
    const site = this.#siteOf(event.instanceId);
    if (site === undefined) return;
    const schedule = withoutPersonalData(event.schedule);
    const snapshot = this.#sites.get(site);
    if (snapshot) {
      this.#observer.event(this.#merge(snapshot, schedule) ? 'applied' : 'unchanged');
      return;
    }
    const loading = this.#loading.get(site);
    if (loading) loading.arrived.push(schedule);
    this.#observer.event('not-loaded');
  }

  /** Keeps the newer of the known and the offered schedule; true when the offered one was taken. */
  #merge(snapshot: Snapshot, schedule: ScheduleDto): boolean {
    const known = snapshot.byId.get(schedule.id);
    if (known && compareSequences(revisionOf(schedule), revisionOf(known)) <= 0) return false;
    if (!known) snapshot.order.push(schedule.id);
    snapshot.byId.set(schedule.id, schedule);
    return true;
  }

  #checkBus(): void {
    // A site nobody read for two resync periods is dropped: memory follows the sites in use, and
    // the next read loads it again (no call is made for a site nobody reads).
    const idleSince = Date.now() - 2 * this.#settings.resyncMs;
    for (const [site, snapshot] of this.#sites) if (snapshot.lastReadAt < idleSince) this.#sites.delete(site);
    const ready = this.#bus.isReady();
    const resets = this.#bus.streamResets();
    if ((!ready || resets !== this.#streamResets) && this.#sites.size > 0) {
      this.#logger.warn(
        ready
          ? 'the event stream was lost (Redis lost its data): the schedule replica is dropped and loaded again'
          : 'event bus not ready: the schedule replica is dropped and reads go to Wix until it is back',
      );
    }
    if (!ready || resets !== this.#streamResets) this.#sites.clear();
    this.#streamResets = resets;
    this.#busWasReady = ready;
  }
}

function snapshotOf(schedules: readonly ScheduleDto[], resyncMs: number): Snapshot {
  const byId = new Map<string, ScheduleDto>();
  const order: string[] = [];
  for (const schedule of schedules) {
    if (!byId.has(schedule.id)) order.push(schedule.id);
    byId.set(schedule.id, withoutPersonalData(schedule));
  }
  return { byId, order, loadedAt: Date.now(), resyncAt: Date.now() + resyncMs, lastReadAt: Date.now(), resync: undefined };
}

/** Wix's revision as a canonical decimal (a missing one is 0: older than any). */
function revisionOf(schedule: ScheduleDto): string {
  const revision = schedule.revision ?? '0';
  return /^(0|[1-9]\d*)$/.test(revision) ? revision : '0';
}
