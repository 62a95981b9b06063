/**
 * The messages between the runner and a system under test, over the IPC channel of `fork`. Each
 * system runs in a process of its own, so its resident memory and CPU time are its own.
 */

/** What a system process reports about itself. */
export interface ProcessStats {
  /** Resident set size, bytes. */
  rssBytes: number;
  heapUsedBytes: number;
  /** User + system CPU time since the process started, microseconds. */
  cpuMicros: number;
  /** Wall clock of the reading (performance.timeOrigin + performance.now()), ms. */
  at: number;
  /** Counters the system keeps (upstream calls, webhook verdicts, attached subscriptions…). */
  counters: Record<string, number>;
}

export type ToChild = { kind: 'init'; payload: unknown } | { kind: 'stats'; id: number } | { kind: 'stop' };

export type FromChild =
  | { kind: 'ready'; url: string }
  | { kind: 'failed'; message: string }
  | { kind: 'stats'; id: number; stats: ProcessStats }
  | { kind: 'stopped' };
