import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SCHEDULE_IDS } from '../../src/emulator/demo-data.js';
import { ROOT, runNode } from '../helpers/process.js';
import { connect, subscribe } from '../helpers/ws-client.js';

const run = promisify(execFile);

/**
 * The production artefact, made the way the Dockerfile makes it: the build (scripts/build.ts, what
 * `npm run build` runs after codegen) into a fresh directory, then a clean directory holding only
 * that `dist/`, package.json, package-lock.json and `npm ci --omit=dev`, started with
 * `node dist/main.js` (what `npm run start:prod` runs).
 */
let workDir = '';
let appDir = '';
let gateway: ReturnType<typeof runNode> | undefined;
let url = '';

interface LockFile {
  packages: Record<string, { dev?: boolean }>;
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'gateway-artifact-'));
  appDir = join(workDir, 'app');
  mkdirSync(appDir);
  await run(process.execPath, ['--import', 'tsx', 'scripts/build.ts', join(appDir, 'dist')], { cwd: ROOT });
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(ROOT, file), join(appDir, file));
  // --prefer-offline only lets npm take the tarballs from its cache when it has them.
  await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: appDir });
  gateway = runNode(['dist/main.js'], { PORT: '0', LOG_LEVEL: 'info' }, appDir);
  const exited = once(gateway.child, 'exit').then(([code]) => {
    throw new Error(`node dist/main.js exited with ${String(code)}: ${gateway?.stderr()}`);
  });
  const ready = await Promise.race([
    gateway.waitForLine((line) => typeof line.msg === 'string' && line.msg.startsWith('gateway ready')),
    exited,
  ]);
  url = String(ready.url).replace(/\/graphql$/, '');
}, 180_000);

afterAll(() => {
  if (gateway && gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function graphql<T>(query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: unknown[] }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { data?: T; errors?: unknown[] };
}

describe('the production artefact (dist/ with production dependencies only)', () => {
  it('holds only dist/, the package files and production dependencies: no dev dependency can be loaded', () => {
    expect(readdirSync(appDir).sort()).toEqual(['dist', 'node_modules', 'package-lock.json', 'package.json']);
    const lock = JSON.parse(readFileSync(join(appDir, 'package-lock.json'), 'utf8')) as LockFile;
    const devOnly = Object.keys(lock.packages)
      .filter((path) => path.startsWith('node_modules/') && lock.packages[path]?.dev === true)
      .map((path) => path.slice('node_modules/'.length));
    expect(devOnly).toEqual(expect.arrayContaining(['typescript', 'vitest', '@graphql-codegen/cli', 'eslint', 'prettier']));
    for (const name of devOnly) expect(existsSync(join(appDir, 'node_modules', name)), name).toBe(false);
    // Nor above it, where Node's resolution would look next.
    for (let dir = dirname(appDir); dir !== dirname(dir); dir = dirname(dir)) {
      expect(existsSync(join(dir, 'node_modules')), dir).toBe(false);
    }
    // The sources are not there either: what runs is the compiled JavaScript and its assets.
    expect(existsSync(join(appDir, 'dist', 'main.js'))).toBe(true);
    expect(existsSync(join(appDir, 'src'))).toBe(false);
  });

  it('serves a query, a mutation and the subscription event it causes (graphql-ws), end to end', async () => {
    const query = await graphql<{ connections: { connections: Array<{ id: string }> } }>('{ connections { connections { id } } }');
    expect(query.errors).toBeUndefined();
    expect(query.data?.connections.connections.length).toBeGreaterThan(0);

    const id = DEMO_SCHEDULE_IDS.mayaPersonalTraining;
    const client = connect(`${url.replace(/^http/, 'ws')}/graphql`);
    try {
      const subscription = subscribe(client, 'subscription($ids: [ID!]) { scheduleUpdated(scheduleIds: $ids) { schedule { id name } } }', {
        ids: [id],
      });
      // Attached once the gateway counts it (a separate process: its metrics say so).
      for (;;) {
        const metrics = await (await fetch(`${url}/metrics`)).text();
        if (/^gateway_active_subscriptions 1$/m.test(metrics)) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const before = await graphql<{ schedule: { revision: string } }>('query($id: ID!) { schedule(id: $id) { revision } }', { id });
      const renamed = await graphql<{ updateSchedule: { userErrors: unknown[] } }>(
        'mutation($s: UpdateScheduleInput!) { updateSchedule(schedule: $s) { schedule { id name } userErrors { code } } }',
        { s: { id, revision: before.data?.schedule.revision, name: 'Renamed in production' } },
      );
      expect(renamed).toEqual({ data: { updateSchedule: { schedule: { id, name: 'Renamed in production' }, userErrors: [] } } });
      const event = await subscription.next(10_000);
      expect(event).toEqual({ data: { scheduleUpdated: { schedule: { id, name: 'Renamed in production' } } } });
      subscription.unsubscribe();
    } finally {
      await client.dispose();
    }
  });

  it('serves the pages, their files and the client operations from dist/', async () => {
    for (const path of ['/', '/graphiql', '/demo', '/graphiql/graphiql.js', '/explorers/vendor/graphiql.min.js']) {
      const response = await fetch(`${url}${path}`);
      expect(response.status, path).toBe(200);
      // Read to the end: an unread body keeps its connection busy, and shutdown would wait for it.
      await response.arrayBuffer();
    }
    expect(await (await fetch(`${url}/demo/operations.js`)).text()).toContain('export const RenameSchedule = ');
  });

  it('stops on SIGTERM with exit code 0, having logged only JSON lines and nothing on stderr', async () => {
    const proc = gateway!;
    const exited = once(proc.child, 'exit');
    proc.child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    for (const line of proc.lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(proc.stderr()).toBe('');
  });
});
