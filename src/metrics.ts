import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The gateway's Prometheus metrics, in a registry of its own (several gateways can share a process in tests). */
export function createMetrics(sources: { subscriptions: () => number; dedupeEarlyEvictions: () => number }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    webhooks: new Counter({
      name: 'gateway_webhooks_total',
      help: 'Wix webhooks received, by verdict (accepted, duplicate, stale, ignored, foreign_instance, refused).',
      labelNames: ['verdict', 'event_type'] as const,
      registers: [registry],
    }),
    dedupeEarlyEvictions: new Counter({
      name: 'gateway_webhook_dedupe_early_evictions_total',
      help: 'Event ids forgotten by the in-memory dedupe store before their 48 hours because it was full.',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(sources.dedupeEarlyEvictions());
      },
    }),
    webhookToDelivery: new Histogram({
      name: 'gateway_webhook_delivery_seconds',
      help: 'From a webhook arriving to its event being handed to the local subscribers.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    subscriptions: new Gauge({
      name: 'gateway_active_subscriptions',
      help: 'Subscriptions currently attached to the event bus in this process.',
      registers: [registry],
      collect() {
        this.set(sources.subscriptions());
      },
    }),
    sockets: new Gauge({
      name: 'gateway_active_websockets',
      help: 'WebSocket connections currently open.',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
