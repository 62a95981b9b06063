import type { IncomingMessage, Server } from 'node:http';
import { specifiedRules, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule } from 'graphql';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { Authenticator } from '../auth/authenticator.js';
import type { ContextFactory, GatewayContext } from '../graphql/context.js';
import { callerKey, type CallerRateLimiter } from '../http/auth.js';
import type { Metrics } from '../infra/metrics.js';
import { AuthUnavailableError, ErrorCode, GatewayError, UnauthenticatedError } from '../infra/errors.js';
import { DocumentCache } from './document-cache.js';
import { checkOperation } from './operation-gate.js';
import { errorMask, finishResult, type ErrorMask } from './results.js';
import { SharedSubscriptions, isShareable, type ResultSink } from './shared-subscriptions.js';
import { CallerSockets, POLICY_VIOLATION, closeAtExpiry, closeSlowConsumer } from './socket-limits.js';
import { serveGraphQLWs, type ConnectionExtra } from './ws-server.js';

export interface WebSocketOptions {
  httpServer: Server;
  schema: GraphQLSchema;
  createContext: ContextFactory;
  authenticator: Authenticator;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  logger: Logger;
  metrics: Metrics;
  validationRules: ValidationRule[];
  maxTokens: number;
  /** Browser origins allowed to open a socket (the `Origin` of the handshake); any when undefined. */
  allowedOrigins: string[] | undefined;
  /** Largest message a client may send. */
  maxPayloadBytes: number;
  /** How long a socket may stay without `connection_init` (graphql-ws closes it with 4408). */
  connectionInitWaitTimeoutMs: number;
  /** Interval of keep-alive pings. */
  keepAliveMs: number;
  maxSubscriptionsPerSocket: number;
  /** Sockets one caller (by the key the rate limit uses) may hold open; 0: no limit. */
  maxSocketsPerCaller: number;
  /** Bytes one socket may have waiting (unsent, plus events queued for it) before it counts as too slow. */
  maxBufferedBytes: number;
  /** Bytes of document text the parsed-document cache may hold. */
  documentCacheBytes: number;
  /** `LIMIT_COST`, checked with the operation's variables, as over HTTP. */
  maxCost: number;
  /** The per-caller budget HTTP requests spend too: every operation sent over a socket spends one. */
  rateLimiter: CallerRateLimiter;
  /** Subscribers of the same document, variables and tenant share one execution per event. */
  sharedExecution: boolean;
}

export interface WebSocketEndpoint {
  /** Closes every socket with 1001 (going away) and stops accepting new ones. */
  close(): Promise<void>;
  /** Shared subscription streams and the subscribers attached to them. */
  sharedStats(): { streams: number; consumers: number };
  /** Parsed documents kept, and the bytes they count for (at most `documentCacheBytes`). */
  documentCacheStats(): { documents: number; bytes: number };
  /** What the other streaming transports (SSE, multipart HTTP) share with this one. */
  streaming: StreamingParts;
}

/** The parsed-document cache, the shared executions and the error mask, one of each per gateway. */
export interface StreamingParts {
  documents: DocumentCache;
  shared: SharedSubscriptions;
  mask: ErrorMask;
}

const CLOSING_BRACE = Buffer.from('}');
const TEXT_FRAME = { binary: false } as const;

/** WebSocket close code 1013: the server cannot take the connection now; the client may retry. */
const TRY_AGAIN_LATER = 1_013;

/**
 * graphql-ws (graphql-transport-ws) on the HTTP server's `/graphql`: the same schema, limits, auth
 * rules and context builder as HTTP, one fresh context per operation. Close codes are graphql-ws's
 * own: 4403 for a refused or expired token, 4408 for a missing `connection_init`, 4400 for a bad message.
 */
