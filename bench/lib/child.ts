import { performance } from 'node:perf_hooks';
import type { FromChild, ProcessStats, ToChild } from './protocol.js';

/** A system under test, as its process entry starts it. */
export interface ServedSystem {
  /** Base URL, e.g. http://127.0.0.1:43121 */
  url: string;
  /** Counters the runner reads with each stats request. */
  counters?: () => Record<string, number> | Promise<Record<string, number>>;
  close(): Promise<void>;
}

function send(message: FromChild): void {
  process.send?.(message);
}

/**
 * The child side of the protocol: waits for the runner's `init` payload, starts the system with
 * it, then answers stats requests until told to stop. Exits on its own if the runner goes away.
 */
export function serveSystem(start: (payload: unknown) => Promise<ServedSystem>): void {
  if (!process.send) throw new Error('a benchmark system must be started by the runner (fork with an IPC channel)');
  let system: ServedSystem | undefined;
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: ToChild) => {
    void handle(message).catch((error: unknown) => {
      send({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exit(1);
    });
  });

  async function handle(message: ToChild): Promise<void> {
    switch (message.kind) {
      case 'init':
        system = await start(message.payload);
        send({ kind: 'ready', url: system.url });
        return;
      case 'stats':
        send({ kind: 'stats', id: message.id, stats: await readStats(system) });
        return;
      case 'stop':
        await system?.close();
        send({ kind: 'stopped' });
        // Let the IPC message leave before exiting (and --cpu-prof write its profile).
        setTimeout(() => process.exit(0), 50);
        return;
      default: {
        const unknown: never = message;
        throw new Error(`unknown message ${JSON.stringify(unknown)}`);
      }
    }
  }
}

async function readStats(system: ServedSystem | undefined): Promise<ProcessStats> {
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    cpuMicros: cpu.user + cpu.system,
    at: performance.timeOrigin + performance.now(),
    counters: (await system?.counters?.()) ?? {},
  };
}
