import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FromChild, ProcessStats, ToChild } from './protocol.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A system under test running in its own process, started by `startSystem`. */
export interface SystemProcess {
  readonly name: string;
  readonly pid: number;
  /** Base URL, e.g. http://127.0.0.1:43121 */
  readonly url: string;
  stats(): Promise<ProcessStats>;
  /** Asks the system to close, then waits for its process to exit (killed after a grace period). */
  stop(): Promise<void>;
  /** The last lines it printed, for error messages. */
  output(): string;
}

export interface StartOptions {
  /** The environment, on top of a minimal one (PATH, HOME…): nothing else of the runner's leaks in. */
  env?: Record<string, string>;
  /** Handed to the system's start function. */
  payload?: unknown;
  /** When set, the process writes a V8 CPU profile there (`--cpu-prof`) when it stops. */
  profileDir?: string;
  startTimeoutMs?: number;
}

const STOP_GRACE_MS = 15_000;
const OUTPUT_KEPT = 16_384; // characters of output kept for error messages

/** Every process the runner started, killed if the runner itself exits first. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The runner and every process it started that is still running. */
export function benchmarkPids(): number[] {
  return [process.pid, ...[...running].flatMap((child) => (child.pid === undefined ? [] : [child.pid]))];
}

/** Registers a process the runner spawned, so that it never outlives the runner. */
export function ownProcess(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'TZ']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** Forks `entry` (a TypeScript file run through tsx) and waits until it reports ready. */
export async function startSystem(name: string, entry: URL, options: StartOptions = {}): Promise<SystemProcess> {
  const execArgv = ['--import', 'tsx'];
  // Every thread writes a profile (tsx's loader runs on a thread of its own): each system gets a
  // directory, and its main thread's profile is kept as <name>.cpuprofile once it stops.
  const profileDir = options.profileDir ? `${options.profileDir}/${name.replace(/[^\w.-]+/g, '_')}` : undefined;
  if (profileDir) {
    mkdirSync(profileDir, { recursive: true });
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
  }
  const child = fork(fileURLToPath(entry), [], {
    cwd: REPO_ROOT,
    env: { ...baseEnv(), ...options.env },
    execArgv,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  ownProcess(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  const pending = new Map<number, { resolve: (stats: ProcessStats) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const failure = (why: string) => new Error(`${name}: ${why}\n--- last output of ${name} ---\n${output}`);
  void exit.then(() => {
    for (const waiter of pending.values()) waiter.reject(failure('exited'));
    pending.clear();
  });

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(failure('not ready in time')), options.startTimeoutMs ?? 60_000);
    child.on('message', (message: FromChild) => {
      if (message.kind === 'ready') {
        clearTimeout(timer);
        resolve(message.url);
      } else if (message.kind === 'failed') {
        clearTimeout(timer);
        reject(failure(message.message));
      } else if (message.kind === 'stats') {
        pending.get(message.id)?.resolve(message.stats);
        pending.delete(message.id);
      }
    });
    void exit.then(() => {
      clearTimeout(timer);
      reject(failure(`exited with code ${child.exitCode ?? child.signalCode}`));
    });
    const init: ToChild = { kind: 'init', payload: options.payload ?? null };
    child.send(init);
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await exit;
    throw error;
  });

  return {
    name,
    pid: child.pid ?? -1,
    url,
    output: () => output,
    stats() {
      if (exited) return Promise.reject(failure('exited'));
      const id = nextId++;
      return new Promise<ProcessStats>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        const request: ToChild = { kind: 'stats', id };
        child.send(request);
      });
    },
    async stop() {
      if (exited) return;
      const stop: ToChild = { kind: 'stop' };
      child.send(stop);
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exit;
      clearTimeout(timer);
      if (profileDir) keepMainThreadProfile(profileDir);
    },
  };
}

/** Node names profiles CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; the main thread is 0. */
function keepMainThreadProfile(directory: string): void {
  const main = readdirSync(directory).find((file) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(file));
  if (main) renameSync(`${directory}/${main}`, `${directory}.cpuprofile`);
  rmSync(directory, { recursive: true, force: true });
}

/** CPU used between two readings, as a share of one core (1 = one core busy all the time). */
export function cpuShare(before: ProcessStats, after: ProcessStats): number {
  const wallMs = after.at - before.at;
  return wallMs > 0 ? (after.cpuMicros - before.cpuMicros) / 1_000 / wallMs : 0;
}

/** The systems a scenario started: whatever happens, `stopAll` leaves none running. */
export class ProcessScope {
  readonly #systems: SystemProcess[] = [];

  async start(starting: Promise<SystemProcess>): Promise<SystemProcess> {
    const system = await starting;
    this.#systems.push(system);
    return system;
  }

  async stopAll(): Promise<void> {
    for (const system of this.#systems.reverse()) await system.stop();
    this.#systems.length = 0;
  }
}
