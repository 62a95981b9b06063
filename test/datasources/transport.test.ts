import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { z } from 'zod';
import {
  fetchTransport,
  nodeTransport,
  transportFor,
  UpstreamTimeout,
  type Transport,
  type TransportRequest,
} from '../../src/datasources/transport.js';
import { UpstreamGuard } from '../../src/datasources/resilience.js';
import { ApiKeyCredentials, WixHttpClient } from '../../src/datasources/wix-http.js';
import { createMetrics } from '../../src/infra/metrics.js';
import { unlimitedAccess } from '../helpers/upstream.js';
import { ErrorCode, GatewayError } from '../../src/infra/errors.js';

/** A tiny upstream whose answer each test scripts; it records what arrived. */
let server: Server;
let baseUrl: string;
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
const received: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      answer(req, res);
    });
  });
  // Longer than the client's own idle timeout, so that the client is the one to close.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/base`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const GET: TransportRequest = {
  method: 'GET',
  path: '/things?a=1',
  headers: { accept: 'application/json' },
  body: undefined,
  timeoutMs: 1_000,
};

describe.each<[string, (url: string) => Transport]>([
  ['Node HTTP on kept-alive connections', (url) => nodeTransport(url)],
  ['fetch', (url) => fetchTransport(url, fetch)],
])('the upstream transport: %s', (_name, transportFor) => {
  it('sends the method, path under the base URL, headers and body, and reads status, headers and text', async () => {
    received.length = 0;
    answer = (_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'retry-after': '3' });
      res.end('{"ok":"é"}');
    };
    const response = await transportFor(baseUrl)({
      method: 'PATCH',
      path: '/things/1',
      headers: { 'content-type': 'application/json', authorization: 'key' },
      body: '{"name":"ü"}',
      timeoutMs: 1_000,
    });
    expect(response.status).toBe(201);
    expect(response.text).toBe('{"ok":"é"}');
    expect(response.header('Retry-After')).toBe('3');
    expect(response.header('x-missing')).toBeNull();
    expect(received).toMatchObject([
      {
        method: 'PATCH',
        url: '/base/things/1',
        body: '{"name":"ü"}',
        headers: { authorization: 'key', 'content-type': 'application/json' },
      },
    ]);
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
  ] as const)('reads an answer compressed with %s', async (encoding, compress) => {
    answer = (req, res) => {
      expect(req.headers['accept-encoding']).toContain(encoding);
      res.writeHead(200, { 'content-encoding': encoding });
      res.end(compress(Buffer.from('{"big":"' + 'x'.repeat(10_000) + '"}')));
    };
    const response = await transportFor(baseUrl)(GET);
    expect(JSON.parse(response.text)).toEqual({ big: 'x'.repeat(10_000) });
  });

  it('drops a byte-order mark', async () => {
    answer = (_req, res) => res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]));
    expect((await transportFor(baseUrl)(GET)).text).toBe('{}');
  });

  it('gives up with a TimeoutError when the answer does not complete in time, even after its first bytes', async () => {
    answer = (_req, res) => {
      res.writeHead(200);
      res.write('{"slow":');
    };
    const started = Date.now();
    const failure = await transportFor(baseUrl)({ ...GET, timeoutMs: 200 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('fails with the network error when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const failure = (await transportFor(`http://127.0.0.1:${port}`)(GET).catch((error: unknown) => error)) as Error & {
      code?: string;
      cause?: { code?: string };
    };
    expect(failure.code ?? failure.cause?.code).toBe('ECONNREFUSED');
  });

  it('fails when the connection closes before the answer is complete', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"cut":');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const failure = await transportFor(baseUrl)(GET).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).name).not.toBe('TimeoutError');
  });
});

describe('Node HTTP transport', () => {
  it('reuses one kept-alive connection for calls one after the other', async () => {
    answer = (_req, res) => res.end('{}');
    const transport = nodeTransport(baseUrl);
    const sockets = new Set<string>();
    const remember = (req: IncomingMessage) => sockets.add(`${req.socket.remotePort}`);
    server.on('request', remember);
    try {
      for (let i = 0; i < 5; i += 1) await transport(GET);
    } finally {
      server.off('request', remember);
    }
    expect(sockets.size).toBe(1);
  });

  it('closes a connection that stayed idle for 4 s, as fetch does', async () => {
    answer = (_req, res) => res.end('{}');
    let socketClosed: Promise<number> | undefined;
    server.once('request', (req: IncomingMessage) => {
      socketClosed = new Promise((resolve) => req.socket.once('close', () => resolve(Date.now())));
    });
    await nodeTransport(baseUrl)(GET);
    const answeredAt = Date.now();
    const closedAt = await socketClosed;
    expect((closedAt ?? 0) - answeredAt).toBeGreaterThanOrEqual(3_500);
    expect((closedAt ?? 0) - answeredAt).toBeLessThan(5_000);
  }, 10_000);

  it('names its timeout as fetch does', () => {
    expect(new UpstreamTimeout(5).name).toBe('TimeoutError');
  });
});

describe('the Wix client', () => {
  const RESILIENCE = {
    timeoutMs: 1_000,
    maxAttempts: 1,
    breakerFailureRatio: 0.5,
    breakerWindowMs: 10_000,
    breakerMinCalls: 1_000,
    breakerHalfOpenMs: 10_000,
    deadlineMs: 5_000,
  };
  const clientWith = (fetchImpl?: typeof fetch) =>
    new WixHttpClient({
      transport: transportFor(`${baseUrl}/`, fetchImpl),
      credentials: new ApiKeyCredentials('key', 'site'),
      guard: new UpstreamGuard(RESILIENCE, pino({ level: 'silent' })),
      metrics: createMetrics(),
      deadline: Date.now() + RESILIENCE.deadlineMs,
      logger: pino({ level: 'silent' }),
      access: unlimitedAccess(),
    });
  const request = { endpoint: 'things.get', method: 'GET', path: '/things', query: { ids: ['a', 'b'] } } as const;

  it('calls Wix over Node HTTP unless it is handed a fetch', async () => {
    received.length = 0;
    answer = (_req, res) => res.end('{"n":1}');
    expect(await clientWith().call(z.object({ n: z.number() }), request)).toEqual({ n: 1 });
    expect(received).toMatchObject([
      { url: '/base/things?ids=a&ids=b', headers: { authorization: 'key', 'wix-site-id': 'site', accept: 'application/json' } },
    ]);
  });

  it('answers a body its Content-Encoding cannot decode with a gateway error, not a raw zlib one', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end('this is not gzip');
    };
    const failure = await clientWith()
      .call(z.object({ n: z.number() }), request)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(GatewayError);
    expect((failure as GatewayError).extensions.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
  });

  it('calls Wix through the fetch it is handed', async () => {
    const urls: string[] = [];
    const spy: typeof fetch = (input, init) => {
      urls.push(input instanceof Request ? input.url : input.toString());
      return fetch(input, init);
    };
    answer = (_req, res) => res.end('{"n":2}');
    expect(await clientWith(spy).call(z.object({ n: z.number() }), request)).toEqual({ n: 2 });
    expect(urls).toEqual([`${baseUrl}/things?ids=a&ids=b`]);
  });
});
