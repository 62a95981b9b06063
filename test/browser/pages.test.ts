import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withOfflineLink } from '../../src/explorers/sandbox.js';
import { startTestApp } from '../helpers/app.js';

let app: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${app.gateway.url}${path}`, { headers });

/** What a page loads: the `src` of its scripts and images, the `href` of its links (not of its anchors). */
function assetsOf(html: string): string[] {
  return [...html.matchAll(/<(?:script|img)\b[^>]*\bsrc="([^"]+)"|<link\b[^>]*\bhref="([^"]+)"/g)].map(
    (match) => match[1] ?? match[2] ?? '',
  );
}

describe('the browser pages, over HTTP', () => {
  it.each(['/demo', '/graphiql'])('serves %s with a policy that keeps it on this origin, and every file it loads', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'.*script-src 'self'.*connect-src 'self'/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    const assets = assetsOf(html);
    expect(assets.length).toBeGreaterThan(2);
    // Nothing from another origin: every asset is a path on this one.
    for (const asset of assets) expect(asset).toMatch(/^\/[^/]/);
    for (const asset of assets) {
      const loaded = await get(asset);
      expect(loaded.status, asset).toBe(200);
      await loaded.arrayBuffer();
    }
  });

  it('serves each operation of client/operations as a standalone document with its fragments', async () => {
    const response = await get('/demo/operations.js');
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    const module = await response.text();
    const names = [...module.matchAll(/^export const (\w+) = /gm)].map((match) => match[1]);
    expect(names.sort()).toEqual([
      'Connections',
      'RenameSchedule',
      'Schedule',
      'ScheduleCancelled',
      'ScheduleCreated',
      'ScheduleUpdated',
      'Schedules',
      'UpdateExport',
    ]);
    const rename = JSON.parse(/^export const RenameSchedule = (.*);$/m.exec(module)?.[1] ?? 'null') as string;
    expect(rename).toMatch(/^mutation RenameSchedule\(/);
    expect(rename).toContain('fragment ScheduleSummary on Schedule');
    const result = await app.graphql(rename, { id: 'no-such-schedule', revision: '1', name: 'x' });
    expect(result.errors).toBeUndefined();
  });

  it('serves only the listed files of npm packages', async () => {
    expect((await get('/explorers/vendor/graphql-ws.min.js')).status).toBe(200);
    for (const path of [
      '/explorers/vendor/package.json',
      '/explorers/vendor/..%2F..%2Fpackage.json',
      '/explorers/vendor/%2e%2e/graphiql.min.js',
      '/demo/../package.json',
      '/demo/.env',
    ]) {
      expect((await get(path)).status, path).toBe(404);
    }
  });

  it('serves no page when Sandbox is off', async () => {
    const closed = await startTestApp({ SANDBOX: 'false' });
    try {
      for (const path of ['/demo', '/graphiql', '/demo/demo.js', '/explorers/vendor/graphiql.min.js']) {
        expect((await fetch(`${closed.gateway.url}${path}`)).status, path).toBe(404);
      }
    } finally {
      await closed.close();
    }
  });
});

describe('the landing page', () => {
  it('links Sandbox, GraphiQL and the demo from /', async () => {
    const app = await startTestApp();
    try {
      const response = await fetch(`${app.gateway.url}/`);
      expect(response.status).toBe(200);
      const html = await response.text();
      for (const link of ['href="/graphql"', 'href="/graphiql"', 'href="/demo"']) expect(html).toContain(link);
      expect((await fetch(`${app.gateway.url}/explorers/landing.css`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('the Apollo Sandbox page (GET /graphql from a browser)', () => {
  it('points to the offline GraphiQL where Apollo says Sandbox cannot be loaded', async () => {
    const response = await get('/graphql', { accept: 'text/html' });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('embeddable-sandbox');
    // The fallback Apollo shows when its CDN cannot be reached holds the link, right after its notice.
    const fallback = /<div class="fallback">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
    expect(fallback).toMatch(
      /cannot be loaded; it appears that you might be offline\.<\/p>\s*<p id="offline-graphiql">[^<]*<a href="\/graphiql">/,
    );
    expect((await get('/graphiql')).status).toBe(200);
  });

  it('keeps the link on a page whose offline notice reads otherwise', () => {
    expect(withOfflineLink('<html><body><p>Something else</p></body></html>')).toMatch(
      /<p>Something else<\/p><p id="offline-graphiql">[^<]*<a href="\/graphiql">[\s\S]*<\/body>/,
    );
  });
});
