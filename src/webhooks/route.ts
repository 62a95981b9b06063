import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Request, type Response, type Router } from 'express';
import { ErrorCode } from '../infra/errors.js';
import { BODY_TOO_LARGE, BODY_UNREADABLE, INTERNAL_ERROR, graphQLStyleErrorBody } from '../http/errors.js';
import { createWebhookIngest, type WebhookAnswer, type WebhookIngestOptions } from './ingest.js';

export const WEBHOOK_PATH = '/webhooks/wix';
export const WEBHOOK_BODY_LIMIT = 1_024 * 1_024; // bytes: a schedule event is a few KiB

/** How long a webhook body may take to arrive once its headers have: Wix sends a few KiB at once. */
export const WEBHOOK_BODY_TIMEOUT_MS = 10_000;

export interface WebhookRouteOptions extends WebhookIngestOptions {
  /** Default WEBHOOK_BODY_TIMEOUT_MS; past it the request is answered 408 and its connection closed. */
  bodyTimeoutMs?: number;
}

/** The gateway's JSON error bodies for a body that cannot be read (as `httpErrorHandler` writes them). */
const TOO_LARGE: WebhookAnswer = { status: 413, body: graphQLStyleErrorBody(BODY_TOO_LARGE, ErrorCode.BAD_REQUEST) };
const UNREADABLE: WebhookAnswer = { status: 400, body: graphQLStyleErrorBody(BODY_UNREADABLE, ErrorCode.BAD_REQUEST) };
const TIMED_OUT: WebhookAnswer = {
  status: 408,
  body: graphQLStyleErrorBody('The request body did not arrive in time.', ErrorCode.BAD_REQUEST),
};
const INTERNAL: WebhookAnswer = { status: 500, body: graphQLStyleErrorBody(INTERNAL_ERROR, ErrorCode.INTERNAL_SERVER_ERROR) };

export interface WebhookEndpoint {
  /**
   * Takes `POST /webhooks/wix` straight off the HTTP server, before express: reads the raw body
   * (up to WEBHOOK_BODY_LIMIT) and answers it. Returns false, having touched nothing, for any other
   * request, and for a compressed body, which the express route inflates.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /**
   * The same webhook as an express route: what `handle` leaves, i.e. the same path in other case or
   * with a trailing slash (express matches those) and bodies with a Content-Encoding.
   */
  router: Router;
}

/**
 * `POST /webhooks/wix`: the raw body → the webhook ingest (verify, parse, event bus) → its answer.
 * The body is read as bytes whatever the Content-Type says.
 */
export function webhookEndpoint(options: WebhookRouteOptions): WebhookEndpoint {
  const ingest = createWebhookIngest(options);
  const logger = options.logger;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? WEBHOOK_BODY_TIMEOUT_MS;

  const router = express.Router();
  router.post(WEBHOOK_PATH, express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req: Request, res: Response) => {
    const body: unknown = req.body;
    const { status, body: json } = await ingest(Buffer.isBuffer(body) ? body : undefined, req.get('x-request-id'));
    res.status(status).type('application/json').send(json);
  });

  const handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    const query = url.indexOf('?');
    if ((query === -1 ? url : url.slice(0, query)) !== WEBHOOK_PATH) return false;
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;

    readBody(req, WEBHOOK_BODY_LIMIT, bodyTimeoutMs, (failure, body) => {
      if (failure === TIMED_OUT) {
        // The rest of the body is not waited for: the connection is closed once the 408 is out.
        logger.info({ status: 408, timeoutMs: bodyTimeoutMs }, 'webhook body did not arrive in time');
        res.shouldKeepAlive = false;
      }
      if (failure) {
        send(res, failure);
        return;
      }
      const offeredId = req.headers['x-request-id'];
      ingest(body, typeof offeredId === 'string' ? offeredId : undefined).then(
        (answer) => send(res, answer),
        (error: unknown) => {
          logger.error({ err: error }, 'webhook handling failed');
          send(res, INTERNAL);
        },
      );
    });
    return true;
  };

  return { handle, router };
}

/** One write: status, the two headers a JSON answer needs, the body. */
function send(res: ServerResponse, { status, body }: WebhookAnswer): void {
  if (res.destroyed) return;
  res.writeHead(status, ['content-type', 'application/json; charset=utf-8', 'content-length', String(Buffer.byteLength(body))]);
  res.end(body);
}

/**
 * The whole body, as body-parser's raw parser reads it: a declared or received length past `limit`
 * is a 413, a body shorter or longer than its Content-Length a 400, and either is answered only once
 * the rest of the request has been read off (so the connection stays usable). A body that has not
 * arrived within `timeoutMs` is a 408 at once: a slow sender holds nothing longer than that. Nothing
 * is answered to a request whose client went away.
 */
function readBody(
  req: IncomingMessage,
  limit: number,
  timeoutMs: number,
  done: (failure: WebhookAnswer | undefined, body: Buffer) => void,
): void {
  const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  let finished = false;
  const finish = (failure: WebhookAnswer | undefined, body: Buffer) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    done(failure, body);
  };
  const stopReading = () => {
    req.removeListener('data', onData);
    req.removeListener('end', onEnd);
  };
  const fail = (failure: WebhookAnswer) => {
    stopReading();
    if (req.complete) finish(failure, EMPTY);
    else {
      req.once('end', () => finish(failure, EMPTY));
      req.resume();
    }
  };
  const timer = setTimeout(() => {
    stopReading();
    finish(TIMED_OUT, EMPTY);
  }, timeoutMs);
  if (declared !== undefined && declared > limit) {
    fail(TOO_LARGE);
    return;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  function onData(chunk: Buffer): void {
    received += chunk.length;
    if (received > limit) fail(TOO_LARGE);
    else chunks.push(chunk);
  }
  function onEnd(): void {
    if (declared !== undefined && received !== declared) {
      finish(UNREADABLE, EMPTY);
      return;
    }
    finish(undefined, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received));
  }
  req.on('data', onData);
  req.on('end', onEnd);
}

const EMPTY = Buffer.alloc(0);
