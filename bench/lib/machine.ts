import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { REPO_ROOT } from './processes.js';

/** The packages whose versions a reader needs to compare runs. */
const PACKAGES = [
  '@apollo/server',
  '@as-integrations/express5',
  'express',
  'graphql',
  'graphql-ws',
  'ws',
  '@graphql-tools/schema',
  'dataloader',
  'ioredis',
  'jose',
  'pino',
  'autocannon',
  'tsx',
];

export interface Machine {
  date: string;
  os: string;
  cpus: string;
  memoryGiB: number;
  /** 1, 5 and 15 minute load averages. */
  loadAtStart: number[];
  loadAtEnd?: number[];
  node: string;
  packages: Record<string, string>;
  redisServer: string | null;
  commit: string | null;
}

function installedVersion(name: string): string {
  try {
    const manifest = JSON.parse(readFileSync(`${REPO_ROOT}node_modules/${name}/package.json`, 'utf8')) as { version?: string };
    return manifest.version ?? '?';
  } catch {
    return 'not installed';
  }
}

function quiet(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  const models = [...new Set(cpus.map((cpu) => cpu.model.trim()))].join(', ');
  const commit = quiet('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = quiet('git', ['status', '--porcelain', '--untracked-files=no']);
  return {
    date: new Date().toISOString(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: `${cpus.length} × ${models}`,
    memoryGiB: Math.round((os.totalmem() / 1_024 ** 3) * 10) / 10,
    loadAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
    node: process.version,
    packages: Object.fromEntries(PACKAGES.map((name) => [name, installedVersion(name)])),
    redisServer: /v=(\S+)/.exec(quiet('redis-server', ['--version']) ?? '')?.[1] ?? null,
    commit: commit ? `${commit}${dirty ? ' (with uncommitted changes)' : ''}` : null,
  };
}

export function loadNow(): number[] {
  return os.loadavg().map((load) => Math.round(load * 100) / 100);
}
