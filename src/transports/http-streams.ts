import { once } from 'node:events';
import { GraphQLError, OperationTypeNode, execute, getOperationAST, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Caller } from '../auth/caller.js';
import type { ContextFactory } from '../graphql/context.js';
import { callerKey } from '../http/auth.js';
import { graphQLStyleErrorBody } from '../http/errors.js';
import { ErrorCode, GatewayError } from '../infra/errors.js';
import type { Metrics } from '../infra/metrics.js';
import { checkOperation, type OperationRequest } from './operation-gate.js';
import { finishResult } from './results.js';
import { isShareable } from './shared-subscriptions.js';
import { WriteBudget } from './socket-limits.js';
import type { StreamingParts } from './websocket.js';

/**
 * Subscriptions over plain HTTP responses, for clients that do not open a WebSocket:
 *
 * - **GraphQL over SSE** on `/graphql/stream` (graphql-sse's "distinct connections" mode: one
 *   `text/event-stream` response per operation, `next` events then `complete`);
 * - **Apollo's multipart HTTP subscription protocol** on `POST /graphql` (what Apollo Client's
 *   `HttpLink` sends for a subscription: `Accept: multipart/mixed;subscriptionSpec=1.0`; each result a
 *   part `{"payload": …}`, heartbeats `{}`, the closing boundary at the end).
 *
 * Both are one code path with the WebSocket transport where it matters: the same operation gate
 * (auth, document limits, rights, cost), the same tenant filter and bus (resume with `since`),
 * shared execution for identical subscriptions, a fresh context per event. Written here rather than
 * with graphql-sse's own handler because that handler queues events without bound for a client that
 * stops reading; here a response's unsent bytes count as its backlog, and a stream past
 * `maxBufferedBytes` (or whose events pile up on the bus past `WS_MAX_QUEUED_EVENTS`) is ended with
 * SLOW_CONSUMER, as a WebSocket is closed.
 */
export interface HttpStreamOptions {
  schema: GraphQLSchema;
  createContext: ContextFactory;
  parts: StreamingParts;
  logger: Logger;
  metrics: Metrics;
  maxCost: number;
  /** Streams one caller may hold open at once on this instance; 0: no limit. */
  maxStreamsPerCaller: number;
  /** Bytes one response may have unsent (plus events queued for it) before it counts as too slow. */
  maxBufferedBytes: number;
  sharedExecution: boolean;
  /** Who is asking: set by the HTTP authentication middleware. */
  callerOf: (res: Response) => Caller | undefined;
  /** Interval of SSE keep-alive comments (graphql-sse's own: 12 s). */
  sseKeepAliveMs?: number;
  /** Interval of multipart heartbeats (Apollo's protocol: 5 s). */
  multipartHeartbeatMs?: number;
}

export interface HttpStreams {
  /** `GET`/`POST /graphql/stream`: GraphQL over SSE (every operation type, subscriptions streamed). */
  sse: RequestHandler;
  /**
   * On `/graphql`, before Apollo Server: streams a subscription asked for with Apollo's multipart
   * protocol, refuses (400) a subscription asked for any other way, passes everything else on.
   */
  multipartOrRefuse: RequestHandler;
  /** Ends every open stream (with its closing event or boundary) and refuses new ones. */
  close(): Promise<void>;
  /** Streams open now. */
  open(): number;
}

interface Framing {
  contentType: string;
  /** What opens the stream. */
  start: string;
  /** One result, as its bytes on the wire. */
  next(json: string): string;
  /** A failure that ends the stream (a transport error, not a GraphQL result). */
  fatal(errorsJson: string): string;
  heartbeat: string;
  end: string;
}

const SSE: Framing = {
  contentType: 'text/event-stream; charset=utf-8',
  // Some browsers show an event stream only after its first bytes.
  start: ':\n\n',
  next: (json) => `event: next\ndata: ${json}\n\n`,
  fatal: (errorsJson) => `event: next\ndata: {"errors":${errorsJson}}\n\n`,
  heartbeat: ':\n\n',
  end: 'event: complete\ndata:\n\n',
};

/**
 * Each part is followed by the delimiter at once: a reader (Apollo Client's among them) takes a part
 * as complete only when it sees the next delimiter, so a part left open would wait for the next one.
 */
