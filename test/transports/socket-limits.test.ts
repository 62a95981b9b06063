import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { CallerSockets, SocketBudget, closeAtExpiry } from '../../src/transports/socket-limits.js';

/** What these helpers use of a `ws` socket: its state, its unsent bytes, `close` and its event. */
function fakeSocket(readyState = 1) {
  const socket = Object.assign(new EventEmitter(), {
    OPEN: 1,
    CLOSED: 3,
    readyState,
    bufferedAmount: 0,
    closedWith: undefined as number | undefined,
    close(code: number) {
      socket.closedWith = code;
      socket.readyState = 3;
      socket.emit('close', code);
    },
  });
  return socket;
}
const asWs = (socket: ReturnType<typeof fakeSocket>) => socket as unknown as WebSocket;

afterEach(() => {
  vi.useRealTimers();
});

describe('CallerSockets', () => {
  it('admits up to its cap per key, and again once one closes', () => {
    const sockets = new CallerSockets(2);
    const [a, b, c] = [fakeSocket(), fakeSocket(), fakeSocket()];
    expect([sockets.admit('sub:a', asWs(a)), sockets.admit('sub:a', asWs(b)), sockets.admit('sub:a', asWs(c))]).toEqual([
      true,
      true,
      false,
    ]);
    expect(sockets.admit('sub:b', asWs(c))).toBe(true);
    a.close(1000);
    expect(sockets.count('sub:a')).toBe(1);
    expect(sockets.admit('sub:a', asWs(fakeSocket()))).toBe(true);
  });

  it('does not count a socket that closed while its token was being checked', () => {
    const sockets = new CallerSockets(1);
    expect(sockets.admit('sub:a', asWs(fakeSocket(3)))).toBe(false);
    expect(sockets.count('sub:a')).toBe(0);
    expect(sockets.admit('sub:a', asWs(fakeSocket()))).toBe(true);
  });
});

describe('SocketBudget', () => {
  it('counts unsent and queued bytes, and always lets one message through an idle socket', () => {
    const socket = fakeSocket();
    const budget = new SocketBudget(asWs(socket), 1_000);
    expect(budget.fits(5_000)).toBe(true);
    expect(budget.reserve(600)).toBe(true);
    expect(budget.reserve(600)).toBe(false);
    socket.bufferedAmount = 300;
    expect(budget.fits(100)).toBe(true);
    expect(budget.fits(101)).toBe(false);
    budget.release(600);
    expect(budget.fits(700)).toBe(true);
  });
});

describe('closeAtExpiry', () => {
  it('waits past the longest timer (2^31 - 1 ms) in steps, then closes with 4403', () => {
    vi.useFakeTimers({ now: 0 });
    const socket = fakeSocket();
    const thirtyDaysMs = 30 * 24 * 60 * 60 * 1_000;
    closeAtExpiry(asWs(socket), thirtyDaysMs);
    vi.advanceTimersByTime(2_147_483_647);
    expect(socket.closedWith).toBeUndefined();
    vi.advanceTimersByTime(thirtyDaysMs - 2_147_483_647 - 1);
    expect(socket.closedWith).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(socket.closedWith).toBe(4403);
  });
});
