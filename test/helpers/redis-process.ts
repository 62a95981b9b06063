import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { Redis } from 'ioredis';

/**
 * A redis-server of one test's own, on a free loopback port, that the test may stop, restart,
 * flush or pause (SIGSTOP) without disturbing the suite's shared one.
 */
export interface RedisProcess {
  url: string;
  port: number;
  /** Runs one command on a fresh connection (e.g. FLUSHALL, CONFIG SET). */
  command(name: string, ...args: (string | number)[]): Promise<unknown>;
  /** Stops the server (SIGKILL: with persistence off, its data is gone). */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same arguments. */
  restart(): Promise<void>;
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

function launch(port: number, args: string[]): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start within 10 s')), 10_000);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${output.slice(-500)}`));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Persistence off unless `args` says otherwise (later arguments win). */
export async function startRedisProcess(args: string[] = []): Promise<RedisProcess> {
  const port = await freePort();
  // Its own directory: a replica's sync writes an RDB file even with persistence off.
  const dir = await mkdtemp(join(tmpdir(), 'redis-test-'));
  const fullArgs = ['--dir', dir, '--save', '', '--appendonly', 'no', ...args];
  let child = await launch(port, fullArgs);
  const url = `redis://127.0.0.1:${port}`;
  return {
    url,
    port,
    async command(name, ...rest) {
      const connection = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
      try {
        await connection.connect();
        return await connection.call(name, ...rest);
      } finally {
        connection.disconnect();
      }
    },
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async restart() {
      child = await launch(port, fullArgs);
    },
    pause() {
      child.kill('SIGSTOP');
    },
    resume() {
      child.kill('SIGCONT');
    },
    async stop() {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
