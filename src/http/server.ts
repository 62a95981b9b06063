import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import cors from 'cors';
import express from 'express';
import { expressMiddleware } from '@as-integrations/express5';
import type { Logger } from 'pino';
import { createApolloServer, createErrorFormatter } from '../graphql/apollo.js';
import type { Config } from '../infra/config.js';
import { createContextFactory, type UpstreamSettings } from '../graphql/context.js';
import { ErrorCode, UnauthenticatedError } from '../infra/errors.js';
import { httpErrorHandler, sendGraphQLStyleError } from './errors.js';
import { createMetrics, type Metrics } from '../infra/metrics.js';
import { metricsHandler } from './metrics-endpoint.js';
import type { Authenticator } from '../auth/authenticator.js';
import { OPEN_CALLER } from '../auth/caller.js';
import { CallerRateLimiter, authenticateHttp, rateLimit, type HttpLocals } from './auth.js';
import { limitRules } from '../graphql/limits.js';
import type { EventBus } from '../bus/bus.js';
import { createHttpStreams } from '../transports/http-streams.js';
import { startWebSocketEndpoint } from '../transports/websocket.js';
import { createSchema, printSchemaArtifact } from '../graphql/schema.js';
import { refuseCrossSiteSimpleGets } from './csrf.js';
import { UpstreamGuard } from '../datasources/resilience.js';
import { webhookEndpoint } from '../webhooks/route.js';
import { explorerRoutes } from '../explorers/index.js';
import type { WebhookVerifier } from '../webhooks/verify.js';
import { createUpstreamAccess } from '../upstream/access.js';

export interface GatewayOptions {
  config: Pick<
    Config,
    | 'port'
    | 'host'
    | 'sandbox'
    | 'introspection'
    | 'corsOrigins'
    | 'bodyLimitBytes'
    | 'instanceId'
    | 'limits'
    | 'resilience'
    | 'metricsPort'
    | 'metricsToken'
    | 'executor'
    | 'upstream'
    | 'redisUrl'
  >;
  authenticator: Authenticator;
  logger: Logger;
  upstream: UpstreamSettings;
  bus: EventBus;
  webhookVerifier: WebhookVerifier;
  /** graphql-ws: how long a socket may stay without `connection_init`; default 3 s. */
  connectionInitWaitTimeoutMs?: number;
  /** graphql-ws keep-alive ping interval; default 12 s. */
  keepAliveMs?: number;
  /** Default: a fresh registry. */
  metrics?: Metrics;
  /** How long a webhook body may take to arrive; default 10 s (then 408). */
  webhookBodyTimeoutMs?: number;
  /** Interval of SSE keep-alives and multipart heartbeats (tests shorten it). */
  streamHeartbeatMs?: number;
}

/**
 * Slow clients hold a connection no longer than this: the headers must arrive within 10 s and the
 * whole request within 30 s (Node answers 408 past either). Answers may take longer (the upstream
 * deadline bounds those); WebSocket connections are upgraded before either applies.
 */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

export interface Gateway {
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  /** Base URL of the metrics server, when METRICS_PORT moves /metrics off the main port. */
  metricsUrl: string | undefined;
  httpServer: Server;
  metrics: Metrics;
  /** Shared subscription streams and their subscribers (WebSocket). */
  sharedSubscriptionStats(): { streams: number; consumers: number };
  /** Parsed WebSocket documents kept, and the bytes they count for. */
  documentCacheStats(): { documents: number; bytes: number };
  /** Stops accepting work, closes sockets (1001), lets in-flight requests finish. */
  close(): Promise<void>;
}