const PART = '\r\nContent-Type: application/json; charset=utf-8\r\n\r\n';
const DELIMITER = '\r\n--graphql';
const MULTIPART: Framing = {
  contentType: 'multipart/mixed; boundary="graphql"; subscriptionSpec="1.0"',
  start: DELIMITER,
  next: (json) => `${PART}{"payload":${json}}${DELIMITER}`,
  fatal: (errorsJson) => `${PART}{"payload":null,"errors":${errorsJson}}${DELIMITER}`,
  heartbeat: `${PART}{}${DELIMITER}`,
  // After the last delimiter: it becomes the closing one.
  end: '--\r\n',
};

/** The Accept header of Apollo's multipart subscription protocol. */
const MULTIPART_SUBSCRIPTION = /multipart\/mixed[^,]*subscriptionspec\s*=\s*"?1\.0/i;

export const SUBSCRIPTION_TRANSPORTS =
  'Subscriptions need a streaming transport: graphql-ws (graphql-transport-ws) over a WebSocket on /graphql, ' +
  "Apollo's multipart HTTP protocol on POST /graphql (Accept: multipart/mixed;subscriptionSpec=1.0), " +
  'or GraphQL over SSE on /graphql/stream (Accept: text/event-stream).';

/** HTTP statuses of errors refused before a stream starts. */
function statusOf(errors: readonly GraphQLError[]): number {
  const code = errors[0]?.extensions.code;
  if (code === ErrorCode.UNAUTHENTICATED) return 401;
  if (code === ErrorCode.FORBIDDEN) return 403;
  if (code === ErrorCode.RATE_LIMITED || code === ErrorCode.TOO_MANY_SUBSCRIPTIONS) return 429;
  return 400;
}

/** Resolves once `res` can take more, or is closed (then nothing will drain it). */
async function drainedOrClosed(res: Response): Promise<void> {
  const controller = new AbortController();
  try {
    await Promise.race([once(res, 'drain', { signal: controller.signal }), once(res, 'close', { signal: controller.signal })]);
  } catch {
    // An error on the response ends the stream through 'close'.
  } finally {
    controller.abort();
  }
}

/** The operation of a GraphQL-over-HTTP request: from the JSON body (POST) or the query string (GET). */
function operationRequest(req: Request): OperationRequest | string {
  const source: unknown = req.method === 'GET' ? req.query : req.body;
  if (!source || typeof source !== 'object') return 'The request has no GraphQL operation.';
  const { query, operationName, variables } = source as Record<string, unknown>;
  if (typeof query !== 'string' || query.length === 0) return 'The request has no `query` string.';
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
    return '`operationName` must be a string.';
  let parsedVariables: unknown = variables;
  if (typeof variables === 'string' && req.method === 'GET') {
    try {
      parsedVariables = JSON.parse(variables);
    } catch {
      return '`variables` is not valid JSON.';
    }
  }
  if (
    parsedVariables !== undefined &&
    parsedVariables !== null &&
    (typeof parsedVariables !== 'object' || Array.isArray(parsedVariables))
  ) {
    return '`variables` must be an object.';
  }
  return { query, operationName: operationName, variables: parsedVariables as Record<string, unknown> | null };
}

