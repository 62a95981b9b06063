/**
 * Fault injection for resilience tests and benchmarks: matching requests get added latency, an
 * error status, a 429 with Retry-After, or a reset connection. Provider outages make List
 * Connections / List Events fail for one provider, which is what `partialFailure` is about.
 */
import { randomUUID } from 'node:crypto';
import { Checker } from './validate.js';

export interface FaultRule {
  /** HTTP method to match, any case; every method when absent. */
  method?: string;
  /** Matched against the path without the query string; a string is a regex source. Every path when absent. */
  path?: RegExp | string;
  /** Delay before the request is handled (or the fault is answered). */
  latencyMs?: number;
  /** Answer this status with a Wix error body instead of handling the request. */
  status?: number;
  /** Seconds for the `Retry-After` header; implies status 429 when `status` is absent. */
  retryAfterSeconds?: number;
  /** Destroy the socket without answering. */
  reset?: boolean;
  /** Chance (0–1) that status/reset applies to a matching request; default 1. Latency always applies. */
  probability?: number;
  /** The rule is removed after applying to this many requests; unlimited when absent. */
  times?: number;
}

export interface ActiveFault extends FaultRule {
  id: string;
  /** How many requests the rule applied to so far. */
  hits: number;
}

/** What the server does with one request. */
export interface FaultDecision {
  latencyMs: number;
  action: { kind: 'status'; status: number; retryAfterSeconds?: number } | { kind: 'reset' } | undefined;
}

const TOO_MANY_REQUESTS = 429;

export class FaultInjector {
  private readonly rules: ActiveFault[] = [];
  private readonly providerOutages = new Set<string>();
  private readonly random: () => number;

  constructor(random: () => number = Math.random) {
    this.random = random;
  }

  /** Adds a rule and returns its id (for `remove`). Rules apply in the order they were added. */
  add(rule: FaultRule): string {
    const id = randomUUID();
    this.rules.push({ ...rule, id, hits: 0 });
    return id;
  }

  remove(id: string): boolean {
    const index = this.rules.findIndex((rule) => rule.id === id);
    if (index < 0) return false;
    this.rules.splice(index, 1);
    return true;
  }

  list(): ActiveFault[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  /** Removes every rule and provider outage. */
  clear(): void {
    this.rules.length = 0;
    this.providerOutages.clear();
  }

  /** From now on the provider's calendars cannot be reached (List Connections / List Events). */
  failProvider(providerId: string): void {
    this.providerOutages.add(providerId);
  }

  restoreProvider(providerId: string): void {
    this.providerOutages.delete(providerId);
  }

  isProviderFailing(providerId: string): boolean {
    return this.providerOutages.has(providerId);
  }

  failingProviders(): string[] {
    return [...this.providerOutages];
  }

  /** Latency of every matching rule adds up; the first rule whose action fires decides the answer. */
  decide(method: string, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, action: undefined };
    for (const rule of [...this.rules]) {
      if (!matches(rule, method, path)) continue;
      rule.hits += 1;
      if (rule.times !== undefined && rule.hits >= rule.times) this.remove(rule.id);
      decision.latencyMs += rule.latencyMs ?? 0;
      if (decision.action !== undefined) continue;
      if (this.random() >= (rule.probability ?? 1)) continue;
      if (rule.reset) decision.action = { kind: 'reset' };
      else if (rule.status !== undefined || rule.retryAfterSeconds !== undefined) {
        const status = rule.status ?? TOO_MANY_REQUESTS;
        decision.action =
          rule.retryAfterSeconds === undefined
            ? { kind: 'status', status }
            : { kind: 'status', status, retryAfterSeconds: rule.retryAfterSeconds };
      }
    }
    return decision;
  }
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) return false;
  if (rule.path === undefined) return true;
  const pattern = typeof rule.path === 'string' ? new RegExp(rule.path) : rule.path;
  return pattern.test(path);
}

/** Reads a rule sent as JSON to `POST /_emulator/faults`; `path` is a regex source there. */
export function parseFaultRule(body: unknown): FaultRule {
  const check = new Checker();
  const input = check.object(body, 'body', { required: true }) ?? {};
  const rule: FaultRule = {};
  const method = check.string(input.method, 'method', { min: 1 });
  if (method !== undefined) rule.method = method;
  const path = check.string(input.path, 'path', { min: 1 });
  if (path !== undefined) {
    try {
      rule.path = new RegExp(path);
    } catch {
      check.fail('path', 'must be a valid regular expression', 'FORMAT');
    }
  }
  const latencyMs = check.integer(input.latencyMs, 'latencyMs', { min: 0 });
  if (latencyMs !== undefined) rule.latencyMs = latencyMs;
  const status = check.integer(input.status, 'status', { min: 100, max: 599 });
  if (status !== undefined) rule.status = status;
  const retryAfterSeconds = check.integer(input.retryAfterSeconds, 'retryAfterSeconds', { min: 0 });
  if (retryAfterSeconds !== undefined) rule.retryAfterSeconds = retryAfterSeconds;
  const reset = check.boolean(input.reset, 'reset');
  if (reset !== undefined) rule.reset = reset;
  if (input.probability !== undefined) {
    if (typeof input.probability !== 'number' || input.probability < 0 || input.probability > 1) {
      check.fail('probability', 'must be a number between 0 and 1', 'FORMAT');
    } else rule.probability = input.probability;
  }
  const times = check.integer(input.times, 'times', { min: 1 });
  if (times !== undefined) rule.times = times;
  check.throwIfAny();
  return rule;
}

/** JSON form of a rule for `GET /_emulator/faults`: the regex as its source. */
export function describeFault(fault: ActiveFault): Omit<ActiveFault, 'path'> & { path?: string } {
  const { path, ...rest } = fault;
  if (path === undefined) return rest;
  return { ...rest, path: path instanceof RegExp ? path.source : path };
}
