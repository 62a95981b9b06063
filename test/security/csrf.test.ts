import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { CROSS_SITE_GET_REFUSED } from '../../src/http/csrf.js';
import { launchChromium } from '../helpers/browser.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import type { Browser } from 'playwright-core';

/**
 * Cross-site request forgery: a page on another site makes the visitor's browser call the gateway.
 * Whatever it sends without passing CORS, nothing runs: no mutation, no read, no call to Wix.
 */

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const EVIL = 'https://evil.example.com';
const TRUSTED = 'https://calendar.example.com';
const READ = '{ providers { id } }';
const WRITE = 'mutation { disconnectConnection(connectionId: "c-1") { userErrors { code } } }';

let upstream: FakeUpstream;
let open: TestGateway;
let openWithOrigins: TestGateway;
let openWithoutSandbox: TestGateway;
let authenticated: TestGateway;
beforeAll(async () => {
  upstream = await startFakeUpstream(() => ({ body: { providers: [] } }));
  open = await startTestGateway({ upstreamUrl: upstream.url });
  openWithOrigins = await startTestGateway({ upstreamUrl: upstream.url, corsOrigins: [TRUSTED] });
  openWithoutSandbox = await startTestGateway({ upstreamUrl: upstream.url, sandbox: false });
  authenticated = await startTestGateway({
    upstreamUrl: upstream.url,
    authenticator: createAuthenticator({ kind: 'jwt', secret: SECRET, tenantClaim: 'instanceId' }),
  });
});
afterAll(async () => {
  await open.close();
  await openWithOrigins.close();
  await openWithoutSandbox.close();
  await authenticated.close();
  await upstream.close();
});

const get = (gateway: TestGateway, query: string, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}/graphql?query=${encodeURIComponent(query)}`, { headers });

/** What a browser adds to a request a page on another site sends with fetch(): no header of the page's own. */
const crossSiteFetch = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors', origin: EVIL };
/** What it adds for an <img> or <script>: no Origin at all. */
const crossSiteImage = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', accept: 'image/avif,image/webp,*/*' };

async function callsToWix<T>(action: () => Promise<T>): Promise<{ result: T; calls: number }> {
  const before = upstream.requests.length;
  const result = await action();
  return { result, calls: upstream.requests.length - before };
}

describe('GET queries as clients send them: no Content-Type, no extra header', () => {
  it('run for a client that is not a page on another site (a server, a same-origin page)', async () => {
    const asClientsSend: Array<Record<string, string>> = [{}, { 'sec-fetch-site': 'same-origin' }, { 'sec-fetch-site': 'none' }];
    for (const headers of asClientsSend) {
      const { result, calls } = await callsToWix(() => get(open, READ, headers));
      expect(result.status).toBe(200);
      expect(await result.json()).toEqual({ data: { providers: [] } });
      expect(calls).toBe(1);
    }
  });

  it('run for a page of an origin in CORS_ORIGINS', async () => {
    const response = await get(openWithOrigins, READ, { ...crossSiteFetch, origin: TRUSTED });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(TRUSTED);
  });
});

describe("a page on another site, through the visitor's browser", () => {
  it.each([
    ['fetch()', crossSiteFetch],
    ['an <img> or <script>', crossSiteImage],
  ])('cannot run a read with %s: refused before anything runs', async (_how, headers) => {
    for (const gateway of [open, openWithOrigins]) {
      const { result, calls } = await callsToWix(() => get(gateway, READ, headers));
      expect(result.status).toBe(400);
      expect(await result.json()).toEqual({ errors: [{ message: CROSS_SITE_GET_REFUSED, extensions: { code: 'BAD_REQUEST' } }] });
      expect(calls).toBe(0);
    }
  });

  it('cannot run a read by opening the URL in a frame when there is no landing page to show instead', async () => {
    const frame = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', accept: 'text/html,*/*' };
    const refused = await callsToWix(() => get(openWithoutSandbox, READ, frame));
    expect(refused.result.status).toBe(400);
    expect(refused.calls).toBe(0);
    // With Sandbox on, a link from another site opens Sandbox, and nothing runs.
    const landing = await callsToWix(() => get(open, READ, frame));
    expect(landing.result.status).toBe(200);
    expect(landing.result.headers.get('content-type')).toMatch(/^text\/html/);
    expect(landing.calls).toBe(0);
  });

  it('cannot run a mutation over GET, from anywhere (405)', async () => {
    const senders: Array<Record<string, string>> = [{}, crossSiteFetch, { 'apollo-require-preflight': 'true' }];
    for (const headers of senders) {
      const { result, calls } = await callsToWix(() => get(open, WRITE, headers));
      expect(result.status).toBe(headers === crossSiteFetch ? 400 : 405);
      expect(calls).toBe(0);
    }
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'cannot run a mutation with a simple POST (%s): 415',
    async (contentType) => {
      const { result, calls } = await callsToWix(() =>
        fetch(`${open.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': contentType, 'sec-fetch-site': 'cross-site', origin: EVIL },
          body: JSON.stringify({ query: WRITE }),
        }),
      );
      expect(result.status).toBe(415);
      expect(calls).toBe(0);
    },
  );

  it('has no ambient credential to ride on: with caller authentication, a request without the token reads nothing', async () => {
    const { result, calls } = await callsToWix(() => get(authenticated, READ, { ...crossSiteFetch, cookie: 'session=any' }));
    expect(result.status).toBe(401);
    expect(result.headers.get('set-cookie')).toBeNull();
    expect(calls).toBe(0);
    const token = await new SignJWT({ instanceId: 'tenant-a' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('reader')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    // The token is a header a page can send to another origin only after a CORS preflight.
    const withToken = await get(authenticated, READ, { ...crossSiteFetch, authorization: `Bearer ${token}` });
    expect(withToken.status).toBe(200);
  });
});

