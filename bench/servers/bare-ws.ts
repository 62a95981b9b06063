/**
 * The anchor of webhook ingest and fan-out: the plain libraries with nothing of the gateway.
 * express with a webhook route that verifies the RS256 JWT (key imported once), dedupes on the
 * event id in a Set and publishes to an in-memory pubsub; graphql-ws + ws on `/graphql` serving the
 * project's SDL, whose `scheduleUpdated` reads that pubsub. Same payload shape as the gateway's.
 */
import { createPublicKey } from 'node:crypto';
import { createServer } from 'node:http';
import { makeExecutableSchema } from '@graphql-tools/schema';
import express from 'express';
import { useServer } from 'graphql-ws/use/ws';
import { importSPKI, jwtVerify } from 'jose';
import { WebSocketServer } from 'ws';
import { DEV_WEBHOOK_PRIVATE_KEY_PEM } from '../../src/emulator/dev-webhook-key.js';
import { loadTypeDefs } from '../../src/graphql/schema.js';
import { serveSystem } from '../lib/child.js';
import { closeServer, listenOnLoopback } from './listen.js';

interface BareEvent {
  eventId: string;
  eventTime: string;
  sequence: string;
  cursor: string;
  schedule: { id: string } & Record<string, unknown>;
}

/** A pubsub of the smallest kind: one listener and one queue per subscriber. */
class PubSub {
  readonly #listeners = new Set<(event: BareEvent) => void>();

  get size(): number {
    return this.#listeners.size;
  }

  publish(event: BareEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  subscribe(accept: (event: BareEvent) => boolean): AsyncIterableIterator<BareEvent> {
    const queue: BareEvent[] = [];
    let waiting: ((result: IteratorResult<BareEvent>) => void) | undefined;
    let ended = false;
    const listener = (event: BareEvent) => {
      if (!accept(event)) return;
      if (waiting) {
        const wake = waiting;
        waiting = undefined;
        wake({ value: event, done: false });
      } else queue.push(event);
    };
    this.#listeners.add(listener);
    const end = (): Promise<IteratorResult<BareEvent>> => {
      ended = true;
      this.#listeners.delete(listener);
      waiting?.({ value: undefined, done: true });
      waiting = undefined;
      return Promise.resolve({ value: undefined, done: true });
    };
    return {
      next: () => {
        const event = queue.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          waiting = resolve;
        });
      },
      return: end,
      throw: async (error: unknown) => {
        await end();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}

interface JwtData {
  data?: unknown;
}

serveSystem(async () => {
  // The key imported once, as a WebCrypto key (what jose verifies with).
  const publicKey = await importSPKI(
    createPublicKey(DEV_WEBHOOK_PRIVATE_KEY_PEM).export({ type: 'spki', format: 'pem' }).toString(),
    'RS256',
  );
  const pubsub = new PubSub();
  const seen = new Set<string>();
  const counts = { accepted: 0, duplicate: 0, refused: 0 };
  let position = 0;

  const schema = makeExecutableSchema({
    typeDefs: loadTypeDefs(),
    resolvers: {
      Subscription: {
        scheduleUpdated: {
          subscribe: (_: unknown, { scheduleIds }: { scheduleIds?: string[] | null }) => {
            const ids = scheduleIds ? new Set(scheduleIds) : undefined;
            return pubsub.subscribe((event) => !ids || ids.has(event.schedule.id));
          },
          resolve: (event: BareEvent) => event,
        },
      },
    },
  });

  const app = express();
  app.disable('x-powered-by');
  app.post('/webhooks/wix', express.raw({ type: () => true, limit: 1_024 * 1_024 }), async (req, res) => {
    try {
      const token = Buffer.isBuffer(req.body) ? req.body.toString('latin1').trim() : '';
      const { payload } = await jwtVerify<JwtData>(token, publicKey, { algorithms: ['RS256'] });
      const envelope = JSON.parse(String(payload.data)) as { data: string };
      const event = JSON.parse(envelope.data) as {
        id: string;
        eventTime: string;
        entityEventSequence: string;
        updatedEvent: { currentEntity: BareEvent['schedule'] };
      };
      if (seen.has(event.id)) {
        counts.duplicate += 1;
        res.json({ status: 'duplicate' });
        return;
      }
      seen.add(event.id);
      position += 1;
      pubsub.publish({
        eventId: event.id,
        eventTime: event.eventTime,
        sequence: event.entityEventSequence,
        cursor: String(position),
        schedule: event.updatedEvent.currentEntity,
      });
      counts.accepted += 1;
      res.json({ status: 'accepted' });
    } catch {
      counts.refused += 1;
      res.status(400).json({ status: 'refused' });
    }
  });

  const httpServer = createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const graphqlWs = useServer({ schema }, wsServer);
  const url = await listenOnLoopback(httpServer);
  return {
    url,
    counters: () => ({
      subscriptions: pubsub.size,
      sockets: wsServer.clients.size,
      'webhooks.accepted': counts.accepted,
      'webhooks.duplicate': counts.duplicate,
      'webhooks.refused': counts.refused,
    }),
    async close() {
      await graphqlWs.dispose();
      await closeServer(httpServer);
    },
  };
});