/** HTTP server: express + Apollo Server and graphql-ws on /graphql, the webhook route, health endpoints. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, logger, upstream, bus } = options;
  const app = express();
  app.disable('x-powered-by');
  const metrics = options.metrics ?? createMetrics();
  // POST /webhooks/wix is taken off the server before express (see webhookEndpoint).
  const webhooks = webhookEndpoint({
    verifier: options.webhookVerifier,
    bus,
    logger,
    metrics,
    instanceId: config.instanceId,
    ...(options.webhookBodyTimeoutMs ? { bodyTimeoutMs: options.webhookBodyTimeoutMs } : {}),
  });
  const httpServer = createServer({ headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS }, (req, res) => {
    if (!webhooks.handle(req, res)) app(req, res);
  });
  const schema = createSchema();
  const guard = new UpstreamGuard(config.resilience, logger);
  const access = await createUpstreamAccess({
    policy: config.upstream,
    redisUrl: config.redisUrl,
    bus,
    siteOfInstance: upstream.siteOfInstance,
    metrics,
    logger,
  });
  const createContext = createContextFactory(logger, upstream, guard, bus, config.limits.wsMaxQueuedEvents, metrics, access);
  const formatError = createErrorFormatter(logger, { introspection: config.introspection });
  const validationRules = limitRules(config.limits, { introspection: config.introspection });
  // One budget per caller, spent over HTTP and WebSocket alike.
  const rateLimiter = new CallerRateLimiter(config.limits.ratePerMinute);
  // Open (no caller auth), any web page could act as the caller: without CORS_ORIGINS only the
  // gateway's own pages may then call it from a browser. With auth, a page needs the caller's token.
  const allowedOrigins = config.corsOrigins ?? (options.authenticator.open ? [] : undefined);
  const webSockets = startWebSocketEndpoint({
    httpServer,
    schema,
    createContext,
    authenticator: options.authenticator,
    formatError,
    logger,
    metrics,
    validationRules,
    maxTokens: config.limits.tokens,
    allowedOrigins,
    maxPayloadBytes: config.bodyLimitBytes,
    connectionInitWaitTimeoutMs: options.connectionInitWaitTimeoutMs ?? 3_000,
    keepAliveMs: options.keepAliveMs ?? 12_000,
    maxSubscriptionsPerSocket: config.limits.wsMaxSubscriptions,
    maxSocketsPerCaller: config.limits.wsMaxSocketsPerCaller,
    maxBufferedBytes: config.limits.wsMaxBufferedBytes,
    documentCacheBytes: config.limits.wsDocumentCacheBytes,
    maxCost: config.limits.cost,
    rateLimiter,
    sharedExecution: config.limits.wsSharedExecution,
  });
  metrics.watch(bus, () => webSockets.sharedStats());
  const callerOf = (res: express.Response) =>
    (res.locals as Partial<HttpLocals>).caller ?? (options.authenticator.open ? OPEN_CALLER : undefined);
  // Subscriptions over HTTP (GraphQL over SSE, Apollo's multipart protocol), on the WebSocket's gate and shares.
  const httpStreams = createHttpStreams({
    schema,
    createContext,
    parts: webSockets.streaming,
    logger,
    metrics,
    maxCost: config.limits.cost,
    maxStreamsPerCaller: config.limits.httpMaxStreamsPerCaller,
    maxBufferedBytes: config.limits.wsMaxBufferedBytes,
    sharedExecution: config.limits.wsSharedExecution,
    callerOf,
    ...(options.streamHeartbeatMs !== undefined && {
      sseKeepAliveMs: options.streamHeartbeatMs,
      multipartHeartbeatMs: options.streamHeartbeatMs,
    }),
  });
  const apollo = createApolloServer({
    schema,
    httpServer,
    logger,
    formatError,
    metrics,
    sandbox: config.sandbox,
    beforeDrain: async () => {
      await httpStreams.close();
      await webSockets.close();
    },
    validationRules,
    maxTokens: config.limits.tokens,
    maxCost: config.limits.cost,
    executor: config.executor,
  });
  await apollo.start();
  let stopping = false;

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const openCircuits = guard.openCircuits();
    const eventBusReason = bus.notReadyReason();
    const ready = !stopping && eventBusReason === undefined && openCircuits.length === 0;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : stopping ? 'stopping' : 'not-ready',
      eventBus: eventBusReason === undefined,
      eventBusReason,
      openCircuits,
    });
  });
  let metricsServer: Server | undefined;
  if (config.metricsPort === undefined) app.get('/metrics', metricsHandler(metrics, config.metricsToken));
  else {
    const metricsApp = express();
    metricsApp.disable('x-powered-by');
    metricsApp.get('/metrics', metricsHandler(metrics, config.metricsToken));
    metricsServer = createServer(metricsApp);
    await listen(metricsServer, config.metricsPort, config.host);
  }

  if (config.sandbox) app.use(explorerRoutes());
  app.use(webhooks.router);

  if (config.introspection) {
    // The schema artefact: what introspection tells, as one SDL document, to the same callers.
    const sdl = printSchemaArtifact(schema);
    app.get(
      '/schema.graphql',
      cors({ origin: allowedOrigins ?? true, maxAge: 600 }),
      authenticateHttp(options.authenticator),
      rateLimit(rateLimiter),
      (_req, res) => {
        if (!callerOf(res)) {
          res.setHeader('www-authenticate', 'Bearer');
          sendGraphQLStyleError(res, 401, 'A bearer token is required.', ErrorCode.UNAUTHENTICATED);
          return;
        }
        res.status(200).type('text/plain; charset=utf-8').setHeader('cache-control', 'no-cache').send(sdl);
      },
    );
  }

  // GraphQL over SSE (graphql-sse's distinct-connections mode): same auth, limits and CSRF rule as /graphql.
  app.use(
    '/graphql/stream',
    cors({ origin: allowedOrigins ?? true, maxAge: 600 }),
    refuseCrossSiteSimpleGets({ allowedOrigins, landingPage: false }),
    authenticateHttp(options.authenticator),
    rateLimit(rateLimiter),
    express.json({ limit: config.bodyLimitBytes }),
    httpStreams.sse,
  );
  app.use(
    '/graphql',
    cors({ origin: allowedOrigins ?? true, maxAge: 600 }),
    refuseCrossSiteSimpleGets({ allowedOrigins, landingPage: config.sandbox }),
    authenticateHttp(options.authenticator),
    rateLimit(rateLimiter),
    express.json({ limit: config.bodyLimitBytes }),
    (req, res, next) => {
      // express leaves the body undefined for other content types, and Apollo would answer 500:
      // a client's wrong Content-Type is the client's error, so say so.
      if (req.method === 'POST' && req.body === undefined) {
        sendGraphQLStyleError(res, 415, 'POST requests must have Content-Type: application/json.', ErrorCode.BAD_REQUEST);
        return;
      }
      next();
    },
    // A subscription: streamed with Apollo's multipart protocol when asked so, refused (400) otherwise.
    httpStreams.multipartOrRefuse,
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const caller = callerOf(res);
        // Only a request that skipped authentication (a browser GET asking for HTML) lacks a caller.
        if (!caller) throw new UnauthenticatedError('A bearer token is required.', 401);
        const context = createContext({ requestId: req.get('x-request-id'), caller });
        res.setHeader('x-request-id', context.requestId);
        return context;
      },
    }),
  );
  app.use((req, res) => {
    sendGraphQLStyleError(res, 404, `Nothing at ${req.method} ${req.path}.`, ErrorCode.NOT_FOUND);
  });
  app.use(httpErrorHandler(logger));

  await listen(httpServer, config.port, config.host);

  return {
    url: urlOf(httpServer),
    metricsUrl: metricsServer ? urlOf(metricsServer) : undefined,
    httpServer,
    metrics,
    sharedSubscriptionStats: () => webSockets.sharedStats(),
    documentCacheStats: () => webSockets.documentCacheStats(),
    async close() {
      stopping = true;
      await apollo.stop(); // closes the sockets first, then drains and closes the HTTP server
      await access.close();
      if (metricsServer) {
        const server = metricsServer;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function urlOf(server: Server): string {
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
