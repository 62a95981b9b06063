import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { runNode } from '../helpers/process.js';

/** Runs the real entry point (what `npm start` runs) with the given environment. */
const run = (env: Record<string, string>) => runNode(['--import', 'tsx', 'src/main.ts'], env);

describe('the process (npm start)', () => {
  it('starts on the emulator, prints only JSON log lines, serves, and stops cleanly on SIGTERM', async () => {
    const proc = run({ PORT: '0', LOG_LEVEL: 'info' });
    const ready = await proc.waitForLine((line) => typeof line.msg === 'string' && line.msg.startsWith('gateway ready'));
    const url = String(ready.url);
    const result = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ connections { connections { id schedule { name } } } }' }),
    });
    expect(result.status).toBe(200);
    expect(
      ((await result.json()) as { data: { connections: { connections: unknown[] } } }).data.connections.connections.length,
    ).toBeGreaterThan(0);
    expect(proc.lines.some((line) => line.includes('embedded Wix emulator'))).toBe(true);
    proc.child.kill('SIGTERM');
    const [code] = (await once(proc.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    for (const line of proc.lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(proc.stderr()).toBe('');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ WIX_API_KEY: 'k' }, 'WIX_SITE_ID'],
    [{ WIX_API_URL: 'not a url', WIX_API_KEY: 'k', WIX_SITE_ID: 's' }, 'WIX_API_URL'],
    [{ SANDBOX: 'maybe' }, 'SANDBOX'],
    [{ WIX_WEBHOOK_PUBLIC_KEY: 'not-a-key' }, 'WIX_WEBHOOK_PUBLIC_KEY'],
    [{ NODE_ENV: 'production' }, 'AUTH_JWT_SECRET'],
    [{ AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET'],
    [{ WIX_APP_ID: 'app' }, 'WIX_APP_SECRET'],
    [{ AUTH_JWT_PUBLIC_KEY: 'not a key' }, 'AUTH_JWT_PUBLIC_KEY'],
    [{ NODE_ENV: 'production', AUTH_DISABLED: 'true', METRICS_TOKEN: 't' }, 'WIX_API_KEY'],
    [{ NODE_ENV: 'production', AUTH_DISABLED: 'true', WIX_APP_ID: 'a', WIX_APP_SECRET: 's', WIX_INSTANCE_ID: 'i' }, 'METRICS_TOKEN'],
    [{ AUTH_JWT_SECRET: 'a-caller-secret-of-at-least-32-characters', WIX_API_KEY: 'k', WIX_SITE_ID: 's' }, 'WIX_INSTANCE_ID'],
  ])('refuses to start with %o, naming %s', async (env, variable) => {
    const proc = run(env);
    const [code] = (await once(proc.child, 'exit')) as [number | null];
    expect(code).toBe(1);
    const fatal = proc.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.level === 60);
    expect(String(fatal?.reason)).toContain(variable);
  });
});
