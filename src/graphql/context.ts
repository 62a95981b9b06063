import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ExternalCalendarsApi } from '../datasources/external-calendars.js';
import { SchedulesApi } from '../datasources/schedules.js';
import { WixHttpClient, type WixCredentials } from '../datasources/wix-http.js';
import { transportFor } from '../datasources/transport.js';
import type { EventBus } from '../bus/bus.js';
import type { UpstreamGuard } from '../datasources/resilience.js';
import type { Metrics } from '../infra/metrics.js';
import type { Caller } from '../auth/caller.js';

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
   * A fresh context for one event of a subscription: the same caller, request id and bus, with a new
   * deadline, new DataLoaders and new upstream clients, so that no event runs out of the time or
   * reads the data of the subscription's start or of another event.
   */
  forEvent(): GatewayContext;
  /** Told to the caller in the response's `extensions.warnings` (over HTTP), e.g. a deprecated input ignored. */
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
}

export interface UpstreamSettings {
  baseUrl: string;
  /** The credentials calls of this caller use: one API key for all, or the caller's tenant's token (app mode). */
  credentialsFor: (caller: Caller) => WixCredentials;
  fetch?: typeof fetch;
}

export interface ContextInput {
  /** The caller's request id (`x-request-id`), if it sent one worth keeping. */
  requestId?: string | undefined;
  caller: Caller;
  onSlowConsumer?: () => void;
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
): ContextFactory {
  // One transport for every operation: a client is made per operation, its connections are not.
  const transport = transportFor(upstream.baseUrl, upstream.fetch);
  const create: ContextFactory = (input) => {
    const { requestId: offered, caller, onSlowConsumer } = input;
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
      warnings: [],
      forEvent: () => create({ ...input, requestId }),
      get wix() {
        if (wix) return wix;
        const http = new WixHttpClient({
          transport,
          credentials: upstream.credentialsFor(caller),
          guard,
          metrics,
          deadline,
          logger: context.logger,
          requestId,
        });
        wix = {
          externalCalendars: new ExternalCalendarsApi(http),
          schedules: new SchedulesApi(http),
        };
        return wix;
      },
    };
    return context;
  };
  return create;
}
