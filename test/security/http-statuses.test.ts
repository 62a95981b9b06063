import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { LOGGED_TEXT_MAX } from '../../src/infra/logger.js';
import { captureLogs } from '../helpers/log-capture.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { wixSchedule } from '../helpers/fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { connect, subscribe } from '../helpers/ws-client.js';
import { testKeys } from '../helpers/webhooks.js';

const SECRET = 'a-caller-secret-of-at-least-32-characters';
const MUTATION = 'mutation { cancelSchedule(id: "s1") { schedule { id } userErrors { code } } }';

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream(() => ({ body: { schedule: wixSchedule('s1') } }));
});
afterAll(() => upstream.close());

const readerToken = () =>
  new SignJWT({ instanceId: 'tenant-a', roles: [] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('reader')
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));

describe('a mutation without the write role', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({
      upstreamUrl: upstream.url,
      authenticator: createAuthenticator({ kind: 'jwt', secret: SECRET, tenantClaim: 'instanceId' }),
    });
  });
  afterAll(() => gateway.close());

  it('answers HTTP 403 FORBIDDEN, and nothing is sent to Wix', async () => {
    upstream.requests.length = 0;
    const result = await gateway.graphql(MUTATION, undefined, { authorization: `Bearer ${await readerToken()}` });
    expect(result.status).toBe(403);
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(result.errors)).not.toContain('"http"');
    expect(upstream.requests).toHaveLength(0);
  });

  it('is FORBIDDEN over WebSocket too, with no HTTP detail in the error', async () => {
    const client = connect(gateway.wsUrl, { connectionParams: { authorization: `Bearer ${await readerToken()}` } });
    const result = await subscribe(client, MUTATION).next();
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(result.errors)).not.toContain('"http"');
    await client.dispose();
  });
});

describe('AUTH_JWKS_URL down or hanging', () => {
  let hanging: Server;
  let hangingUrl: string;
  let broken: Server;
  let brokenUrl: string;
  const gateways: TestGateway[] = [];
  let rsaToken: string;

  beforeAll(async () => {
    hanging = createServer(() => {}); // accepts, never answers
    broken = createServer((_req, res) => res.writeHead(500).end('down'));
    for (const server of [hanging, broken]) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/jwks.json`;
    brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}/jwks.json`;
    const { privateKey } = await testKeys();
    rsaToken = await new SignJWT({ instanceId: 'tenant-a' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setExpirationTime('1h')
      .sign(privateKey);
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    for (const server of [hanging, broken]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  const gatewayFor = async (jwksUrl: string) => {
    const gateway = await startTestGateway({
      upstreamUrl: upstream.url,
      authenticator: createAuthenticator({ kind: 'jwt', jwksUrl, jwksTimeoutMs: 200, tenantClaim: 'instanceId' }),
    });
    gateways.push(gateway);
    return gateway;
  };

  it.each([
    ['hangs', () => hangingUrl],
    ['answers 500', () => brokenUrl],
    ['refuses connections', () => 'http://127.0.0.1:9/jwks.json'],
  ])('answers 503 AUTH_UNAVAILABLE with Retry-After when the JWKS %s, not 401', async (_what, url) => {
    const gateway = await gatewayFor(url());
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${rsaToken}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).not.toBeNull();
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['AUTH_UNAVAILABLE']);
  });

  it('still answers 401 when the JWKS answers but holds no key for the token', async () => {
    const empty = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}'));
    await new Promise<void>((resolve) => empty.listen(0, '127.0.0.1', resolve));
    try {
      const gateway = await gatewayFor(`http://127.0.0.1:${(empty.address() as AddressInfo).port}/jwks.json`);
      const result = await gateway.graphql('{ __typename }', undefined, { authorization: `Bearer ${rsaToken}` });
      expect(result.status).toBe(401);
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    } finally {
      empty.closeAllConnections();
      await new Promise((resolve) => empty.close(resolve));
    }
  });

  it('closes a socket with 1013 (try again later), not 4403, when the JWKS hangs', async () => {
    const gateway = await gatewayFor(hangingUrl);
    const socket = new WebSocket(gateway.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${rsaToken}` } }));
    const [code] = await new Promise<[number, Buffer]>((resolve) => socket.once('close', (...args) => resolve(args)));
    expect(code).toBe(1_013);
  });
});

describe('requests a client got wrong, answered cleanly', () => {
  let gateway: TestGateway;
  const logs = captureLogs('info');
  beforeAll(async () => {
    gateway = await startTestGateway({ upstreamUrl: upstream.url, logger: logs.logger });
  });
  afterAll(() => gateway.close());

  it('answers a persisted-query hash that does not match its query with a clear 400, and logs no stack trace', async () => {
    logs.lines.length = 0;
    const query = '{ __typename }';
    const wrongHash = createHash('sha256').update('something else').digest('hex');
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash: wrongHash } } }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['BAD_REQUEST']);
    expect(body.errors[0]?.message).toMatch(/hash|sha/i);
    expect(logs.lines.join('\n')).not.toMatch(/"stack"| {4}at /);
    expect(logs.records().filter((line) => Number(line.level) >= 50)).toEqual([]);
  });

  it('cuts a 900 KB operation name in the log line', async () => {
    logs.lines.length = 0;
    const name = `Op${'x'.repeat(900 * 1_024)}`;
    const result = await gateway.graphql(`query ${name} { __typename }`);
    expect(result.data).toEqual({ __typename: 'Query' });
    const line = logs.records().find((record) => record.msg === 'graphql operation');
    expect(String(line?.operationName).length).toBeLessThan(LOGGED_TEXT_MAX + 50);
    expect(String(line?.operationName)).toMatch(/^Opxxx/);
    expect(logs.lines.every((text) => text.length < 10_000)).toBe(true);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain('operation_name="other"');
    expect(metrics).not.toContain('x'.repeat(100));
  });
});
