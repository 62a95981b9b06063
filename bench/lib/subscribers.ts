import type { Worker } from 'node:worker_threads';
import type { SubscriberJob, SubscriberProgress, SubscriberReceipts, ToSubscriberWorker } from './subscriber-worker.js';
import { startTsWorker } from './ts-worker.js';

export interface SubscriberOptions {
  /** ws://…/graphql */
  url: string;
  query: string;
  /** One entry per subscriber: the variables of its subscription (null for none). */
  variables: (Record<string, unknown> | null)[];
  /** Worker threads the sockets are spread over. */
  threads: number;
  /** Sockets in their handshake at once, per thread. */
  concurrency?: number;
  /** Give up when not every socket has subscribed by then. */
  timeoutMs?: number;
}

export type Totals = Omit<SubscriberProgress, 'kind'>;

/** Subscribers spread over worker threads of the runner, so one event loop does not carry them all. */
export class SubscriberPool {
  readonly #workers: Worker[];
  readonly #progress: Totals[];
  readonly #receiptWaiters = new Map<number, (receipts: Map<string, number[]>) => void>();

  private constructor(workers: Worker[]) {
    this.#workers = workers;
    this.#progress = workers.map(() => ({
      opened: 0,
      subscribed: 0,
      failed: 0,
      closed: 0,
      received: 0,
      invalid: 0,
      firstProblem: undefined,
    }));
    workers.forEach((worker, index) => {
      worker.on('message', (message: SubscriberProgress | SubscriberReceipts) => {
        if (message.kind === 'progress') this.#progress[index] = message;
        else {
          this.#receiptWaiters.get(index)?.(message.receipts);
          this.#receiptWaiters.delete(index);
        }
      });
    });
  }

  /** Opens every socket and sends its subscribe; resolves once all did (or fails with the counts). */
  static async open(options: SubscriberOptions): Promise<SubscriberPool> {
    const threads = Math.max(1, Math.min(options.threads, options.variables.length));
    const share = Math.ceil(options.variables.length / threads);
    const workers = Array.from({ length: threads }, (_, thread) => {
      const job: SubscriberJob = {
        url: options.url,
        query: options.query,
        variables: options.variables.slice(thread * share, (thread + 1) * share),
        concurrency: options.concurrency ?? 64,
      };
      return startTsWorker(new URL('./subscriber-worker.ts', import.meta.url), { workerData: job });
    });
    const pool = new SubscriberPool(workers);
    const expected = options.variables.length;
    await pool.waitFor(
      (totals) => totals.subscribed + totals.failed + totals.closed >= expected,
      options.timeoutMs ?? 120_000,
      'subscribers to connect',
    );
    const totals = pool.totals();
    if (totals.subscribed < expected || totals.failed > 0) {
      await pool.close();
      throw new Error(
        `only ${totals.subscribed} of ${expected} subscribers connected (${totals.failed} failed, ${totals.closed} closed): ${totals.firstProblem ?? ''}`,
      );
    }
    return pool;
  }

  totals(): Totals {
    const sum: Totals = { opened: 0, subscribed: 0, failed: 0, closed: 0, received: 0, invalid: 0, firstProblem: undefined };
    for (const part of this.#progress) {
      sum.opened += part.opened;
      sum.subscribed += part.subscribed;
      sum.failed += part.failed;
      sum.closed += part.closed;
      sum.received += part.received;
      sum.invalid += part.invalid;
      sum.firstProblem ??= part.firstProblem;
    }
    return sum;
  }

  /** Polls the workers' progress until `done` holds; throws after `timeoutMs`. */
  async waitFor(done: (totals: Totals) => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.totals())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${JSON.stringify(this.totals())}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * Waits until `expected` messages arrived in all, or none arrived for `quietMs`, or `maxMs`
   * passed: delivery that stops short shows as delivered < expected, not as a hang.
   */
  async settle(expected: number, quietMs: number, maxMs: number): Promise<void> {
    const deadline = Date.now() + maxMs;
    let last = this.totals().received;
    let lastChange = Date.now();
    while (this.totals().received < expected && Date.now() < deadline && Date.now() - lastChange < quietMs) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const received = this.totals().received;
      if (received !== last) {
        last = received;
        lastChange = Date.now();
      }
    }
  }

  /** Every arrival since the last collect: eventId → arrival times (ms). */
  async collect(): Promise<Map<string, number[]>> {
    const parts = await Promise.all(
      this.#workers.map(
        (worker, index) =>
          new Promise<Map<string, number[]>>((resolve) => {
            this.#receiptWaiters.set(index, resolve);
            worker.postMessage({ kind: 'collect' } satisfies ToSubscriberWorker);
          }),
      ),
    );
    const merged = new Map<string, number[]>();
    for (const part of parts) {
      for (const [eventId, times] of part) {
        const known = merged.get(eventId);
        if (known) known.push(...times);
        else merged.set(eventId, times);
      }
    }
    return merged;
  }

  /** Drops the sockets that are still open and ends the threads. */
  async close(): Promise<void> {
    for (const worker of this.#workers) worker.postMessage({ kind: 'close' } satisfies ToSubscriberWorker);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }
}