export function createHttpStreams(options: HttpStreamOptions): HttpStreams {
  const { schema, createContext, parts, logger, callerOf } = options;
  const { documents, shared, mask } = parts;
  const open = new Set<() => void>();
  const perCaller = new Map<string, number>();
  let closing = false;

  const sendErrors = (res: Response, status: number, errors: readonly GraphQLError[]) => {
    res
      .status(status)
      .type('application/json')
      .send(JSON.stringify({ errors: mask(errors) }));
  };
  const errorsJson = (errors: readonly GraphQLError[]) => JSON.stringify(mask(errors).map((error) => error.toJSON()));

  const admit = (key: string): boolean => {
    const count = perCaller.get(key) ?? 0;
    if (options.maxStreamsPerCaller > 0 && count >= options.maxStreamsPerCaller) return false;
    perCaller.set(key, count + 1);
    return true;
  };
  const release = (key: string) => {
    const left = (perCaller.get(key) ?? 1) - 1;
    if (left > 0) perCaller.set(key, left);
    else perCaller.delete(key);
  };

  /**
   * Runs one checked operation onto `res` with `framing`: a subscription as a stream of results, a
   * query or mutation (SSE only) as one result followed by the end of the stream.
   */
  async function serve(req: Request, res: Response, framing: Framing, request: OperationRequest, caller: Caller): Promise<void> {
    const gate = checkOperation(schema, documents, options.maxCost, caller, request);
    if ('errors' in gate) {
      sendErrors(res, statusOf(gate.errors), gate.errors);
      return;
    }
    const { document, operation, variables } = gate;
    if (!operation) {
      sendErrors(res, 400, [new GatewayError('Name the operation to run (`operationName`).', ErrorCode.BAD_REQUEST)]);
      return;
    }
    if (operation.operation === OperationTypeNode.MUTATION && req.method === 'GET') {
      res.setHeader('allow', 'POST');
      sendErrors(res, 405, [new GatewayError('Mutations cannot be sent with GET: use POST.', ErrorCode.BAD_REQUEST)]);
      return;
    }
    if (closing) {
      res.setHeader('retry-after', '1');
      sendErrors(res, 503, [new GatewayError('The gateway is shutting down; try again.', ErrorCode.EVENT_BUS_UNAVAILABLE)]);
      return;
    }
    const key = callerKey(caller, req.socket.remoteAddress);
    if (!admit(key)) {
      sendErrors(res, 429, [
        new GatewayError(`At most ${options.maxStreamsPerCaller} open streams per caller.`, ErrorCode.TOO_MANY_SUBSCRIPTIONS),
      ]);
      return;
    }
    // A response's unsent bytes plus the events queued for it, against one allowance.
    const budget = new WriteBudget(() => res.writableLength, options.maxBufferedBytes);
    let ended = false;
    let iterator: AsyncIterator<ExecutionResult> | undefined;
    let heartbeat: NodeJS.Timeout | undefined;
    /** Ends the stream: with `last` and the closing event or boundary, or (null) leaving `res` to the caller. */
    const finish = (last?: string | null) => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      open.delete(stop);
      release(key);
      options.metrics.httpStreams.dec();
      void iterator?.return?.()?.catch(() => undefined);
      if (last !== null && !res.writableEnded && !res.destroyed) res.end(last === undefined ? framing.end : last + framing.end);
    };
    const stop = () => finish();
    const slow = () => {
      if (ended) return;
      logger.warn('ending an HTTP stream too slow to keep up with its events');
      finish(framing.fatal(errorsJson([new GatewayError('Subscriber too slow: too many undelivered events.', ErrorCode.SLOW_CONSUMER)])));
      // A client that does not read will not take the end either.
      setTimeout(() => res.destroy(), 1_000).unref();
    };
    open.add(stop);
    options.metrics.httpStreams.inc();
    res.once('close', stop);

    const contextValue = createContext({ requestId: req.get('x-request-id'), caller, onSlowConsumer: slow, queueBudget: budget });
    res.setHeader('x-request-id', contextValue.requestId);
    const args = { schema, document, variableValues: variables, operationName: request.operationName, contextValue };
    const write = (text: string): boolean => {
      if (ended || res.destroyed) return false;
      if (!budget.fits(Buffer.byteLength(text))) {
        slow();
        return false;
      }
      return res.write(text);
    };
    const startStream = () => {
      res.status(200);
      res.setHeader('content-type', framing.contentType);
      res.setHeader('cache-control', 'no-cache');
      res.setHeader('x-accel-buffering', 'no');
      res.flushHeaders();
      res.write(framing.start);
      const every = framing === SSE ? (options.sseKeepAliveMs ?? 12_000) : (options.multipartHeartbeatMs ?? 5_000);
      heartbeat = setInterval(() => {
        if (res.writableLength === 0) res.write(framing.heartbeat);
      }, every);
      heartbeat.unref();
    };

    try {
      if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
        // graphql-sse sends queries and mutations through the stream endpoint too: one result, then the end.
        const result = await execute(args);
        startStream();
        write(framing.next(JSON.stringify(finishResult(result, contextValue, mask) ?? result)));
        finish();
        return;
      }
      const serialised = new WeakMap<object, string>();
      if (options.sharedExecution && isShareable(document, request.operationName, variables)) {
        shared.register(contextValue, request.query, request.operationName, variables, {
          write(result) {
            if (ended) return true;
            let json = serialised.get(result);
            if (json === undefined) {
              json = JSON.stringify(result.errors?.length ? { ...result, errors: mask(result.errors) } : result);
              serialised.set(result, json);
            }
            const text = framing.next(json);
            if (!budget.fits(Buffer.byteLength(text))) {
              slow();
              return false;
            }
            res.write(text);
            return true;
          },
        });
      }
      const source = await shared.subscribe(args);
      if (!(Symbol.asyncIterator in source)) {
        // Refused at the start (a malformed cursor, an expired one, bad ids): the client's error.
        if (framing === MULTIPART) {
          finish(null);
          if (!res.headersSent) sendErrors(res, 200, source.errors ?? []);
          return;
        }
        startStream();
        write(framing.next(JSON.stringify(finishResult(source, contextValue, mask) ?? source)));
        finish();
        return;
      }
      iterator = source[Symbol.asyncIterator]();
      if (ended) {
        void iterator.return?.();
        return;
      }
      startStream();
      for (;;) {
        const step = await iterator.next();
        if (step.done === true || ended) break;
        const result = step.value;
        if (!write(framing.next(JSON.stringify(finishResult(result, contextValue, mask) ?? result)))) {
          if (ended) break;
          // The response's buffer is full: take the next event only once it drained (or the client left).
          await drainedOrClosed(res);
        }
      }
      finish();
    } catch (error) {
      if (ended) return;
      const gatewayError =
        error instanceof GatewayError
          ? error
          : error instanceof GraphQLError && error.originalError instanceof GatewayError
            ? error.originalError
            : undefined;
      if (!gatewayError) logger.error({ err: error }, 'an HTTP stream failed');
      const errors = [gatewayError ?? new GraphQLError('Internal server error.')];
      if (!res.headersSent) {
        finish(null);
        sendErrors(res, gatewayError ? 400 : 500, errors);
        return;
      }
      finish(framing.fatal(errorsJson(errors)));
    }
  }

  const callerFor = (res: Response): Caller | undefined => {
    const caller = callerOf(res);
    if (!caller) {
      res.setHeader('www-authenticate', 'Bearer');
      res.status(401).type('application/json').send(graphQLStyleErrorBody('A bearer token is required.', ErrorCode.UNAUTHENTICATED));
    }
    return caller;
  };

  const isSubscription = (request: OperationRequest): boolean => {
    // Most requests are queries and mutations: no second parse for them.
    if (!request.query.includes('subscription')) return false;
    const checked = documents.get(request.query);
    if ('parseError' in checked) return false;
    return getOperationAST(checked.document, request.operationName)?.operation === OperationTypeNode.SUBSCRIPTION;
  };

  const fail = (res: Response) => (error: unknown) => {
    logger.error({ err: error }, 'an HTTP stream failed');
    if (!res.headersSent)
      res.status(500).type('application/json').send(graphQLStyleErrorBody('Internal server error.', ErrorCode.INTERNAL_SERVER_ERROR));
    else res.destroy();
  };

  return {
    sse: (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'POST') {
        next();
        return;
      }
      if (!(req.get('accept') ?? '').includes('text/event-stream')) {
        res.setHeader('vary', 'accept');
        res
          .status(406)
          .type('application/json')
          .send(graphQLStyleErrorBody('GraphQL over SSE: send Accept: text/event-stream.', ErrorCode.BAD_REQUEST));
        return;
      }
      const request = operationRequest(req);
      if (typeof request === 'string') {
        res.status(400).type('application/json').send(graphQLStyleErrorBody(request, ErrorCode.BAD_REQUEST));
        return;
      }
      const caller = callerFor(res);
      if (!caller) return;
      serve(req, res, SSE, request, caller).catch(fail(res));
    },
    multipartOrRefuse: (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'POST') {
        next();
        return;
      }
      const request = operationRequest(req);
      if (typeof request === 'string' || !isSubscription(request)) {
        next();
        return;
      }
      if (req.method !== 'POST' || !MULTIPART_SUBSCRIPTION.test(req.get('accept') ?? '')) {
        res.status(400).type('application/json').send(graphQLStyleErrorBody(SUBSCRIPTION_TRANSPORTS, ErrorCode.BAD_REQUEST));
        return;
      }
      const caller = callerFor(res);
      if (!caller) return;
      serve(req, res, MULTIPART, request, caller).catch(fail(res));
    },
    close() {
      closing = true;
      for (const stop of [...open]) stop();
      return Promise.resolve();
    },
    open: () => open.size,
  };
}