/**
 * What the page on another site runs (in the browser, so as text: the tests are typed without the
 * DOM): every simple request a page can send without the visitor's consent, each awaited until the
 * gateway has answered it.
 */
function attackScript(target: string): string {
  return `(async () => {
    const target = ${JSON.stringify(target)};
    const url = (query) => target + '?query=' + encodeURIComponent(query);
    const settle = (promise) => promise.then(() => 'done', () => 'failed');
    const image = (src) => new Promise((resolve) => {
      const img = document.createElement('img');
      img.onload = () => resolve('loaded');
      img.onerror = () => resolve('error');
      img.src = src;
    });
    const frame = (src) => new Promise((resolve) => {
      const iframe = document.createElement('iframe');
      iframe.onload = () => resolve('loaded');
      iframe.src = src;
      document.body.append(iframe);
    });
    const form = (query, enctype) => new Promise((resolve) => {
      const name = 'target-' + Math.random();
      const iframe = document.createElement('iframe');
      iframe.name = name;
      document.body.append(iframe);
      const element = document.createElement('form');
      element.method = 'POST';
      element.action = target;
      element.enctype = enctype;
      element.target = name;
      const input = document.createElement('input');
      input.name = 'query';
      input.value = query;
      element.append(input);
      document.body.append(element);
      iframe.onload = () => resolve('loaded');
      element.submit();
    });
    return Promise.all([
      settle(fetch(url(${JSON.stringify(READ)}), { mode: 'no-cors' })),
      settle(fetch(url(${JSON.stringify(READ)}))),
      settle(fetch(url(${JSON.stringify(WRITE)}), { mode: 'no-cors' })),
      settle(fetch(target, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: ${JSON.stringify(WRITE)} }) })),
      image(url(${JSON.stringify(READ)})),
      frame(url(${JSON.stringify(READ)})),
      form(${JSON.stringify(WRITE)}, 'application/x-www-form-urlencoded'),
      form(${JSON.stringify(WRITE)}, 'text/plain'),
    ]);
  })()`;
}

describe('in Chromium, a page on another site', { timeout: 60_000 }, () => {
  let browser: Browser;
  let attacker: Server;
  let attackerUrl: string;
  beforeAll(async () => {
    browser = await launchChromium();
    // The page is served from localhost, the gateway listens on 127.0.0.1: another site.
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>elsewhere</title>');
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => attacker?.close(() => resolve()));
  });

  it('runs no read and no mutation with simple requests, whichever way it sends them', async () => {
    for (const gateway of [open, openWithoutSandbox]) {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(attackerUrl);
        const { calls } = await callsToWix(() => page.evaluate(attackScript(`${gateway.url}/graphql`)));
        expect(calls, gateway.url).toBe(0);
      } finally {
        await context.close();
      }
    }
  });
});
