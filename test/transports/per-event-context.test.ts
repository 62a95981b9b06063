import { makeExecutableSchema } from '@graphql-tools/schema';
import { parse, type ExecutionResult } from 'graphql';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { OPEN_CALLER } from '../../src/auth/caller.js';
import { AsyncQueue } from '../../src/bus/async-queue.js';
import { MemoryEventBus } from '../../src/bus/memory-bus.js';
import { ApiKeyCredentials } from '../../src/datasources/wix-http.js';
import { UpstreamGuard } from '../../src/datasources/resilience.js';
import { createContextFactory, type ContextFactory, type GatewayContext } from '../../src/graphql/context.js';
import { loadConfig } from '../../src/infra/config.js';
import { createMetrics } from '../../src/infra/metrics.js';
import { SharedSubscriptions } from '../../src/transports/shared-subscriptions.js';
import { wixSchedule } from '../helpers/fixtures.js';
import { noUpstreamPolicy } from '../helpers/upstream.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';

/**
 * A subscription field that calls Wix, as `CalendarEvent.schedule` would: each tick names a
 * schedule, read through the context's batch loader (Query Schedules).
 */
const schema = makeExecutableSchema<GatewayContext>({
  typeDefs: /* GraphQL */ `
    type Query {
      ok: Boolean
    }
    type Schedule {
      id: ID!
      name: String
    }
    type Tick {
      scheduleId: ID!
      schedule: Schedule
    }
    type Subscription {
      ticks: Tick!
    }
  `,
  resolvers: {
    Subscription: { ticks: { subscribe: () => ticks, resolve: (scheduleId: string) => ({ scheduleId }) } },
    Tick: { schedule: ({ scheduleId }: { scheduleId: string }, _: unknown, { wix }: GatewayContext) => wix.schedules.load(scheduleId) },
  },
});
const document = parse('subscription { ticks { scheduleId schedule { id name } } }');
const DEADLINE_MS = loadConfig({}).resilience.deadlineMs;
const SUBSCRIPTION_AGE_MS = 30_000;

let upstream: FakeUpstream;
let createContext: ContextFactory;
let ticks: AsyncQueue<string>;
/** What Wix answers as the name of every schedule, right now. */
let currentName: string;

beforeAll(async () => {
  upstream = await startFakeUpstream((request) => {
    const ids = (request.body as { query: { filter: { id: { $in: string[] } } } }).query.filter.id.$in;
    return { body: { schedules: ids.map((id) => wixSchedule(id, { name: currentName })), pagingMetadata: { count: ids.length } } };
  });
  const config = loadConfig({});
  const logger = pino({ level: 'silent' });
  const credentials = new ApiKeyCredentials('key', 'site');
  createContext = createContextFactory(
    logger,
    { baseUrl: upstream.url, credentialsFor: () => credentials, siteFor: () => 'site', siteOfInstance: undefined, replicated: () => false },
    new UpstreamGuard(config.resilience, logger),
    new MemoryEventBus(),
    config.limits.wsMaxQueuedEvents,
    createMetrics(),
    noUpstreamPolicy(),
  );
});
afterAll(async () => {
  await upstream.close();
});
beforeEach(() => {
  // Only the clock the deadline is read from moves: the sockets and their timeouts keep real time.
  vi.useFakeTimers({ toFake: ['Date'] });
  ticks = new AsyncQueue<string>(() => {});
  currentName = 'First';
  upstream.requests.length = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

/** Ages the subscription past the operation deadline, then renames every schedule at Wix. */
function laterAndRenamed(): void {
  expect(SUBSCRIPTION_AGE_MS).toBeGreaterThan(DEADLINE_MS);
  vi.setSystemTime(Date.now() + SUBSCRIPTION_AGE_MS);
  currentName = 'Second';
}

const named = (scheduleId: string, name: string) => ({ data: { ticks: { scheduleId, schedule: { id: scheduleId, name } } } });

describe('a subscription field that calls Wix', () => {
  it('works 30 s after subscribing and never serves another event’s loader data', async () => {
    const shared = new SharedSubscriptions();
    const stream = await shared.subscribe({ schema, document, contextValue: createContext({ caller: OPEN_CALLER }) });
    if (!(Symbol.asyncIterator in stream)) throw new Error(`refused: ${JSON.stringify(stream)}`);

    ticks.push('s1');
    expect((await stream.next()).value).toEqual(named('s1', 'First'));
    laterAndRenamed();
    ticks.push('s2'); // a schedule not loaded before: a call to Wix, 30 s after subscribing
    expect((await stream.next()).value).toEqual(named('s2', 'Second'));
    ticks.push('s1'); // loaded by the first event: read again, not served from that event's loader
    expect((await stream.next()).value).toEqual(named('s1', 'Second'));
    expect(upstream.requests).toHaveLength(3);
    await stream.return?.();
  });

  it('does the same in shared execution, for every subscriber, on one execution per event', async () => {
    const shared = new SharedSubscriptions();
    const query = 'subscription { ticks { scheduleId schedule { id name } } }';
    const received: Array<ExecutionResult[]> = [[], []];
    const streams = [];
    for (const results of received) {
      const contextValue = createContext({ caller: OPEN_CALLER });
      shared.register(contextValue, query, undefined, undefined, { write: (result) => results.push(result) > 0 });
      streams.push(await shared.subscribe({ schema, document, contextValue }));
    }
    expect(shared.stats()).toEqual({ streams: 1, consumers: 2 });

    const nextEvent = async (count: number) => {
      await vi.waitFor(() => expect(received.map((results) => results.length)).toEqual([count, count]));
    };
    ticks.push('s1');
    await nextEvent(1);
    laterAndRenamed();
    ticks.push('s2');
    await nextEvent(2);
    ticks.push('s1');
    await nextEvent(3);
    for (const results of received) expect(results).toEqual([named('s1', 'First'), named('s2', 'Second'), named('s1', 'Second')]);
    expect(upstream.requests).toHaveLength(3);
    for (const stream of streams) if (Symbol.asyncIterator in stream) await stream.return?.();
  });
});
