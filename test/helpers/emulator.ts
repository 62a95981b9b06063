/**
 * Test helpers: a raw REST client for the emulator (like the gateway's, no SDK) and a webhook
 * receiver whose answers each test scripts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Emulator } from '../../src/emulator/index.js';

export interface WixResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** The error body of docs/wix-contract.md §4.3, both shapes. */
export interface WixErrorBody {
  message: string;
  details: {
    applicationError?: { code: string; description: string; data: Record<string, unknown> };
    validationError?: { fieldViolations: { field: string; description: string; violatedRule: string }[] };
  };
}

export type Auth = 'apiKey' | 'none' | { authorization: string; siteId?: string };

export interface CallOptions {
  body?: unknown;
  /** Sent as is, for malformed-body tests. */
  rawBody?: string;
  auth?: Auth;
  headers?: Record<string, string>;
}

export function authHeaders(emulator: Emulator, auth: Auth = 'apiKey'): Record<string, string> {
  if (auth === 'none') return {};
  if (auth === 'apiKey') return { authorization: emulator.apiKey, 'wix-site-id': emulator.siteId };
  return { authorization: auth.authorization, ...(auth.siteId !== undefined && { 'wix-site-id': auth.siteId }) };
}

/** One REST call; the JSON body is typed by the caller, since these tests assert on its shape. */
export async function call<T = unknown>(
  emulator: Emulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<WixResponse<T>> {
  const headers: Record<string, string> = { ...authHeaders(emulator, options.auth), ...options.headers };
  let payload: string | undefined = options.rawBody;
  if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${emulator.url}${path}`, { method, headers, body: payload, redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

export function applicationErrorCode(body: unknown): string | undefined {
  return (body as WixErrorBody).details.applicationError?.code;
}

export function violatedFields(body: unknown): string[] {
  return (body as WixErrorBody).details.validationError?.fieldViolations.map((violation) => violation.field) ?? [];
}

export interface ReceivedWebhook {
  contentType: string | undefined;
  body: string;
}

/** What the receiver does with the n-th request (0-based): answer a status, or never answer. */
export type Responder = (index: number) => number | 'hang';

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Resolves once `count` webhooks have arrived. */
  waitFor(count: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(respond: Responder = () => 200): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const waiters: { count: number; resolve: (items: ReceivedWebhook[]) => void }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const index = received.length;
      received.push({ contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
      for (const waiter of waiters.filter((candidate) => received.length >= candidate.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(received.slice());
      }
      const answer = respond(index);
      if (answer !== 'hang') res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/wix`,
    received,
    waitFor: (count) =>
      received.length >= count ? Promise.resolve(received.slice()) : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
