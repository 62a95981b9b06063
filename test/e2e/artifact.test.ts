import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SCHEDULE_IDS } from '../../src/emulator/demo-data.js';
import { execForm, instructionsOf, parseCopy, readDockerfile } from '../helpers/dockerfile.js';
import { ROOT, runNode } from '../helpers/process.js';
import { connect, subscribe } from '../helpers/ws-client.js';

const run = promisify(execFile);
const sh = (command: string, cwd: string) => run('sh', ['-c', command], { cwd });

/**
 * The production artefact, made by doing what the Dockerfile says (read from it, as no container
 * engine runs here): the build stage's files copied into an empty directory and its commands run
 * there; then a clean directory holding only what the runtime stage copies (dist/, package.json,
 * package-lock.json) and its `npm ci --omit=dev`, started with the image's CMD.
 */
const stages = readDockerfile();
const buildStage = stages.find((stage) => stage.name === 'build');
const runtimeStage = stages.at(-1);

let workDir = '';
let appDir = '';
let gateway: ReturnType<typeof runNode> | undefined;
let url = '';

interface LockFile {
  packages: Record<string, { dev?: boolean }>;
}

/** COPY, into `directory` as the image's WORKDIR; `--from=build` reads the build stage's WORKDIR (/app), `buildDir`. */
function copy(args: string, directory: string, buildDir: string): void {
  const { from, sources, destination } = parseCopy(args);
  for (const source of sources) {
    const origin = from === 'build' ? join(buildDir, source.replace(/^\/app\//, '')) : join(ROOT, source);
    // A directory's contents go into the destination; a file into it when it ends with '/'.
    const target =
      source.endsWith('/') || !destination.endsWith('/') ? join(directory, destination) : join(directory, destination, basename(source));
    cpSync(origin, target, { recursive: true });
  }
}

beforeAll(async () => {
  if (!buildStage || !runtimeStage) throw new Error('the Dockerfile has no build stage or no runtime stage');
  workDir = mkdtempSync(join(tmpdir(), 'gateway-artifact-'));
  const buildDir = join(workDir, 'build');
  appDir = join(workDir, 'app');
  mkdirSync(buildDir);
  mkdirSync(appDir);

  // Build stage: its COPYs, then its RUNs. Its `npm ci` (every dependency, from the same lock
  // file) is the repository's own node_modules.
  for (const args of instructionsOf(buildStage, 'COPY')) copy(args, buildDir, buildDir);
  const [install, ...buildCommands] = instructionsOf(buildStage, 'RUN');
  expect(install).toMatch(/^npm ci\b(?!.*--omit)/);
  symlinkSync(join(ROOT, 'node_modules'), join(buildDir, 'node_modules'));
  for (const command of buildCommands) await sh(command, buildDir);

  // Runtime stage: its COPYs and its production install (with npm's cache when it has the
  // tarballs; the image then cleans its own cache, which here would be the machine's).
  for (const args of instructionsOf(runtimeStage, 'COPY')) copy(args, appDir, buildDir);
  const [runtimeInstall = '', ...rest] = instructionsOf(runtimeStage, 'RUN').flatMap((command) =>
    command.split('&&').map((part) => part.trim()),
  );
  expect(runtimeInstall).toMatch(/^npm ci --omit=dev\b/);
  expect(rest).toEqual(['npm cache clean --force']);
  await sh(`${runtimeInstall} --prefer-offline`, appDir);

  const [node, ...args] = execForm(instructionsOf(runtimeStage, 'CMD')[0] ?? '');
  expect(node).toBe('node');
  // Emulator mode (no credentials, not production), on a free port.
  gateway = runNode(args, { PORT: '0', LOG_LEVEL: 'info' }, appDir);
  const exited = once(gateway.child, 'exit').then(([code]) => {
    throw new Error(`${args.join(' ')} exited with ${String(code)}: ${gateway?.stderr()}`);
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
  it('runs as a non-root user, and its health check passes against the running gateway', async () => {
    expect(instructionsOf(runtimeStage!, 'USER')).toEqual([expect.not.stringMatching(/^(root|0)(:|$)/)]);
    const [healthcheck = ''] = instructionsOf(runtimeStage!, 'HEALTHCHECK');
    const [node, ...args] = execForm(healthcheck);
    expect(node).toBe('node');
    expect(args.join(' ')).toContain('/healthz');
    const port = new URL(url).port;
    await expect(run(process.execPath, args, { cwd: appDir, env: { PATH: process.env.PATH ?? '', PORT: port } })).resolves.toBeDefined();
    // And it fails when nothing answers there.
    await expect(run(process.execPath, args, { cwd: appDir, env: { PATH: process.env.PATH ?? '', PORT: '1' } })).rejects.toThrow();
  });

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
