import { createHash } from 'node:crypto';
import { Kind, OperationTypeNode, getOperationAST, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { GatewayContext } from '../graphql/context.js';
import { AsyncQueue } from '../bus/async-queue.js';
import { SlowConsumerError } from '../bus/subscription.js';
import { subscribeWithFreshContexts } from './per-event-context.js';

/** Sockets written per turn of the event loop when one result goes to many subscribers. */
const WRITE_BATCH = 512;

type SourceStream = AsyncGenerator<ExecutionResult, void, void> | AsyncIterableIterator<ExecutionResult>;

/**
 * Where a shared result goes for one subscriber: written straight to its socket. Answers false when
 * the subscriber is too slow to keep up (it has then been told so, and its socket closed).
 */
export interface ResultSink {
  write(result: ExecutionResult): boolean;
}

interface Share {
  /** The one graphql-js subscription behind every consumer: one execution per event. */
  source: Promise<SourceStream | ExecutionResult>;
  consumers: Map<AsyncQueue<ExecutionResult>, ResultSink>;
}

/** Whether a subscription may share: not with `since` (each resumer replays its own history). */
export function isShareable(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): boolean {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== OperationTypeNode.SUBSCRIPTION) return false;
  return operation.selectionSet.selections.every(
    (selection) =>
      selection.kind === Kind.FIELD &&
      (selection.arguments ?? []).every(
        (argument) =>
          argument.name.value !== 'since' ||
          argument.value.kind === Kind.NULL ||
          (argument.value.kind === Kind.VARIABLE && variables?.[argument.value.name.value] == null),
      ),
  );
}

/** Variables in a canonical order, so `{a,b}` and `{b,a}` share. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Subscribers with the same document, variables and tenant share one bus subscription and one
 * execution per event: each event becomes one ExecutionResult, handed to every subscriber's sink,
 * which writes it (serialised once) to its socket. graphql-ws still runs each operation's life: it
 * gets a stream that yields nothing and ends when the share ends (its `complete` or `error` then
 * follows the last result), and ends it when the client completes or goes away. Subscribers of
 * different tenants or variables never share, so they never see each other's payloads.
 */
export class SharedSubscriptions {
  readonly #shares = new Map<string, Share>();
  /** Keys and sinks given by `register` to the contexts of shareable operations. */
  readonly #registered = new WeakMap<object, { key: string; sink: ResultSink }>();

  /** Marks an operation as shareable under the key of its document, variables and tenant. */
  register(
    context: GatewayContext,
    query: string,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | null | undefined,
    sink: ResultSink,
  ): void {
    const text = [context.caller.authenticated ? context.caller.tenant : '*', operationName ?? '', query, canonical(variables ?? {})].join(
      '\u0000',
    );
    // Kept as a digest: the text may be tens of kilobytes (100 schedule ids), once per subscriber.
    const key = createHash('sha256').update(text).digest('base64');
    this.#registered.set(context, { key, sink });
  }

  /** Subscriptions currently shared, and their consumers (for tests and metrics). */
  stats(): { streams: number; consumers: number } {
    let consumers = 0;
    for (const share of this.#shares.values()) consumers += share.consumers.size;
    return { streams: this.#shares.size, consumers };
  }

  /** graphql-ws's `subscribe`: shared where registered, alone otherwise; either way a fresh context per event. */
  readonly subscribe = async (args: ExecutionArgs): Promise<SourceStream | ExecutionResult> => {
    const registered = this.#registered.get(args.contextValue as object);
    if (registered === undefined) return subscribeWithFreshContexts(args);
    const { key, sink } = registered;
    let share = this.#shares.get(key);
    if (!share) {
      // Each event runs on a fresh context made from the first subscriber's (same tenant: shares never mix tenants).
      share = { source: subscribeWithFreshContexts(args), consumers: new Map() };
      this.#shares.set(key, share);
    }
    const source = await share.source;
    if (!(Symbol.asyncIterator in source)) {
      // The subscription was refused (e.g. a malformed argument): every joiner gets that answer.
      if (this.#shares.get(key) === share && share.consumers.size === 0) this.#shares.delete(key);
      return source;
    }
    const current = share;
    const consumer: AsyncQueue<ExecutionResult> = new AsyncQueue(() => {
      current.consumers.delete(consumer);
      if (current.consumers.size === 0 && this.#shares.get(key) === current) {
        this.#shares.delete(key);
        void source.return?.();
      }
    });
    const first = current.consumers.size === 0;
    current.consumers.set(consumer, sink);
    if (first) void this.#pump(source, current);
    return consumer;
  };

  /**
   * Hands every result of the source to every consumer's sink; a consumer too far behind is ended.
   * A result goes to the consumers there when it arrived, WRITE_BATCH at a time with the event loop
   * let through in between, so thousands of sockets being written do not hold up other requests.
   */
  async #pump(source: SourceStream, share: Share): Promise<void> {
    try {
      for await (const result of source) {
        const targets = [...share.consumers];
        for (let index = 0; index < targets.length; index += 1) {
          if (index > 0 && index % WRITE_BATCH === 0) await new Promise(setImmediate);
          const [consumer, sink] = targets[index]!;
          if (consumer.closed) continue;
          if (!sink.write(result)) consumer.end(new SlowConsumerError());
        }
      }
      for (const consumer of [...share.consumers.keys()]) consumer.end();
    } catch (error) {
      for (const consumer of [...share.consumers.keys()]) consumer.end(error);
    }
  }
}
