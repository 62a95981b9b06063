import { pino, type Logger } from 'pino';
import { startApp, type App } from '../../src/app/start.js';
import { loadConfig } from '../../src/infra/config.js';

/** The whole gateway process as `npm start` wires it, from environment variables, on random ports. */
export async function startTestApp(
  env: Record<string, string> = {},
  logger: Logger = pino({ level: 'silent' }),
): Promise<App & { graphql: typeof graphql }> {
  const app = await startApp(
    loadConfig({
      PORT: '0',
      EMULATOR_PORT: '0',
      LOG_LEVEL: 'silent',
      // Wix's limit is the subject of its own tests; elsewhere it would only slow the suite down.
      WIX_RATE_LIMIT_PER_MINUTE: '0',
      EMULATOR_RATE_LIMIT_PER_MINUTE: '0',
      ...env,
    }),
    logger,
  );
  return { ...app, graphql };

  async function graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) {
    const response = await fetch(`${app.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: response.status,
      ...((await response.json()) as { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> }),
    };
  }
}
