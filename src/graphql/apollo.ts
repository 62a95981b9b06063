import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule } from 'graphql';
import { assertMayRun } from '../auth/authorize.js';
import { sandboxLandingPage } from '../explorers/sandbox.js';
import type { Metrics } from '../infra/metrics.js';
import { truncateForLog } from '../infra/logger.js';
import { jitGateway, type ExecutorKind } from './executor.js';
import Negotiator from 'negotiator';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { GatewayContext } from './context.js';
import { ErrorCode, GatewayError } from '../infra/errors.js';
import { staleDataExtension } from '../upstream/cache.js';
import { assertCostWithin } from './cost.js';
import { withoutSuggestions } from './limits.js';

/** Codes Apollo Server itself assigns to request errors; they are safe to show as they are. */
const APOLLO_CLIENT_ERROR_CODES = new Set<unknown>([
  ErrorCode.GRAPHQL_PARSE_FAILED,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.BAD_REQUEST,
  ErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ErrorCode.OPERATION_RESOLUTION_FAILURE,
]);

export interface ApolloOptions {
  schema: GraphQLSchema;
  httpServer: Server;
  logger: Logger;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  metrics: Metrics;
  sandbox: boolean;
  /** Runs when the server starts draining: closes the WebSocket endpoint. */
  beforeDrain: () => Promise<void>;
  /** Depth, alias, directive and introspection rules (src/graphql/limits.ts). */
  validationRules: ValidationRule[];
  maxTokens: number;
  /** `LIMIT_COST`, checked with the operation's variables (src/graphql/cost.ts). */
  maxCost: number;
  executor: ExecutorKind;
}

/**
 * Keeps a gateway error or one of Apollo's request errors as it is; anything else (a bug) is logged
 * and replaced by a bare INTERNAL_SERVER_ERROR, so no internal message or stack reaches a client.
 * With introspection off, validation and variable messages lose their "Did you mean …?" (it names
 * the schema's fields and enum values). HTTP and WebSocket errors both pass here.
 */
export function createErrorFormatter(logger: Logger, options: { introspection: boolean }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof GatewayError) return formatted;
    const code = formatted.extensions?.code;
    if ((code === ErrorCode.GRAPHQL_VALIDATION_FAILED || code === ErrorCode.BAD_USER_INPUT) && !options.introspection)
      return { ...formatted, message: withoutSuggestions(formatted.message) };
    if (APOLLO_CLIENT_ERROR_CODES.has(code)) return formatted;
    const clientError = apolloClientError(original);
    if (clientError) return clientError;
    logger.error({ err: original, path: formatted.path }, 'unexpected error while executing an operation');
    return {
      message: 'Internal server error.',
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
    };
  };
}

/**
 * A request error Apollo raises without a code but with a 4xx status for the response (a
 * persisted-query hash that does not match its query): the client's mistake, said as such.
 */
function apolloClientError(error: unknown): GraphQLFormattedError | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  const message =
    error.message === 'provided sha does not match query'
      ? 'The persisted query hash does not match the query: extensions.persistedQuery.sha256Hash must be the SHA-256 of `query`.'
      : error.message;
  return { message, extensions: { code: ErrorCode.BAD_REQUEST } };
}

/** One log line and one histogram observation per operation: name, type, duration, error codes. */
function operationLogPlugin(metrics: Metrics): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, errors, operation }) {
          const seconds = (performance.now() - started) / 1_000;
          const errorCodes = errors?.map((e) => e.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR) ?? [];
          metrics.operations.observe(
            {
              operation_name: metrics.operationLabel(operationName),
              operation_type: operation?.operation ?? 'unknown',
              outcome: errorCodes.length ? 'error' : 'ok',
            },
            seconds,
          );
          contextValue.logger.info(
            {
              operationName: truncateForLog(operationName),
              operationType: operation?.operation ?? null,
              durationMs: Math.round(seconds * 1_000),
              errorCodes,
            },
            'graphql operation',
          );
        },
      };
    },
  };
}

/** Request errors that GraphQL over HTTP answers with 200 when the response is `application/json`. */
const DOCUMENT_ERROR_CODES = new Set<unknown>([
  ErrorCode.GRAPHQL_PARSE_FAILED,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  ErrorCode.BAD_USER_INPUT,
]);

/**
 * GraphQL over HTTP: a client that accepts only the legacy `application/json` gets 200 for parse,
 * validation and variable-coercion failures (its tooling reads errors from the body); a client that
 * accepts `application/graphql-response+json` keeps Apollo's 400.
 */
function legacyJsonStatusPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request }) {
      return {
        async willSendResponse({ response, errors }) {
          if (response.http.status !== 400 || !errors?.length) return;
          if (!errors.every((e) => DOCUMENT_ERROR_CODES.has(e.extensions.code))) return;
          const accept = request.http?.headers.get('accept');
          const preferred = accept
            ? new Negotiator({ headers: { accept } }).mediaType(['application/json', 'application/graphql-response+json'])
            : 'application/json';
          if (preferred === 'application/json') response.http.status = 200;
        },
      };
    },
  };
}

/**
 * Every answer is the caller's own: `Cache-Control: no-store`, what Apollo's
 * cache-control plugin sends when no field carries a cache hint (this schema sets none). That plugin
 * is turned off because it instruments every field of every operation (it wraps each resolver of
 * the schema, which also keeps graphql-jit from reading plain properties inline) only to compute
 * this constant.
 */
function noStorePlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}

/**
 * When the site's budget of Wix calls was spent and cached answers stood in for fresh ones, the
 * response says so: `extensions.staleData { ageSeconds reason }`, the age of the oldest of them.
 */
function staleDataPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const ageMs = contextValue.staleData.ageMs;
          if (ageMs === undefined || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, staleData: staleDataExtension(ageMs) };
        },
      };
    },
  };
}

/** Warnings the resolvers left on the context (a deprecated input ignored, …) go in `extensions.warnings`. */
function warningsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || contextValue.warnings.length === 0) return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, warnings: contextValue.warnings };
        },
      };
    },
  };
}

export function createApolloServer(options: ApolloOptions): ApolloServer<GatewayContext> {
  const { schema, httpServer, logger, formatError, metrics, sandbox, beforeDrain, validationRules, maxTokens, maxCost } = options;
  return new ApolloServer<GatewayContext>({
    ...(options.executor === 'jit' ? { gateway: jitGateway(schema) } : { schema }),
    // INTROSPECTION is applied by the shared validation rules (limitRules), the same on every transport.
    introspection: true,
    // Cross-site requests are refused before Apollo (src/http/csrf.ts): its own check would refuse
    // the GET queries urql and graphql-request send by default.
    csrfPrevention: false,
    stopOnTerminationSignals: false, // the process entry stops everything in order on SIGTERM / SIGINT
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    validationRules,
    parseOptions: { maxTokens },
    formatError,
    logger: {
      debug: (message) => logger.debug(message),
      info: (message) => logger.info(message),
      warn: (message) => logger.warn(message),
      error: (message) => logger.error(message),
    },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin(),
      staleDataPlugin(),
      {
        async serverWillStart() {
          return { drainServer: beforeDrain };
        },
      },
      sandbox ? sandboxLandingPage() : ApolloServerPluginLandingPageDisabled(),
      operationLogPlugin(metrics),
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ operation, contextValue, document, request }) {
              assertMayRun(contextValue.caller, operation?.operation, 403);
              if (operation) assertCostWithin(schema, document, operation, request.variables, maxCost);
            },
          };
        },
      },
      legacyJsonStatusPlugin(),
      warningsPlugin(),
    ],
  });
}
