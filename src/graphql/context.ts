import { CalendarEventsApi } from '../datasources/calendar-events.js';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ExternalCalendarsApi } from '../datasources/external-calendars.js';
import { SchedulesApi } from '../datasources/schedules.js';
import { WixHttpClient, type WixCredentials } from '../datasources/wix-http.js';
import { transportFor } from '../datasources/transport.js';
import type { EventBus, QueueBudget } from '../bus/bus.js';
import type { UpstreamGuard } from '../datasources/resilience.js';
import type { Metrics } from '../infra/metrics.js';
import type { Caller } from '../auth/caller.js';
import type { UpstreamAccessPolicy } from '../upstream/access.js';

/** What every resolver gets: one per operation, built the same way for HTTP and WebSocket. */
export interface GatewayContext {
  requestId: string;
  /** Who is calling (the open caller when auth is not configured). */
  caller: Caller;
  logger: Logger;
  wix: WixApis;
  /** The process-wide event bus, for subscriptions. */
  bus: EventBus;
  /** Over WebSocket: closes the connection of a subscriber that does not keep up. */
  onSlowConsumer: (() => void) | undefined;
  /** Events one subscription may have waiting before its consumer counts as too slow. */
  maxQueuedEvents: number;
  /**
   * Set when the budget was spent and cached answers stood in: the age of the oldest, in ms. A
   * holder, not a field: Apollo Server runs each operation on a shallow copy of the context.
   */
  staleData: { ageMs: number | undefined };
  /** Over WebSocket: the bytes its socket may have waiting, shared by the socket's subscriptions. */
  queueBudget: QueueBudget | undefined;
  /**
   * A fresh context for one event of a subscription: the same caller, request id and bus, with a new
   * deadline, new DataLoaders and new upstream clients, so that no event runs out of the time or
   * reads the data of the subscription's start or of another event.
   */
  forEvent(): GatewayContext;
  /** Told to the caller in the response's `extensions.warnings` (over HTTP and WebSocket), e.g. a deprecated input ignored. */
  warnings: ResponseWarning[];
}

/** Something the caller should know although the operation succeeded. */
export interface ResponseWarning {
  message: string;
  /** Path of the argument concerned, from the field's arguments. */
  field: string[];
}

/** The upstream APIs, created per operation so their DataLoader caches never outlive it. */
export interface WixApis {
  externalCalendars: ExternalCalendarsApi;
  schedules: SchedulesApi;
  /** Wix Calendar Events v3 (docs/wix-contract.md §5). */
  calendarEvents: CalendarEventsApi;
}

export interface UpstreamSettings {
  baseUrl: string;
  /** The credentials calls of this caller use: one API key for all, or the caller's tenant's token (app mode). */
  credentialsFor: (caller: Caller) => WixCredentials;
  /** The Wix site a caller's calls act on: the key of its budget, cache and replica. */
  siteFor: (caller: Caller) => string;
  /**
   * The site a webhook's app instance stands for, when webhooks can keep a replica of it coherent;
   * undefined when the gateway cannot tell (then schedules are cached briefly instead).
   */
  siteOfInstance: ((instanceId: string) => string | undefined) | undefined;
  /** Whether the webhooks of this site are taken, so that the replica may answer its reads. */
  replicated: (site: string) => boolean;
  fetch?: typeof fetch;
  /** Largest Wix answer read, before and after decompression (WIX_MAX_RESPONSE_BYTES); default 8 MiB. */
  maxResponseBytes?: number;
}

export interface ContextInput {
  /** The caller's request id (`x-request-id`), if it sent one worth keeping. */
  requestId?: string | undefined;
  caller: Caller;
  onSlowConsumer?: () => void;
  queueBudget?: QueueBudget;
}

export type ContextFactory = (input: ContextInput) => GatewayContext;

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The one context builder, shared by the HTTP endpoint and graphql-ws (and made again for each subscription event). */
export function createContextFactory(
  logger: Logger,
  upstream: UpstreamSettings,
  guard: UpstreamGuard,
  bus: EventBus,
  maxQueuedEvents: number,
  metrics: Metrics,
  policy: UpstreamAccessPolicy,
): ContextFactory {
  // One transport for every operation: a client is made per operation, its connections are not.
  const transport = transportFor(upstream.baseUrl, upstream.fetch, upstream.maxResponseBytes);
  const create: ContextFactory = (input) => {
    const { requestId: offered, caller, onSlowConsumer, queueBudget } = input;
    const requestId = offered && REQUEST_ID.test(offered) ? offered : randomUUID();
    const deadline = Date.now() + guard.settings.deadlineMs;
    // The logger and the upstream clients are made on first use: a subscriber whose events need no
    // upstream call (most) never pays for them, and a waiting subscription holds less memory.
    let requestLogger: Logger | undefined;
    let wix: WixApis | undefined;
    const context: GatewayContext = {
      requestId,
      caller,
      get logger() {
        return (requestLogger ??= logger.child({ requestId }));
      },
      bus,
      onSlowConsumer,
      maxQueuedEvents,
      staleData: { ageMs: undefined },
      queueBudget,
      warnings: [],
      forEvent: () => create({ ...input, requestId }),
      get wix() {
        if (wix) return wix;
        const site = upstream.siteFor(caller);
        const http = new WixHttpClient({
          transport,
          credentials: upstream.credentialsFor(caller),
          guard,
          metrics,
          deadline,
          logger: context.logger,
          requestId,
          access: {
            site,
            budget: policy.budget,
            cache: policy.cache,
            onStale(ageMs) {
              context.staleData.ageMs = Math.max(context.staleData.ageMs ?? 0, ageMs);
            },
          },
        });
        wix = {
          externalCalendars: new ExternalCalendarsApi(http, policy.ttls),
          calendarEvents: new CalendarEventsApi(http),
          schedules: new SchedulesApi(http, {
            replica: policy.replica && upstream.replicated(site) ? { replica: policy.replica, site } : undefined,
          }),
        };
        return wix;
      },
    };
    return context;
  };
  return create;
}
