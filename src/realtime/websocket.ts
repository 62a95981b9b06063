import type { Server } from 'node:http';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Logger } from 'pino';
import type { ContextFactory } from '../context.js';
import type { Metrics } from '../metrics.js';

export interface WebSocketOptions {
  httpServer: Server;
  schema: GraphQLSchema;
  createContext: ContextFactory;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  logger: Logger;
  metrics: Metrics;
  /** Largest message a client may send. */
  maxPayloadBytes: number;
  /** How long a socket may stay without `connection_init` (graphql-ws closes it with 4408). */
  connectionInitWaitTimeoutMs: number;
  /** Interval of keep-alive pings. */
  keepAliveMs: number;
}

export interface WebSocketEndpoint {
  /** Closes every socket with 1001 (going away) and stops accepting new ones. */
  close(): Promise<void>;
}

/**
 * graphql-ws (graphql-transport-ws) on the HTTP server's `/graphql`: the same schema and the same
 * context builder as HTTP, one fresh context per operation. Close codes are graphql-ws's own.
 */
export function startWebSocketEndpoint(options: WebSocketOptions): WebSocketEndpoint {
  const { httpServer, schema, createContext, formatError, logger, metrics } = options;
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: options.maxPayloadBytes });
  wsServer.on('connection', (socket) => {
    metrics.sockets.inc();
    socket.once('close', () => metrics.sockets.dec());
  });
  // The same masking as over HTTP: gateway errors as they are, anything else a bare internal error.
  const mask = (errors: readonly GraphQLError[]) => errors.map((error) => formatError(error.toJSON(), error));
  const cleanup = useServer(
    {
      schema,
      connectionInitWaitTimeout: options.connectionInitWaitTimeoutMs,
      context: (ctx) => {
        const requestId = ctx.extra.request.headers['x-request-id'];
        return createContext({ requestId: typeof requestId === 'string' ? requestId : undefined });
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        const executionResult = result as ExecutionResult;
        if (!executionResult.errors?.length) return undefined;
        return { ...executionResult, errors: mask(executionResult.errors) } as unknown as ExecutionResult;
      },
      onError: (_ctx, _id, _payload, errors) => mask(errors) as unknown as readonly GraphQLError[],
    },
    wsServer,
    options.keepAliveMs,
  );
  logger.debug('graphql-ws endpoint ready on /graphql');
  return {
    async close() {
      await cleanup.dispose();
    },
  };
}
