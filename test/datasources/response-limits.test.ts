import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fetchTransport,
  nodeTransport,
  UpstreamResponseTooLarge,
  type Transport,
  type TransportRequest,
} from '../../src/datasources/transport.js';
import { wixConnection } from '../helpers/fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const LIMIT = 1_024 * 1_024; // bytes the client may read in these tests
const CHUNK = Buffer.alloc(64 * 1_024, 'x');
const ENDLESS = 1_536 * 1_024 * 1_024; // 1.5 GiB: what the server would send if nobody stopped reading
/** A 64 MiB answer of zeros, gzipped to about 64 KiB. */
const BOMB = gzipSync(Buffer.alloc(64 * 1_024 * 1_024));

let server: Server;
let baseUrl: string;
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
/** Bytes the server managed to write of its last endless answer before the client went away. */
let written = 0;

/** Writes `total` bytes as fast as the client reads them, and stops when the connection closes. */
function endless(res: ServerResponse, total: number, headers: Record<string, string> = {}): void {
  written = 0;
  res.writeHead(200, { 'content-type': 'application/json', ...headers });
  let closed = false;
  res.on('close', () => (closed = true));
  const pump = () => {
    while (!closed && written < total) {
      written += CHUNK.length;
      if (!res.write(CHUNK)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!closed) res.end();
  };
  pump();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const GET: TransportRequest = { method: 'GET', path: '/things', headers: {}, body: undefined, timeoutMs: 30_000 };

describe.each<[string, (url: string) => Transport]>([
  ['Node HTTP', (url) => nodeTransport(url, LIMIT)],
  ['fetch', (url) => fetchTransport(url, fetch, LIMIT)],
])('answers from Wix are bounded (%s)', (_name, transportFor) => {
  it('abandons a 1.5 GiB body once it passes the limit, long before the server has sent it', async () => {
    answer = (_req, res) => endless(res, ENDLESS);
    const failure = await transportFor(baseUrl)(GET).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamResponseTooLarge);
    // The kernel's socket buffers take some more, but nowhere near the whole answer.
    expect(written).toBeLessThan(64 * 1_024 * 1_024);
  });

  it('refuses a body whose Content-Length is over the limit without reading it', async () => {
    answer = (_req, res) => endless(res, ENDLESS, { 'content-length': String(ENDLESS) });
    const failure = await transportFor(baseUrl)(GET).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamResponseTooLarge);
    expect(written).toBeLessThan(64 * 1_024 * 1_024);
  });

  it('stops inflating a gzip bomb at the limit', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(BOMB);
    };
    const failure = await transportFor(baseUrl)(GET).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamResponseTooLarge);
  });

  it('still reads an answer within the limit, compressed or not', async () => {
    const json = JSON.stringify({ pad: 'y'.repeat(LIMIT - 100) });
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(json));
    };
    expect((await transportFor(baseUrl)(GET)).text).toBe(json);
    answer = (_req, res) => res.end(json);
    expect((await transportFor(baseUrl)(GET)).text).toBe(json);
  });
});

describe('memory', () => {
  it('stays within 256 MiB of where it was while a 1 MB gzip bomb (1 GiB inflated) is refused', async () => {
    // 16 gzip members of 64 MiB of zeros each: one valid gzip stream of 1 GiB, about 1 MB on the wire.
    const bomb = Buffer.concat(Array.from({ length: 16 }, () => BOMB));
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(bomb);
    };
    const before = process.memoryUsage.rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
    try {
      const failure = await nodeTransport(baseUrl, 8 * 1_024 * 1_024)(GET).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(UpstreamResponseTooLarge);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage.rss());
    expect(peak - before).toBeLessThan(256 * 1_024 * 1_024);
  });
});

describe('a Wix answer over WIX_MAX_RESPONSE_BYTES, through the gateway', () => {
  let gateway: TestGateway;
  let calls = 0;
  beforeAll(async () => {
    gateway = await startTestGateway({ upstreamUrl: baseUrl, maxResponseBytes: LIMIT });
  });
  afterAll(() => gateway.close());

  it('fails the call as UPSTREAM_INVALID_RESPONSE, once, without retrying it', async () => {
    calls = 0;
    answer = (_req, res) => {
      calls += 1;
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(BOMB);
    };
    const bomb = await gateway.graphql('{ connection(id: "c1") { id } }');
    expect(bomb.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_INVALID_RESPONSE']);
    expect(calls).toBe(1);
    answer = (_req, res) => endless(res, ENDLESS);
    const huge = await gateway.graphql('{ connection(id: "c1") { id } }');
    expect(huge.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_INVALID_RESPONSE']);
    answer = (_req, res) => res.end(JSON.stringify({ connection: wixConnection('c1', 's1') }));
    expect((await gateway.graphql('{ connection(id: "c1") { id } }')).data).toEqual({ connection: { id: 'c1' } });
  });
});
