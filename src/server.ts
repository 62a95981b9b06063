import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import cors from 'cors';
import express from 'express';
import { expressMiddleware } from '@as-integrations/express5';
import type { Logger } from 'pino';
import { createApolloServer } from './apollo.js';
import type { Config } from './config.js';
import { createContextFactory, type UpstreamSettings } from './context.js';
import { httpErrorHandler, sendGraphQLStyleError } from './http-errors.js';
import { createSchema } from './schema.js';
import { ErrorCode } from './errors.js';

export interface GatewayOptions {
  config: Pick<Config, 'port' | 'host' | 'sandbox' | 'introspection' | 'corsOrigins' | 'bodyLimitBytes'>;
  logger: Logger;
  upstream: UpstreamSettings;
}

export interface Gateway {
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  httpServer: Server;
  /** Stops accepting work, lets in-flight requests finish, then closes every socket. */
  close(): Promise<void>;
}

/** HTTP server: express + Apollo Server on /graphql, health endpoints, one error style. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, logger, upstream } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const httpServer = createServer(app);
  const schema = createSchema();
  const apollo = createApolloServer({
    schema,
    httpServer,
    logger,
    sandbox: config.sandbox,
    introspection: config.introspection,
  });
  await apollo.start();
  const createContext = createContextFactory(logger, upstream);
  let ready = true;

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'shutting-down' });
  });

  app.use(
    '/graphql',
    cors({ origin: config.corsOrigins ?? true, maxAge: 600 }),
    express.json({ limit: config.bodyLimitBytes }),
    (req, res, next) => {
      // express leaves the body undefined for other content types; Apollo then answers 500.
      // A client's wrong Content-Type is a client error: say so.
      if (req.method === 'POST' && req.body === undefined) {
        sendGraphQLStyleError(res, 415, 'POST requests must have Content-Type: application/json.', ErrorCode.BAD_REQUEST);
        return;
      }
      next();
    },
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const context = createContext({ requestId: req.get('x-request-id') });
        res.setHeader('x-request-id', context.requestId);
        return context;
      },
    }),
  );
  app.use((req, res) => {
    sendGraphQLStyleError(res, 404, `Nothing at ${req.method} ${req.path}.`, ErrorCode.NOT_FOUND);
  });
  app.use(httpErrorHandler(logger));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  return {
    url,
    httpServer,
    async close() {
      ready = false;
      await apollo.stop(); // the drain plugin closes the HTTP server and waits for requests
    },
  };
}
