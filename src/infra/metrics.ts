import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventBus } from '../bus/bus.js';

/** Operation names come from clients: a bounded set is labelled by name, the rest as "other". */
const OPERATION_NAMES_MAX = 200;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/** The gateway's Prometheus metrics, in a registry of its own (several gateways can share a process in tests). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let bus: EventBus | undefined;
  let shared: () => { streams: number; consumers: number } = () => ({ streams: 0, consumers: 0 });
  const operationNames = new Set<string>();
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
    /** The bus and the shared subscriptions whose state the gauges read. */
    watch(eventBus: EventBus, sharedStats?: () => { streams: number; consumers: number }) {
      bus = eventBus;
      if (sharedStats) shared = sharedStats;
    },
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
