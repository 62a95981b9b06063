import type { Logger } from 'pino';
import { startApp } from './app/start.js';
import { loadConfig } from './infra/config.js';
import { createLogger } from './infra/logger.js';

/** Process entry: load config, start, stop on SIGTERM / SIGINT. A bad setting stops it with a message naming the variable. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    createLogger('info').fatal({ reason: error instanceof Error ? error.message : String(error) }, 'invalid configuration');
    process.exitCode = 1;
    return;
  }
  const logger = createLogger(config.logLevel);
  let app;
  try {
    app = await startApp(config, logger);
  } catch (error) {
    logger.fatal({ reason: error instanceof Error ? error.message : String(error) }, 'cannot start');
    process.exitCode = 1;
    return;
  }
  const { url } = app.gateway;
  logger.info(
    {
      url: `${url}/graphql`,
      webhooks: `${url}/webhooks/wix`,
      ...(config.sandbox ? { demo: `${url}/demo`, graphiql: `${url}/graphiql` } : {}),
      sandbox: config.sandbox,
      eventBus: config.redisUrl ? 'redis' : 'memory',
    },
    config.sandbox
      ? `gateway ready: open ${url}/graphql in a browser for Apollo Sandbox, ${url}/demo for the live demo, ${url}/graphiql offline`
      : 'gateway ready',
  );
  installSignalHandlers(logger, () => app.close());
}

function installSignalHandlers(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 10 s: exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    stop().then(
      () => {
        logger.info('stopped');
        process.exitCode = 0;
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

await main();
