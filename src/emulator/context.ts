import type { MemorySiteBudget } from '../upstream/budget.js';
/**
 * What the routes share: the emulator's parts (deps) and the per-request state (parsed body,
 * authenticated caller), kept in a WeakMap so it stays typed without touching express's types.
 */
import type { Request } from 'express';
import type { Logger } from 'pino';
import type { Caller, TokenRegistry } from './auth.js';
import { validationError, violation } from './errors.js';
import type { FaultInjector } from './faults.js';
import type { OAuthFlows } from './external-calendars/oauth-flows.js';
import type { EmulatorStore } from './store.js';
import { isRecord } from './validate.js';
import type { WebhookDispatcher } from './webhook-dispatcher.js';

export interface EmulatorConfig {
  apiKey: string;
  siteId: string;
  instanceId: string;
  appId: string;
  appSecret: string;
}

export interface RecordedCall {
  method: string;
  path: string;
  /** Raw query string without the `?`. */
  query: string;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON, the raw text when it is not JSON, undefined without a body. */
  body: unknown;
}

export interface EmulatorDeps {
  config: EmulatorConfig;
  store: EmulatorStore;
  tokens: TokenRegistry;
  faults: FaultInjector;
  webhooks: WebhookDispatcher;
  oauthFlows: OAuthFlows;
  calls: RecordedCall[];
  logger: Logger;
  /** Aborted on close, to cancel injected latency waits. */
  closing: AbortSignal;
  /** Wix's limit of calls a minute per site (app instance), when enforced. */
  rateLimit: MemorySiteBudget | undefined;
  /** Authenticated API calls served, and refused with 429 because their site was over its limit. */
  callCounts: { taken: number; refused: number };
}

export interface RequestState {
  /** Parsed JSON body, undefined without one. */
  body: unknown;
  /** Raw text of the body, '' without one. */
  rawBody: string;
  /** Why the body could not be parsed, if it could not. */
  bodyError: string | undefined;
  caller: Caller | undefined;
}

const states = new WeakMap<Request, RequestState>();

export function stateOf(req: Request): RequestState {
  let state = states.get(req);
  if (!state) {
    state = { body: undefined, rawBody: '', bodyError: undefined, caller: undefined };
    states.set(req, state);
  }
  return state;
}

/** The authenticated caller; routes behind the auth middleware always have one. */
export function callerOf(req: Request): Caller {
  const caller = stateOf(req).caller;
  if (!caller) throw new Error('route reached without authentication');
  return caller;
}

/** The raw query string, parsed the way Wix reads it: repeated keys, dotted nested names. */
export function queryOf(req: Request): URLSearchParams {
  const index = req.originalUrl.indexOf('?');
  return new URLSearchParams(index < 0 ? '' : req.originalUrl.slice(index + 1));
}

/** Base URL the caller reached us at, so links we hand out work from wherever they came from. */
export function baseUrlOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/** The JSON body as an object; no body reads as `{}`, as for a proto message with every field unset. */
export function bodyOf(req: Request): Record<string, unknown> {
  const body = stateOf(req).body;
  if (body === undefined) return {};
  if (!isRecord(body)) throw validationError([violation('body', 'must be a JSON object', 'FORMAT')]);
  return body;
}
