import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, type ZlibOptions } from 'node:zlib';

/** One HTTP exchange with Wix, as the client hands it over. */
export interface TransportRequest {
  method: string;
  /** Path and query string, appended to the base URL. */
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** The whole exchange, from connecting to the last byte of the body. */
  timeoutMs: number;
}

/** Largest answer read from Wix by default, before and after decompression: a page of 1,000 events is about 1 MB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1_024 * 1_024;

export interface TransportResponse {
  status: number;
  /** The body as text (decompressed, UTF-8). */
  text: string;
  header(name: string): string | null;
}

/**
 * Sends one request and reads the whole answer, whatever its status. Rejects with an
 * `UpstreamTimeout` when `timeoutMs` passes first, or with the network error (its `code`, or its
 * `cause.code` with fetch, says which: ECONNREFUSED, ECONNRESET…).
 */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** The exchange took longer than it may; named as fetch names its own timeouts. */
export class UpstreamTimeout extends Error {
  override name = 'TimeoutError';
  constructor(timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
  }
}

/**
 * The answer is larger than the gateway reads (as sent, or once decompressed): the read is
 * abandoned at the limit, so a huge body or a compression bomb costs at most that much memory.
 */
export class UpstreamResponseTooLarge extends Error {
  override name = 'UpstreamResponseTooLarge';
  constructor(readonly maxBytes: number) {
    super(`the answer is larger than ${maxBytes} bytes`);
  }
}

/** What Node's fetch asks for, so Wix's answers travel as they did. */
const ACCEPT_ENCODING = 'gzip, deflate';
type Decompress = (body: Buffer, options: ZlibOptions) => Promise<Buffer>;
const decompressors: Record<string, Decompress> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/**
 * Connections to Wix are kept alive and shared by every operation (a client lives for one
 * operation only). An idle connection is closed after 4 s, as fetch (undici) closes its own, or
 * earlier when the server announces a shorter keep-alive timeout: fewer calls meet a connection
 * the server is just closing.
 */
const IDLE_CONNECTION_MS = 4_000;
const AGENT_OPTIONS = { keepAlive: true, timeout: IDLE_CONNECTION_MS };
const agents = { http: new HttpAgent(AGENT_OPTIONS), https: new HttpsAgent(AGENT_OPTIONS) };

/**
 * Node's own HTTP client on kept-alive connections: per call it costs a fraction of `fetch`, which
 * builds WHATWG requests, responses, header lists and body streams around the same exchange.
 */
export function nodeTransport(baseUrl: string, maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES): Transport {
  const url = new URL(baseUrl);
  const secure = url.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  const target: RequestOptions = {
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port || (secure ? 443 : 80),
    agent: secure ? agents.https : agents.http,
  };
  const basePath = url.pathname.replace(/\/+$/, '');
  return ({ method, path, headers, body, timeoutMs }) =>
    new Promise<TransportResponse>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      const request = send({
        ...target,
        method,
        path: `${basePath}${path}`,
        headers: {
          ...headers,
          'accept-encoding': ACCEPT_ENCODING,
          ...(body !== undefined && { 'content-length': String(Buffer.byteLength(body)) }),
        },
      });
      const timer = setTimeout(() => {
        fail(new UpstreamTimeout(timeoutMs));
        request.destroy();
      }, timeoutMs);
      request.on('error', fail);
      const tooLarge = () => {
        fail(new UpstreamResponseTooLarge(maxResponseBytes));
        request.destroy();
      };
      request.on('response', (response: IncomingMessage) => {
        if (Number(response.headers['content-length'] ?? 0) > maxResponseBytes) {
          tooLarge();
          return;
        }
        const chunks: Buffer[] = [];
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxResponseBytes) tooLarge();
          else chunks.push(chunk);
        });
        response.on('error', fail);
        response.on('close', () => {
          if (!response.complete)
            fail(Object.assign(new Error('the connection closed before the answer was complete'), { code: 'ECONNRESET' }));
        });
        response.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          decode(response, Buffer.concat(chunks), maxResponseBytes).then((text) => {
            resolve({ status: response.statusCode ?? 0, text, header: (name) => headerOf(response, name) });
          }, reject);
        });
      });
      request.end(body);
    });
}

/** The transport for a base URL: through `fetchImpl` when one is handed in, Node's HTTP client otherwise. */
export function transportFor(baseUrl: string, fetchImpl?: typeof fetch, maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES): Transport {
  const base = baseUrl.replace(/\/+$/, '');
  return fetchImpl ? fetchTransport(base, fetchImpl, maxResponseBytes) : nodeTransport(base, maxResponseBytes);
}

/** The standard `fetch` (or one handed in), for tests and special set-ups. */
export function fetchTransport(baseUrl: string, fetchImpl: typeof fetch, maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES): Transport {
  return async ({ method, path, headers, body, timeoutMs }) => {
    const response = await fetchImpl(`${baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
    const text = await readLimited(response, maxResponseBytes);
    return { status: response.status, text, header: (name) => response.headers.get(name) };
  };
}

/** The (decompressed) body as text, given up as soon as it passes `maxBytes`. */
async function readLimited(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body.cancel();
    throw new UpstreamResponseTooLarge(maxBytes);
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    // Node's fetch reads bytes; its stream types are untyped here.
    const { done, value } = (await reader.read()) as { done: boolean; value?: Uint8Array };
    if (done || !value) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      throw new UpstreamResponseTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

async function decode(response: IncomingMessage, body: Buffer, maxBytes: number): Promise<string> {
  // An encoding it does not know leaves the body as it came, as fetch does.
  const decompress = decompressors[response.headers['content-encoding']?.trim().toLowerCase() ?? ''];
  let plain = body;
  if (decompress) {
    try {
      // zlib stops inflating once the output would pass the limit: a bomb never grows past it.
      plain = await decompress(body, { maxOutputLength: maxBytes });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new UpstreamResponseTooLarge(maxBytes);
      throw error;
    }
  }
  const text = plain.toString('utf8');
  // A byte-order mark is not JSON; fetch's text() drops it too.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function headerOf(response: IncomingMessage, name: string): string | null {
  const value = response.headers[name.toLowerCase()];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}
