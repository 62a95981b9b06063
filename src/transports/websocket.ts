import type { IncomingMessage, Server } from 'node:http';
import {
  GraphQLError,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { Authenticator } from '../auth/authenticator.js';
import { assertMayRun } from '../auth/authorize.js';
import type { ContextFactory } from '../graphql/context.js';
import type { Metrics } from '../infra/metrics.js';
import { ErrorCode, GatewayError, UnauthenticatedError } from '../infra/errors.js';
import { SharedSubscriptions, isShareable, type ResultSink } from './shared-subscriptions.js';
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
  /** Subscribers of the same document, variables and tenant share one execution per event. */
  sharedExecution: boolean;
}

export interface WebSocketEndpoint {
  /** Closes every socket with 1001 (going away) and stops accepting new ones. */
  close(): Promise<void>;
  /** Shared subscription streams and the subscribers attached to them. */
  sharedStats(): { streams: number; consumers: number };
}

const CLOSING_BRACE = Buffer.from('}');
const TEXT_FRAME = { binary: false } as const;

/** Close code for a consumer too slow to keep up (RFC 6455: 1008, policy violation). */
const SLOW_CONSUMER = 1008;
/** A client that stops reading may never answer the close handshake either. */
const CLOSE_GRACE_MS = 1_000;

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
  // The same masking as over HTTP: gateway errors as they are, anything else a bare internal error.
  const mask = (errors: readonly GraphQLError[]): GraphQLError[] =>
    errors.map((error) => {
      const { message, extensions, path } = formatError(error.toJSON(), error);
      return new GraphQLError(message, { nodes: error.nodes, path, extensions });
    });
  const rules = [...specifiedRules, ...options.validationRules];
  const documents = new DocumentCache(schema, rules, options.maxTokens);
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
   * past `maxQueued` the subscriber is too slow, and its socket is closed.
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
        if (unwritten >= maxQueued) {
          closeSlowConsumer(socket, logger);
          return false;
        }
        unwritten += 1;
        socket.send(Buffer.concat([envelope, serialise(result), CLOSING_BRACE]), TEXT_FRAME, written);
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
          if (caller.expiresAt !== undefined) closeAtExpiry(ctx.extra.socket, caller.expiresAt);
          return true;
        } catch {
          return false; // graphql-ws closes with 4403 Forbidden
        }
      },
      onSubscribe: (ctx, id, payload) => {
        const caller = ctx.extra.caller;
        if (!caller) return [new UnauthenticatedError()];
        // graphql-ws has already reserved a slot for this operation: count it in.
        if (Object.keys(ctx.subscriptions).length > options.maxSubscriptionsPerSocket) {
          return [
            new GatewayError(`At most ${options.maxSubscriptionsPerSocket} operations per socket.`, ErrorCode.TOO_MANY_SUBSCRIPTIONS),
          ];
        }
        const checked = documents.get(payload.query);
        if ('parseError' in checked) return [new GatewayError(checked.parseError, ErrorCode.GRAPHQL_PARSE_FAILED)];
        const { document, invalid } = checked;
        if (invalid.length > 0) {
          return invalid.map(
            (error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED } }),
          );
        }
        try {
          assertMayRun(caller, getOperationAST(document, payload.operationName)?.operation);
        } catch (error) {
          return [error as GraphQLError];
        }
        const contextValue = createContext({
          requestId: ctx.extra.requestId,
          caller,
          onSlowConsumer: () => closeSlowConsumer(ctx.extra.socket, logger),
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
      onNext: (_ctx, _id, _payload, _args, result) => {
        const executionResult = result as ExecutionResult;
        if (!executionResult.errors?.length) return undefined;
        return { ...executionResult, errors: mask(executionResult.errors) };
      },
      // Errors of onSubscribe and of execution before the first result pass here: masked once.
      onError: (_ctx, _id, _payload, errors) => mask(errors),
    },
    wsServer,
    options.keepAliveMs,
    logger,
  );
  logger.debug('graphql-ws endpoint ready on /graphql');
  return {
    async close() {
      await cleanup.dispose();
    },
    sharedStats: () => shared.stats(),
  };
}

type CheckedDocument = { document: DocumentNode; invalid: readonly GraphQLError[] } | { parseError: string };

/** Documents already parsed and validated, by their text: subscribers of one document share its AST. */
class DocumentCache {
  static readonly MAX = 500;
  readonly #entries = new Map<string, CheckedDocument>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[],
    private readonly maxTokens: number,
  ) {}

  get(query: string): CheckedDocument {
    const hit = this.#entries.get(query);
    if (hit) {
      // Most recently used last, so the oldest goes first when full.
      this.#entries.delete(query);
      this.#entries.set(query, hit);
      return hit;
    }
    let checked: CheckedDocument;
    try {
      const document = parse(query, { maxTokens: this.maxTokens });
      checked = { document, invalid: validate(this.schema, document, this.rules) };
    } catch (error) {
      checked = { parseError: error instanceof GraphQLError ? error.message : 'Cannot parse the document.' };
    }
    if (this.#entries.size >= DocumentCache.MAX) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(query, checked);
    return checked;
  }
}

function isSameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** A token that expires closes its socket, so the client reconnects with a fresh one. */
function closeAtExpiry(socket: WebSocket, expiresAt: number): void {
  const timer = setTimeout(() => socket.close(CloseCode.Forbidden, 'Token expired'), Math.max(0, expiresAt - Date.now()));
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * graphql-ws sends one message at a time per operation and waits for it to be written, so a client
 * that stops reading shows as events piling up in its subscription's queue: past the limit the
 * socket is closed, rather than allowed to hold memory for a reader that is not there.
 */
function closeSlowConsumer(socket: WebSocket, logger: Logger): void {
  if (socket.readyState !== socket.OPEN) return;
  logger.warn('closing a WebSocket too slow to keep up with its events');
  socket.close(SLOW_CONSUMER, 'Too slow: events were not read');
  setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
}
