/**
 * The ceiling of the query path: Apollo Server 5 on the same express 5 integration, with the
 * project's SDL and one trivial resolver that returns the gateway's own `connections` answer from
 * memory. What is left is graphql-js execution and serialisation of the large response.
 */
import { createServer } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { loadTypeDefs } from '../../src/graphql/schema.js';
import { serveSystem } from '../lib/child.js';
import { closeServer, listenOnLoopback } from './listen.js';

export interface ApolloMemoryPayload {
  /** The value of the `connections` field, as the gateway answered it (unions carry `__typename`). */
  connections: unknown;
}

serveSystem(async (payload) => {
  const { connections } = payload as ApolloMemoryPayload;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const apollo = new ApolloServer({
    typeDefs: loadTypeDefs(),
    resolvers: { Query: { connections: () => connections } },
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer })],
  });
  await apollo.start();
  app.use('/graphql', express.json({ limit: 1_024 * 1_024 }), expressMiddleware(apollo));
  const url = await listenOnLoopback(httpServer);
  return {
    url,
    async close() {
      await apollo.stop();
      if (httpServer.listening) await closeServer(httpServer);
    },
  };
});
