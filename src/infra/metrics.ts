import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventBus } from '../bus/bus.js';
import type { SiteBudget } from '../upstream/budget.js';
import type { ScheduleReplica } from '../upstream/schedule-replica.js';

/** Operation names come from clients: a bounded set is labelled by name, the rest as "other". */
const OPERATION_NAMES_MAX = 200;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
/** Sites (app instances) labelled by id; beyond this many, as "other". */
const SITES_MAX = 200;

/** The gateway's Prometheus metrics, in a registry of its own (several gateways can share a process in tests). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let bus: EventBus | undefined;
  let shared: () => { streams: number; consumers: number } = () => ({ streams: 0, consumers: 0 });
  const operationNames = new Set<string>();
  const siteNames = new Set<string>();
  let budget: SiteBudget | undefined;
  let replica: ScheduleReplica | undefined;
  const siteLabel = (site: string): string => {
    if (siteNames.has(site)) return site;
    if (siteNames.size >= SITES_MAX) return 'other';
    siteNames.add(site);
    return site;
  };
  const metrics = {
    registry,
    operations: new Histogram({
      name: 'gateway_operation_duration_seconds',
      help: 'GraphQL operations over HTTP, by operation name and type, and whether they had errors.',
      labelNames: ['operation_name', 'operation_type', 'outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    upstreamCalls: new Histogram({
      name: 'gateway_upstream_call_duration_seconds',
      help: 'Calls to Wix, by endpoint and status (a number, or timeout / network-error / too-large), one per attempt.',
      labelNames: ['endpoint', 'status'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    upstreamErrors: new Counter({
      name: 'gateway_upstream_errors_total',
      help: 'Failed calls to Wix (non-2xx, timeouts, network errors), by endpoint and status.',
      labelNames: ['endpoint', 'status'] as const,
      registers: [registry],
    }),
    upstreamSiteCalls: new Counter({
      name: 'gateway_upstream_site_calls_total',
      help: 'Calls to Wix per site (app instance), every attempt: rate() of it over a minute is what Wix counts against its limit.',
      labelNames: ['site'] as const,
      registers: [registry],
    }),
    budgetRefusals: new Counter({
      name: 'gateway_upstream_budget_refusals_total',
      help: 'Calls to Wix not made because the site’s budget was spent (or Wix asked to slow down), by read or write.',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    budgetRemaining: new Gauge({
      name: 'gateway_upstream_budget_remaining',
      help: 'Calls to Wix a site could still make in the current window (with Redis: across all instances).',
      labelNames: ['site'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        if (!budget) return;
        const sites = budget.sites().slice(0, SITES_MAX);
        const remaining = await Promise.all(sites.map((site) => budget!.remaining(site)));
        sites.forEach((site, index) => this.set({ site: siteLabel(site) }, remaining[index] ?? 0));
      },
    }),
    cacheReads: new Counter({
      name: 'gateway_upstream_cache_total',
      help: 'Cached Wix reads by namespace and result: hit, miss, coalesced (joined an identical call in flight), stale (served because the budget was spent).',
      labelNames: ['namespace', 'result'] as const,
      registers: [registry],
    }),
    replicaReads: new Counter({
      name: 'gateway_replica_reads_total',
      help: 'Schedule reads answered by the replica (hit), that loaded a site (load), or that went to Wix because the replica was not coherent (unavailable).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    replicaLoads: new Counter({
      name: 'gateway_replica_loads_total',
      help: 'Sites read whole from Wix into the schedule replica: first loads and periodic resyncs.',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    replicaEvents: new Counter({
      name: 'gateway_replica_events_total',
      help: 'Accepted schedule webhooks offered to the replica: applied, unchanged (not newer than what it holds), not-loaded (site not held).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    replicaAge: new Gauge({
      name: 'gateway_replica_age_seconds',
      help: 'Time since each site’s schedules were last read whole from Wix (webhooks keep them current in between).',
      labelNames: ['site'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const { site, seconds } of replica?.ages() ?? []) this.set({ site: siteLabel(site) }, seconds);
      },
    }),
    webhooks: new Counter({
      name: 'gateway_webhooks_total',
      help: 'Wix webhooks received, by verdict (accepted, duplicate, stale, ignored, foreign_instance, refused, unavailable) and event type.',
      labelNames: ['verdict', 'event_type'] as const,
      registers: [registry],
    }),
    webhookToDelivery: new Histogram({
      name: 'gateway_webhook_delivery_seconds',
      help: 'From a webhook arriving to its event being on the bus and handed to this instance’s subscribers.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    busLag: new Histogram({
      name: 'gateway_event_bus_lag_seconds',
      help: 'With Redis: from an event being appended to the stream to this instance reading it.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    }),
    dedupeEarlyEvictions: new Counter({
      name: 'gateway_webhook_dedupe_early_evictions_total',
      help: 'Event ids forgotten by the in-memory dedupe store before their 48 hours because it was full.',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(bus?.earlyEvictions() ?? 0);
      },
    }),
    busStreamResets: new Counter({
      name: 'gateway_event_bus_stream_resets_total',
      help: 'With Redis: times this instance found the event stream lost (restart, flush, failover) and followed the new one.',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(bus?.streamResets() ?? 0);
      },
    }),
    subscriptions: new Gauge({
      name: 'gateway_active_subscriptions',
      help: 'GraphQL subscriptions running in this process (subscribers sharing one execution each count).',
      registers: [registry],
      collect() {
        const { streams, consumers } = shared();
        this.set((bus?.listenerCount() ?? 0) - streams + consumers);
      },
    }),
    sharedStreams: new Gauge({
      name: 'gateway_shared_subscription_streams',
      help: 'Executions shared by subscribers of one document, variables and tenant.',
      registers: [registry],
      collect() {
        this.set(shared().streams);
      },
    }),
    sockets: new Gauge({
      name: 'gateway_active_websockets',
      help: 'WebSocket connections currently open.',
      registers: [registry],
    }),
    httpStreams: new Gauge({
      name: 'gateway_active_http_streams',
      help: 'Subscriptions streamed over HTTP (GraphQL over SSE, multipart) currently open.',
      registers: [registry],
    }),
    /** The bus and the shared subscriptions whose state the gauges read. */
    watch(eventBus: EventBus, sharedStats?: () => { streams: number; consumers: number }) {
      bus = eventBus;
      if (sharedStats) shared = sharedStats;
    },
    /** The budget and replica whose state the gauges read. */
    watchUpstream(siteBudget: SiteBudget, scheduleReplica: ScheduleReplica | undefined) {
      budget = siteBudget;
      replica = scheduleReplica;
    },
    siteLabel,
    /** A label for a client-chosen operation name that keeps the series bounded. */
    operationLabel(name: string | null | undefined): string {
      if (!name) return 'anonymous';
      if (!OPERATION_NAME.test(name)) return 'other';
      if (operationNames.has(name)) return name;
      if (operationNames.size >= OPERATION_NAMES_MAX) return 'other';
      operationNames.add(name);
      return name;
    },
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