export function startWebSocketEndpoint(options: WebSocketOptions): WebSocketEndpoint {
  const { httpServer, schema, createContext, authenticator, formatError, logger, metrics, allowedOrigins } = options;
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: options.maxPayloadBytes,
    // The browser's Origin is checked against CORS_ORIGINS; clients that send none (servers) and the
    // gateway's own pages (same origin: /demo, /graphiql) pass.
    verifyClient: ({ origin, req }: { origin: string | undefined; req: IncomingMessage }) =>
      !allowedOrigins || !origin || allowedOrigins.includes(origin) || isSameOrigin(origin, req.headers.host),
  });
  wsServer.on('connection', (socket: WebSocket) => {
    metrics.sockets.inc();
    socket.once('close', () => metrics.sockets.dec());
  });
  const mask = errorMask(formatError);
  const rules = [...specifiedRules, ...options.validationRules];
  const documents = new DocumentCache(schema, rules, options.maxTokens, options.documentCacheBytes);
  const callerSockets = new CallerSockets(options.maxSocketsPerCaller);
  const shared = new SharedSubscriptions();
  /**
   * A shared result serialised once, however many sockets it goes to: every subscriber of a share
   * gets the same result object, so the same bytes (errors masked once, too).
   */
  const serialised = new WeakMap<object, Buffer>();
  const serialise = (result: ExecutionResult): Buffer => {
    let bytes = serialised.get(result);
    if (bytes === undefined) {
      bytes = Buffer.from(JSON.stringify(result.errors?.length ? { ...result, errors: mask(result.errors) } : result));
      serialised.set(result, bytes);
    }
    return bytes;
  };

  /**
   * Writes shared results of operation `id` straight to its socket, each as the envelope around the
   * result's shared bytes. The socket's own writes still pending count as its undelivered events:
   * past `maxQueued` events, or past the socket's byte budget, the subscriber is too slow, and its
   * socket is closed.
   */
  const socketSink = (
    ctx: { extra: ConnectionExtra; subscriptions: Record<string, unknown> },
    id: string,
    maxQueued: number,
  ): ResultSink => {
    const { socket } = ctx.extra;
    const text = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
    // Its own small allocation: a slice of Node's shared pool would keep a whole 8 KiB slab alive.
    const envelope = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
    envelope.write(text);
    let unwritten = 0;
    const written = () => {
      unwritten -= 1;
    };
    return {
      write(result) {
        // Completed by the client already, or the socket is going: nothing more for it.
        if (!(id in ctx.subscriptions) || socket.readyState !== socket.OPEN) return true;
        const message = Buffer.concat([envelope, serialise(result), CLOSING_BRACE]);
        if (unwritten >= maxQueued || !ctx.extra.budget.fits(message.length)) {
          closeSlowConsumer(socket, logger);
          return false;
        }
        unwritten += 1;
        socket.send(message, TEXT_FRAME, written);
        return true;
      },
    };
  };

  const cleanup = serveGraphQLWs(
    {
      schema,
      subscribe: shared.subscribe,
      connectionInitWaitTimeout: options.connectionInitWaitTimeoutMs,
      onConnect: async (ctx) => {
        const offered = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        try {
          const caller = await authenticator.authenticate(typeof offered === 'string' ? offered : undefined);
          ctx.extra.caller = caller;
        } catch (error) {
          // The token could not be checked (JWKS down): "try again later", not "your token is bad".
          if (error instanceof AuthUnavailableError) ctx.extra.socket.close(TRY_AGAIN_LATER, 'authentication unavailable');
          return false; // graphql-ws closes with 4403 Forbidden
        }
        const { socket } = ctx.extra;
        if (!callerSockets.admit(callerKey(ctx.extra.caller, ctx.extra.address), socket)) {
          // Closed before graphql-ws's own 4403: a client told "forbidden" would try another token.
          socket.close(POLICY_VIOLATION, `At most ${options.maxSocketsPerCaller} sockets per caller`);
          return false;
        }
        const { expiresAt } = ctx.extra.caller;
        if (expiresAt !== undefined) closeAtExpiry(socket, expiresAt);
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const caller = ctx.extra.caller;
        if (!caller) return [new UnauthenticatedError()];
        // Every operation spends from the caller's budget, as an HTTP request does, valid or not.
        const limited = await options.rateLimiter.consume(callerKey(caller, ctx.extra.address));
        if (limited) return [limited];
        // graphql-ws has already reserved a slot for this operation: count it in.
        if (Object.keys(ctx.subscriptions).length > options.maxSubscriptionsPerSocket) {
          return [
            new GatewayError(`At most ${options.maxSubscriptionsPerSocket} operations per socket.`, ErrorCode.TOO_MANY_SUBSCRIPTIONS),
          ];
        }
        const gate = checkOperation(schema, documents, options.maxCost, caller, payload);
        if ('errors' in gate) return gate.errors;
        const { document } = gate;
        const contextValue = createContext({
          requestId: ctx.extra.requestId,
          caller,
          onSlowConsumer: () => closeSlowConsumer(ctx.extra.socket, logger),
          queueBudget: ctx.extra.budget,
        });
        if (options.sharedExecution && isShareable(document, payload.operationName, payload.variables)) {
          shared.register(
            contextValue,
            payload.query,
            payload.operationName,
            payload.variables,
            socketSink(ctx, id, contextValue.maxQueuedEvents),
          );
        }
        return { schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue };
      },
      // What the response tells besides its data, as over HTTP (see finishResult).
      onNext: (_ctx, _id, _payload, args, result) => finishResult(result, args.contextValue as GatewayContext | undefined, mask),
      // Errors of onSubscribe and of execution before the first result pass here: masked once.
      onError: (_ctx, _id, _payload, errors) => mask(errors),
    },
    wsServer,
    { keepAliveMs: options.keepAliveMs, maxBufferedBytes: options.maxBufferedBytes },
    logger,
  );
  logger.debug('graphql-ws endpoint ready on /graphql');
  return {
    async close() {
      await cleanup.dispose();
    },
    sharedStats: () => shared.stats(),
    documentCacheStats: () => ({ documents: documents.size, bytes: documents.bytes }),
    streaming: { documents, shared, mask },
  };
}

function isSameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
