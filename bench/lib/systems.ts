import { createPublicKey } from 'node:crypto';
import { DEV_WEBHOOK_PRIVATE_KEY_PEM } from '../../src/emulator/dev-webhook-key.js';
import type { ApolloMemoryPayload } from '../servers/apollo-memory.js';
import type { EmulatorPayload } from '../servers/emulator.js';
import { startSystem, type SystemProcess } from './processes.js';

/** How every system under test runs: production settings, loopback only. */
const PRODUCTION = { NODE_ENV: 'production' };

/**
 * The gateway's settings for a benchmark: what production turns off (Sandbox, introspection), but
 * not NODE_ENV=production itself, which refuses the embedded emulator most scenarios run on and
 * wants /metrics protected; open on purpose (no caller tokens to mint), no rate limit nor socket
 * cap (every client is one loopback address), warnings only in the log.
 */
const GATEWAY_ENV = {
  SANDBOX: 'false',
  INTROSPECTION: 'false',
  AUTH_DISABLED: 'true',
  HOST: '127.0.0.1',
  PORT: '0',
  EMULATOR_PORT: '0',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: '0',
  WS_MAX_SUBSCRIPTIONS: '10000',
  WS_MAX_SOCKETS_PER_CALLER: '0',
};

/** The public half of the emulator's development key, as WIX_WEBHOOK_PUBLIC_KEY takes it. */
export const DEV_WEBHOOK_PUBLIC_KEY_PEM = createPublicKey(DEV_WEBHOOK_PRIVATE_KEY_PEM).export({ type: 'spki', format: 'pem' }).toString();

export interface SystemContext {
  profileDir: string | undefined;
}

const entry = (name: string) => new URL(`../servers/${name}.ts`, import.meta.url);

/**
 * The gateway from environment variables. With no WIX_* set it runs in emulator mode (its embedded
 * emulator idles; webhooks signed with the development key are trusted).
 */
export function startGatewayProcess(name: string, context: SystemContext, env: Record<string, string> = {}): Promise<SystemProcess> {
  return startSystem(name, entry('gateway'), { env: { ...GATEWAY_ENV, ...env }, profileDir: context.profileDir });
}

export function startEmulatorProcess(seed: EmulatorPayload, context: SystemContext): Promise<SystemProcess> {
  return startSystem('emulator', entry('emulator'), { env: PRODUCTION, payload: seed, profileDir: context.profileDir });
}

export function startApolloMemory(payload: ApolloMemoryPayload, context: SystemContext): Promise<SystemProcess> {
  return startSystem('apollo-memory', entry('apollo-memory'), { env: PRODUCTION, payload, profileDir: context.profileDir });
}

export function startBare(name: string, context: SystemContext): Promise<SystemProcess> {
  return startSystem(name, entry('bare-ws'), { env: PRODUCTION, profileDir: context.profileDir });
}

/** Polls a system's counter until it reaches `atLeast` (subscriptions are attached asynchronously). */
export async function waitForCounter(system: SystemProcess, counter: string, atLeast: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = (await system.stats()).counters[counter] ?? 0;
    if (value >= atLeast) return;
    if (Date.now() > deadline) throw new Error(`${system.name}: ${counter} is ${value}, expected ${atLeast}, after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function wsUrl(system: SystemProcess): string {
  return `${system.url.replace(/^http/, 'ws')}/graphql`;
}
