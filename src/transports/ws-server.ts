import type { IncomingMessage } from 'node:http';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from 'pino';
import type { Caller } from '../auth/caller.js';
import { SocketBudget, closeSlowConsumer } from './socket-limits.js';

/** What graphql-ws keeps of each connection: the socket, and only the handshake headers used later. */
export interface ConnectionExtra {
  socket: WebSocket;
  /** The handshake's `x-request-id`, if any (the handshake request itself is not kept). */
  requestId: string | undefined;
  /** The client's address: whom per-caller limits count against when the caller has no token. */
  address: string | undefined;
  /** The bytes this socket may have waiting, unsent or queued for its subscriptions. */
  budget: SocketBudget;
  /** Who opened the connection, once `connection_init` was accepted. */
  caller?: Caller;
}

/** Groups of sockets pinged in turn (see serveGraphQLWs). */
const KEEP_ALIVE_SLOTS = 16;

export interface WsServerLimits {
  /** Interval of keep-alive pings. */
  keepAliveMs: number;
  /** Bytes one socket may have waiting before it counts as too slow (see SocketBudget). */
  maxBufferedBytes: number;
}

export interface WsServerHandle {
  /** Closes every socket with 1001 (going away) and stops accepting new ones. */
  dispose(): Promise<void>;
}

/**
 * graphql-ws's protocol (`makeServer`) on a `ws` server, as graphql-ws's own `useServer` does, with
 * less kept per socket:
 *
 * - one keep-alive loop for all sockets instead of a timer per socket: every `keepAliveMs`, a socket
 *   that has not answered the previous ping is terminated, the others are pinged (in turns spread
 *   over the interval, not all at once);
 * - the handshake request is not kept for the life of the socket, only the header used later;
 * - a socket whose unsent bytes would pass its budget is closed as too slow (1008) rather than
 *   allowed to buffer without bound for a client that does not read.
 *
 * (Results shared by many subscribers do not pass here: see `SharedSubscriptions`.)
 */
export function serveGraphQLWs(
  options: ServerOptions<Record<string, unknown> | undefined, ConnectionExtra>,
  wss: WebSocketServer,
  { keepAliveMs, maxBufferedBytes }: WsServerLimits,
  logger: Logger,
): WsServerHandle {
  const server = makeServer(options);
  wss.options.handleProtocols = handleProtocols;
  /** Sockets that have not answered the last ping. */
  const awaitingPong = new WeakSet<WebSocket>();
  // One listener function for every socket rather than a closure each.
  function onPong(this: WebSocket): void {
    awaitingPong.delete(this);
  }
  /**
   * Sockets in KEEP_ALIVE_SLOTS groups, one group handled per tick, so each socket is pinged once per
   * `keepAliveMs` and 10,000 sockets are never all pinged in one burst.
   */
  const slots = Array.from({ length: KEEP_ALIVE_SLOTS }, () => new Set<WebSocket>());
  let nextSlot = 0;
  let tick = 0;
  const keepAlive =
    keepAliveMs > 0 && Number.isFinite(keepAliveMs)
      ? setInterval(() => {
          const slot = slots[tick]!;
          tick = (tick + 1) % KEEP_ALIVE_SLOTS;
          for (const socket of slot) {
            if (socket.readyState !== socket.OPEN) continue;
            if (awaitingPong.has(socket)) {
              socket.terminate();
              continue;
            }
            awaitingPong.add(socket);
            socket.ping();
          }
        }, keepAliveMs / KEEP_ALIVE_SLOTS)
      : undefined;
  keepAlive?.unref();

  const internalError = (socket: WebSocket, error: unknown, what: string) => {
    logger.error({ err: error }, what);
    socket.close(CloseCode.InternalServerError, 'Internal server error');
  };
  wss.once('error', (error) => {
    logger.error({ err: error }, 'WebSocket server error');
    for (const client of wss.clients) client.close(CloseCode.InternalServerError, 'Internal server error');
  });

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    socket.once('error', (error) => internalError(socket, error, 'WebSocket error'));
    socket.on('pong', onPong);
    const slot = slots[nextSlot]!;
    nextSlot = (nextSlot + 1) % KEEP_ALIVE_SLOTS;
    slot.add(socket);
    const offeredId = request.headers['x-request-id'];
    const extra: ConnectionExtra = {
      socket,
      requestId: typeof offeredId === 'string' ? offeredId : undefined,
      address: request.socket.remoteAddress,
      budget: new SocketBudget(socket, maxBufferedBytes),
    };
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) {
              resolve();
              return;
            }
            if (!extra.budget.fits(Buffer.byteLength(data))) {
              closeSlowConsumer(socket, logger);
              resolve();
              return;
            }
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (message: Buffer | ArrayBuffer | Buffer[]) => {
            handle(messageText(message)).catch((error: unknown) => internalError(socket, error, 'WebSocket message handling failed'));
          }),
      },
      extra,
    );
    socket.once('close', (code, reason) => {
      slot.delete(socket);
      void closed(code, String(reason));
    });
  });

  return {
    async dispose() {
      if (keepAlive) clearInterval(keepAlive);
      for (const client of wss.clients) client.close(1001, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** A message's text: `ws` hands a Buffer, or for other binary types an ArrayBuffer or fragments. */
function messageText(message: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(message)) return Buffer.concat(message).toString('utf8');
  return (Buffer.isBuffer(message) ? message : Buffer.from(message)).toString('utf8');
}
