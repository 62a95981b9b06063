/**
 * A push-to-pull queue: an AsyncIterableIterator fed by `push`, ended by `end` or by the consumer
 * (`return`, which graphql-ws calls when the client completes or goes away). `onClose` runs exactly
 * once either way, so a listener registered for the queue is always removed.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  readonly #buffer: T[] = [];
  readonly #waiting: Array<{ resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }> = [];
  #done = false;
  #error: unknown;
  readonly #onClose: () => void;
  readonly #onTaken: (value: T) => void;

  /** `onTaken` runs for each value the consumer takes (not for values dropped by `return`). */
  constructor(onClose: () => void = () => {}, onTaken: (value: T) => void = () => {}) {
    this.#onClose = onClose;
    this.#onTaken = onTaken;
  }

  get size(): number {
    return this.#buffer.length;
  }

  get closed(): boolean {
    return this.#done;
  }

  push(value: T): void {
    if (this.#done) return;
    const waiter = this.#waiting.shift();
    if (!waiter) {
      this.#buffer.push(value);
      return;
    }
    waiter.resolve({ value, done: false });
    this.#onTaken(value);
  }

  /** Ends the stream; with an error, the consumer's next read rejects with it (after buffered items). */
  end(error?: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.#error = error;
    this.#onClose();
    for (const waiter of this.#waiting.splice(0)) {
      if (error === undefined) waiter.resolve({ value: undefined, done: true });
      else waiter.reject(error);
    }
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.#buffer.shift();
    if (value !== undefined) {
      this.#onTaken(value);
      return Promise.resolve({ value, done: false });
    }
    if (this.#done) {
      const error = this.#error;
      this.#error = undefined;
      return error === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(asError(error));
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.#buffer.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.#buffer.length = 0;
    this.end();
    return Promise.reject(asError(error));
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}

/** A rejection reason is an Error, whatever the queue was ended with. */
function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
