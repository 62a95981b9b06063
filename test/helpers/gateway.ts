import { pino, type Logger } from 'pino';
import { ApiKeyCredentials } from '../../src/datasources/wix-http.js';
import { startGateway, type Gateway } from '../../src/server.js';

export const TEST_API_KEY = 'test-api-key';
export const TEST_SITE_ID = '0c4a5a3e-8d5f-4a49-9a57-0e7c4f3a1b2d';

export interface TestGatewayOptions {
  upstreamUrl: string;
  apiKey?: string;
  siteId?: string;
  timeoutMs?: number;
  batch?: boolean;
  logger?: Logger;
  sandbox?: boolean;
  introspection?: boolean;
}

export interface GraphQLResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: { code?: string } & Record<string, unknown> }>;
}

export interface TestGateway extends Gateway {
  /** POSTs one operation to /graphql and returns the parsed body with the HTTP status. */
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResult<T>>;
}

/** A real gateway on a random loopback port, talking to `upstreamUrl` in API-key mode. */
export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const gateway = await startGateway({
    config: {
      port: 0,
      host: '127.0.0.1',
      sandbox: options.sandbox ?? true,
      introspection: options.introspection ?? true,
      corsOrigins: undefined,
      bodyLimitBytes: 1_024 * 1_024,
    },
    logger: options.logger ?? pino({ level: 'silent' }),
    upstream: {
      baseUrl: options.upstreamUrl,
      credentials: new ApiKeyCredentials(options.apiKey ?? TEST_API_KEY, options.siteId ?? TEST_SITE_ID),
      timeoutMs: options.timeoutMs ?? 2_000,
      batch: options.batch ?? true,
    },
  });
  return {
    ...gateway,
    async graphql<T>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResult<T>, 'status'>;
      return { status: response.status, ...body };
    },
  };
}
