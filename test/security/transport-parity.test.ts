import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { TRANSPORTS, runOnce, runner } from '../helpers/transports.js';

let upstream: FakeUpstream;
/** Introspection off, as in production. */
let closed: TestGateway;
/** Introspection on, as in development. */
let open: TestGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream(() => ({ body: { events: [], pagingMetadata: { hasNext: false } } }));
  closed = await startTestGateway({ upstreamUrl: upstream.url, sandbox: false, introspection: false });
  open = await startTestGateway({ upstreamUrl: upstream.url });
});
afterAll(async () => {
  await closed.close();
  await open.close();
  await upstream.close();
});
beforeEach(() => {
  upstream.requests.length = 0;
});

/** One page of events: with `first: 1000` it costs 19,625, over the default LIMIT_COST of 5,000. */
const EVENTS_BY_VARIABLE = `query Events($n: Int) {
  externalEvents(filter: { from: "2026-12-01T00:00:00Z", to: "2026-12-08T00:00:00Z" }, first: $n) { edges { node { title start end } } }
}`;
const eventsByLiteral = (n: number) => EVENTS_BY_VARIABLE.replace('($n: Int)', '').replace('$n', String(n));

describe.each(TRANSPORTS)('over %s', (transport) => {
  describe('introspection follows INTROSPECTION', () => {
    it('refuses __schema and __type when it is off', async () => {
      for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Query") { fields { name } } }']) {
        const result = await runOnce(transport, closed, query);
        expect(result.data ?? undefined).toBeUndefined();
        expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
        expect(result.errors?.[0]?.message).toMatch(/introspection/i);
      }
    });

    it('answers __schema when it is on', async () => {
      const result = await runOnce(transport, open, '{ __schema { queryType { name } } }');
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    });
  });

  describe('"Did you mean" suggestions follow INTROSPECTION', () => {
    it('names no field of the schema when introspection is off', async () => {
      const result = await runOnce(transport, closed, '{ schedul(id: "x") { id } connection(id: "y") { statu } }');
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_VALIDATION_FAILED']);
      expect(result.errors?.map((error) => error.message)).toEqual([
        'Cannot query field "schedul" on type "Query".',
        'Cannot query field "statu" on type "Connection".',
      ]);
    });

    it('answers a variable of the wrong value with BAD_USER_INPUT naming no enum value when introspection is off', async () => {
      const query = 'query($s: [ScheduleStatus!]) { schedules(filter: { statuses: $s }) { edges { cursor } } }';
      const result = await runOnce(transport, closed, query, { s: ['ACTIV'] });
      expect(result.errors).toEqual([
        {
          message: 'Variable "$s" got invalid value "ACTIV" at "s[0]"; Value "ACTIV" does not exist in "ScheduleStatus" enum.',
          locations: [{ line: 1, column: 7 }],
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ]);
      expect(upstream.requests).toHaveLength(0);
    });

    it('suggests when introspection is on', async () => {
      const result = await runOnce(transport, open, '{ schedul(id: "x") { id } }');
      expect(result.errors?.[0]?.message).toMatch(/Did you mean "schedule"/);
    });
  });

  describe('cost is computed with the variables’ values', () => {
    it('refuses first: $n with n = 1000 exactly as first: 1000, before any upstream call', async () => {
      const byLiteral = await runOnce(transport, open, eventsByLiteral(1_000));
      const byVariable = await runOnce(transport, open, EVENTS_BY_VARIABLE, { n: 1_000 });
      for (const result of [byLiteral, byVariable]) {
        expect(result.errors).toEqual([
          { message: 'Query cost limit of 5000 exceeded, found 19625.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
        ]);
      }
      expect(upstream.requests).toHaveLength(0);
    });

    it('counts a variable’s default value when none is sent', async () => {
      const result = await runOnce(transport, open, EVENTS_BY_VARIABLE.replace('$n: Int', '$n: Int = 1000'));
      expect(result.errors?.[0]?.message).toBe('Query cost limit of 5000 exceeded, found 19625.');
      expect(upstream.requests).toHaveLength(0);
    });

    it('runs the same page with n = 100 (cost 1,962.5)', async () => {
      const result = await runOnce(transport, open, EVENTS_BY_VARIABLE, { n: 100 });
      expect(result.errors).toBeUndefined();
      expect(upstream.requests).toHaveLength(1);
    });

    it('refuses 30 aliases of a cheap page whose size comes from a variable', async () => {
      const aliases = Array.from(
        { length: 30 },
        (_, i) =>
          `e${i}: externalEvents(filter: { from: "2026-12-01T00:00:00Z", to: "2026-12-08T00:00:00Z" }, first: $n) { edges { cursor } }`,
      );
      const result = await runOnce(transport, open, `query($n: Int) { ${aliases.join(' ')} }`, { n: 1_000 });
      expect(result.errors?.[0]?.message).toMatch(/^Query cost limit of 5000 exceeded/);
      expect(upstream.requests).toHaveLength(0);
    });
  });

  describe('the rate limit is one budget per caller over HTTP and WebSocket', () => {
    it('refuses the operation past the budget, half of it spent over the other transport', async () => {
      const limited = await startTestGateway({ upstreamUrl: upstream.url, limits: { ratePerMinute: 4 } });
      const other = runner(transport === 'http' ? 'ws' : 'http', limited);
      const here = runner(transport, limited);
      try {
        for (let i = 0; i < 2; i += 1) expect((await other.run('{ __typename }')).errors).toBeUndefined();
        for (let i = 0; i < 2; i += 1) expect((await here.run('{ __typename }')).errors).toBeUndefined();
        const refused = await here.run('{ __typename }');
        expect(refused.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
        expect(refused.errors?.[0]?.message).toMatch(/^Too many requests: retry in \d+ s\.$/);
        expect((await other.run('{ __typename }')).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      } finally {
        await here.close();
        await other.close();
        await limited.close();
      }
    });
  });
});
