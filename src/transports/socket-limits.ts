import { CloseCode } from 'graphql-ws';
import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { QueueBudget } from '../bus/bus.js';

/** Close code for a consumer too slow to keep up, or a caller over its socket limit (RFC 6455: 1008, policy violation). */
export const POLICY_VIOLATION = 1008;
/** A client that stops reading may never answer the close handshake either. */
const CLOSE_GRACE_MS = 1_000;
/** The longest delay `setTimeout` takes (2^31 - 1 ms, about 24.8 days): a longer one fires at once. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A client that stops reading shows as bytes piling up for its socket: past the limit the socket is
 * closed, rather than allowed to hold memory for a reader that is not there.
 */
export function closeSlowConsumer(socket: WebSocket, logger: Logger): void {
  if (socket.readyState !== socket.OPEN) return;
  logger.warn('closing a WebSocket too slow to keep up with its events');
  socket.close(POLICY_VIOLATION, 'Too slow: events were not read');
  setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
}

/**
 * The bytes one consumer may have waiting: what its transport has not sent yet (`unsent`) plus the
 * events queued for its subscriptions. One message always fits an idle consumer, however large.
 */
export class WriteBudget implements QueueBudget {
  #queued = 0;

  constructor(
    private readonly unsent: () => number,
    private readonly maxBytes: number,
  ) {}

  /** Whether `bytes` more may wait for this consumer now. */
  fits(bytes: number): boolean {
    const waiting = this.unsent() + this.#queued;
    return waiting === 0 || waiting + bytes <= this.maxBytes;
  }

  reserve(bytes: number): boolean {
    if (!this.fits(bytes)) return false;
    this.#queued += bytes;
    return true;
  }

  release(bytes: number): void {
    this.#queued = Math.max(0, this.#queued - bytes);
  }
}

/** A WebSocket's budget: its `bufferedAmount` is what it has not sent yet. */
export class SocketBudget extends WriteBudget {
  constructor(socket: WebSocket, maxBytes: number) {
    super(() => socket.bufferedAmount, maxBytes);
  }
}

/** The open sockets of each caller (by caller key), capped at `max` each; 0: no cap. */
export class CallerSockets {
  readonly #open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Sockets counted for `key` (for tests and metrics). */
  count(key: string): number {
    return this.#open.get(key) ?? 0;
  }

  /**
   * Counts `socket` for `key` until it closes; false (nothing counted) when the caller is at its cap,
   * or when the socket closed already (while its token was checked): it would never be uncounted.
   */
  admit(key: string, socket: WebSocket): boolean {
    if (socket.readyState === socket.CLOSED) return false;
    const open = this.#open.get(key) ?? 0;
    if (this.max > 0 && open >= this.max) return false;
    this.#open.set(key, open + 1);
    socket.once('close', () => {
      const left = (this.#open.get(key) ?? 1) - 1;
      if (left > 0) this.#open.set(key, left);
      else this.#open.delete(key);
    });
    return true;
  }
}

/**
 * A token that expires closes its socket (4403), so the client reconnects with a fresh one. A
 * token valid for longer than one timer can wait is waited for in steps.
 */
export function closeAtExpiry(socket: WebSocket, expiresAt: number): void {
  let timer: NodeJS.Timeout | undefined;
  const wait = () => {
    const left = expiresAt - Date.now();
    if (left <= 0) {
      socket.close(CloseCode.Forbidden, 'Token expired');
      return;
    }
    timer = setTimeout(wait, Math.min(left, MAX_TIMER_MS));
    timer.unref();
  };
  wait();
  socket.once('close', () => clearTimeout(timer));
}
