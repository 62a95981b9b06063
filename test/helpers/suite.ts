import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import type { Client } from 'graphql-ws';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { startTestApp } from './app.js';
import { chromiumOnDemand } from './browser.js';
import { startFakeUpstream, type FakeHandler, type FakeUpstream } from './fake-upstream.js';
import { startTestGateway, type TestGateway, type TestGatewayOptions } from './gateway.js';
import { connect } from './ws-client.js';
import { testKeys, type TestKeys } from './webhooks.js';
import type { EventBus } from '../../src/bus/bus.js';

/**
 * The set-ups test files share, each started once per file (`beforeAll`) and closed after it
 * (`afterAll`). Each returns its parts as stand-ins that forward to the real objects once they are
 * started, so a file writes `const { upstream, gateway } = gatewayOverFakeUpstream()` at the top and
 * uses them in its tests as it would the objects themselves.
 */

/** Options read when the file starts: a function may use what an earlier `beforeAll` made. */
type Later<T> = T | (() => T | Promise<T>);
const now = async <T>(options: Later<T>): Promise<T> =>
  typeof options === 'function' ? await (options as () => T | Promise<T>)() : options;

/** A stand-in for an object made in `beforeAll`: every property read or written goes to the object. */
function startedLater<T extends object>(what: string): { stand: T; set(value: T): void } {
  let target: T | undefined;
  const started = (): T => {
    if (target === undefined) throw new Error(`${what} is used before the file's beforeAll started it`);
    return target;
  };
  const stand = new Proxy({} as T, {
    get(_, property) {
      const value: unknown = Reflect.get(started(), property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(started()) : value;
    },
    set: (_, property, value) => Reflect.set(started(), property, value),
    has: (_, property) => Reflect.has(started(), property),
  });
  return {
    stand,
    set(value) {
      target = value;
    },
  };
}

export interface GatewayOverFakeUpstreamOptions extends Omit<TestGatewayOptions, 'upstreamUrl'> {
  /** How the fake Wix answers until a test says otherwise (`upstream.handle`). */
  handler?: FakeHandler;
}

export interface GatewayOverFakeUpstream {
  upstream: FakeUpstream;
  gateway: TestGateway;
  /** The key pair the gateway trusts for webhooks (unless the options name other keys). */
  keys: TestKeys;
  /** A graphql-ws client of the gateway; it connects on its first operation. */
  client: Client;
}

/**
 * A recording fake Wix and a real gateway in front of it (API-key mode). The requests the fake
 * recorded are forgotten before each test. A bus given in the options is closed after the gateway.
 */
export function gatewayOverFakeUpstream(
  options: Later<GatewayOverFakeUpstreamOptions> | ((keys: TestKeys) => GatewayOverFakeUpstreamOptions) = {},
): GatewayOverFakeUpstream {
  const upstream = startedLater<FakeUpstream>('the fake upstream');
  const gateway = startedLater<TestGateway>('the gateway');
  const keys = startedLater<TestKeys>('the webhook keys');
  const client = startedLater<Client>('the WebSocket client');
  let started: (GatewayOverFakeUpstream & { bus: EventBus | undefined }) | undefined;
  beforeAll(async () => {
    const webhookKeys = await testKeys();
    const { handler, ...gatewayOptions } = typeof options === 'function' ? await options(webhookKeys) : options;
    const fake = await startFakeUpstream(handler);
    const running = await startTestGateway({ upstreamUrl: fake.url, webhookKeys: [webhookKeys.publicKey], ...gatewayOptions });
    started = { upstream: fake, gateway: running, keys: webhookKeys, client: connect(running.wsUrl), bus: gatewayOptions.bus };
    upstream.set(started.upstream);
    gateway.set(started.gateway);
    keys.set(started.keys);
    client.set(started.client);
  });
  afterAll(async () => {
    await started?.client.dispose();
    await started?.gateway.close();
    await started?.bus?.close();
    await started?.upstream.close();
  });
  beforeEach(() => {
    if (started) started.upstream.requests.length = 0;
  });
  return { upstream: upstream.stand, gateway: gateway.stand, keys: keys.stand, client: client.stand };
}

/** The embedded emulator alone; its injected faults are cleared before each test. */
export function emulatorForFile(options: EmulatorOptions = {}): Emulator {
  const emulator = startedLater<Emulator>('the emulator');
  let started: Emulator | undefined;
  beforeAll(async () => {
    // Wix's limit a minute is the subject of its own tests; a file can make more calls than a site may.
    started = await startEmulator({ rateLimitPerMinute: 0, ...options });
    emulator.set(started);
  });
  afterAll(async () => {
    await started?.close();
  });
  beforeEach(() => {
    started?.faults.clear();
  });
  return emulator.stand;
}

/** The emulator and a real gateway in front of it, with the emulator's API key, trusting `keys` for webhooks. */
export function gatewayOverEmulator(options: Later<Omit<TestGatewayOptions, 'upstreamUrl' | 'apiKey' | 'siteId'>> = {}): {
  emulator: Emulator;
  gateway: TestGateway;
  keys: TestKeys;
} {
  const emulator = startedLater<Emulator>('the emulator');
  const gateway = startedLater<TestGateway>('the gateway');
  const keys = startedLater<TestKeys>('the webhook keys');
  let started: { emulator: Emulator; gateway: TestGateway } | undefined;
  beforeAll(async () => {
    const webhookKeys = await testKeys();
    const running = await startEmulator();
    const gatewayOptions = { webhookKeys: [webhookKeys.publicKey], ...(await now(options)) };
    started = {
      emulator: running,
      gateway: await startTestGateway({ upstreamUrl: running.url, apiKey: running.apiKey, siteId: running.siteId, ...gatewayOptions }),
    };
    emulator.set(started.emulator);
    gateway.set(started.gateway);
    keys.set(webhookKeys);
  });
  afterAll(async () => {
    await started?.gateway.close();
    await started?.emulator.close();
  });
  return { emulator: emulator.stand, gateway: gateway.stand, keys: keys.stand };
}

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/** The whole process as `npm start` wires it (emulator mode unless `env` says otherwise). */
export function appForFile(env: Later<Record<string, string>> = {}): TestApp {
  const app = startedLater<TestApp>('the app');
  let started: TestApp | undefined;
  beforeAll(async () => {
    started = await startTestApp(await now(env));
    app.set(started);
  });
  afterAll(async () => {
    await started?.close();
  });
  return app.stand;
}

/** `appForFile` with a graphql-ws client connected to it (disposed before the app closes). */
export function appWithClientForFile(env: Later<Record<string, string>> = {}): { app: TestApp; client: Client } {
  const app = appForFile(env);
  const client = startedLater<Client>('the WebSocket client');
  let started: Client | undefined;
  beforeAll(() => {
    started = connect(`${app.gateway.url.replace('http', 'ws')}/graphql`);
    client.set(started);
  });
  afterAll(async () => {
    await started?.dispose();
  });
  return { app, client: client.stand };
}

/** Chromium, launched on first use and closed after the file; the contexts a test puts in `contexts` are closed after it. */
export function browserForFile(): { chromium: ReturnType<typeof chromiumOnDemand>; contexts: BrowserContext[] } {
  const chromium = chromiumOnDemand();
  const contexts: BrowserContext[] = [];
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  afterAll(async () => {
    await chromium.close();
  });
  return { chromium, contexts };
}

/**
 * The emulator and the gateway as a Wix app in front of it (app mode: a token per app instance),
 * with `env` added (a function may use the started emulator, e.g. for its webhook key).
 */
export function appModeOverEmulator(env: Record<string, string> | ((emulator: Emulator) => Record<string, string>) = {}): {
  emulator: Emulator;
  app: TestApp;
} {
  const emulator = emulatorForFile();
  const app = appForFile(() => ({
    WIX_API_URL: emulator.url,
    WIX_APP_ID: emulator.appId,
    WIX_APP_SECRET: emulator.appSecret,
    ...(typeof env === 'function' ? env(emulator) : env),
  }));
  return { emulator, app };
}
