import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppInstanceCredentials, AppTokenProvider } from '../../src/datasources/app-tokens.js';
import { startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../helpers/fake-upstream.js';
import { wixConnection } from '../helpers/fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const INSTANCE = 'aaaaaaaa-0000-4000-8000-00000000000a';
const READ = '{ connection(id: "c1") { id } }';

let upstream: FakeUpstream;
let gateway: TestGateway;
let issued: number;
/** The tokens Wix still honours: one it revokes before its expiry is taken out. */
let honoured: Set<string>;

/** Refusals held back until this many have arrived, so that the calls are refused at the same time. */
let refuseTogether = 1;
let heldRefusals: Array<() => void> = [];

/** Wix in app mode: `/oauth2/token` issues token-1, token-2, …; the API answers 401 to any token not honoured. */
async function wix(request: RecordedRequest) {
  if (request.path === '/oauth2/token') {
    issued += 1;
    honoured.add(`token-${issued}`);
    return { body: { access_token: `token-${issued}`, expires_in: 14_400 } };
  }
  if (!honoured.has(String(request.headers.authorization))) {
    await new Promise<void>((release) => {
      heldRefusals.push(release);
      if (heldRefusals.length >= refuseTogether) for (const held of heldRefusals.splice(0)) held();
    });
    return { status: 401, body: { message: 'Invalid token' } };
  }
  return { body: { connection: wixConnection('c1', 's1') } };
}

const apiCalls = () => upstream.requests.filter((request) => request.path !== '/oauth2/token');
const tokenCalls = () => upstream.requests.filter((request) => request.path === '/oauth2/token');

beforeAll(async () => {
  upstream = await startFakeUpstream(wix);
  const tokens = new AppTokenProvider({ baseUrl: upstream.url, appId: 'app', appSecret: 'secret', timeoutMs: 1_000 });
  gateway = await startTestGateway({ upstreamUrl: upstream.url, credentialsFor: () => new AppInstanceCredentials(tokens, INSTANCE) });
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});
beforeEach(() => {
  refuseTogether = 1;
  heldRefusals = [];
  issued = 0;
  honoured = new Set();
  upstream.requests.length = 0;
});

describe('app mode: a token Wix refuses before its expiry', () => {
  it('is dropped, a new one fetched once for every refused call at once, and each call repeated once', async () => {
    expect((await gateway.graphql(READ)).data).toEqual({ connection: { id: 'c1' } });
    honoured.clear(); // Wix revokes token-1 (say, the app was reinstalled): it has hours left by its expiry.
    upstream.requests.length = 0;
    refuseTogether = 5;

    const results = await Promise.all(Array.from({ length: 5 }, () => gateway.graphql(READ)));

    for (const result of results) {
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ connection: { id: 'c1' } });
    }
    expect(tokenCalls()).toHaveLength(1);
    expect(apiCalls().map((call) => call.headers.authorization)).toEqual([...Array(5).fill('token-1'), ...Array(5).fill('token-2')]);
    // The fresh token is kept: the next call uses it without asking again.
    upstream.requests.length = 0;
    await gateway.graphql(READ);
    expect(upstream.requests.map((call) => [call.path, call.headers.authorization])).toEqual([
      ['/bookings/v2/external-calendars/connections/c1', 'token-2'],
    ]);
  });

  it('repeats a call only once: a fresh token refused too is UPSTREAM_UNAUTHENTICATED', async () => {
    upstream.handle(async (request) =>
      request.path === '/oauth2/token' ? wix(request) : { status: 401, body: { message: 'Invalid token' } },
    );
    try {
      const result = await gateway.graphql(READ);
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['UPSTREAM_UNAUTHENTICATED']);
      expect(apiCalls()).toHaveLength(2);
    } finally {
      upstream.handle(wix);
    }
  });
});
