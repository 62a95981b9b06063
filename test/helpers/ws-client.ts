import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';

type Result = ExecutionResult<Record<string, unknown>, unknown>;

/** One subscription: every message it received, and a way to await the next ones. */
export interface Subscription {
  /** Resolves with the next result (data or errors), failing after `timeoutMs`. */
  next(timeoutMs?: number): Promise<Result>;
  /** Resolves when the server completes the operation or the subscription errors. */
  ended: Promise<unknown>;
  received: Result[];
  unsubscribe(): void;
}

/** A real graphql-ws client (Node `ws`), as a browser app would use it. */
export function connect(url: string, options: { connectionParams?: Record<string, unknown> } = {}): Client {
  return createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    ...(options.connectionParams ? { connectionParams: options.connectionParams } : {}),
  });
}

/** Results as they arrive, the end, and a way to await the next ones: what every transport's test client keeps. */
export function resultCollector(): {
  deliver: (result: Result) => void;
  end: (reason?: unknown) => void;
  subscription: Omit<Subscription, 'unsubscribe'>;
} {
  const received: Result[] = [];
  const waiters: Array<(result: Result) => void> = [];
  let settle: (value: unknown) => void = () => {};
  const ended = new Promise((resolve) => {
    settle = resolve;
  });
  let read = 0;
  return {
    deliver: (result) => {
      received.push(result);
      waiters.shift()?.(result);
    },
    end: (reason) => settle(reason),
    subscription: {
      received,
      ended,
      next(timeoutMs = 5_000) {
        const index = read;
        read += 1;
        const ready = received[index];
        if (ready) return Promise.resolve(ready);
        return new Promise<Result>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no subscription message within ${timeoutMs} ms`)), timeoutMs);
          waiters.push((result) => {
            clearTimeout(timer);
            resolve(result);
          });
        });
      },
    },
  };
}

export function subscribe(client: Client, query: string, variables?: Record<string, unknown>): Subscription {
  const { deliver, end, subscription } = resultCollector();
  const unsubscribe = client.subscribe<Record<string, unknown>>(
    { query, ...(variables ? { variables } : {}) },
    {
      next: deliver,
      error: (error) => {
        if (Array.isArray(error)) deliver({ errors: error });
        end(error);
      },
      complete: () => end(undefined),
    },
  );
  return { ...subscription, unsubscribe };
}

/** Waits until the server has attached `count` subscriptions (subscribe is asynchronous on the server). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
