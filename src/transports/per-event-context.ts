import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { GatewayContext } from '../graphql/context.js';

/**
 * graphql-js's `subscribe`, but each event is executed with a fresh context (`forEvent`): its own
 * deadline, DataLoaders and upstream clients. graphql-js would run every event on the context the
 * subscription was made with, so a field calling Wix would run out of its deadline once the
 * subscription is older than REQUEST_DEADLINE_MS, and would read what an earlier event loaded.
 * The source stream (the bus subscription, filtered by the caller's tenant) keeps the
 * subscription's own context.
 */
export async function subscribeWithFreshContexts(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source;
  const context = args.contextValue as GatewayContext;
  return mapEvents(source, (payload) => execute({ ...args, rootValue: payload, contextValue: context.forEvent() }));
}

/**
 * Maps each event of a stream, passing `return` and `throw` straight to the source (as graphql-js's
 * own mapping does), so that ending the subscription ends the bus subscription at once, even while
 * it waits for an event.
 */
function mapEvents<T, U>(source: AsyncIterable<T>, map: (value: T) => U | Promise<U>): AsyncIterableIterator<U> {
  const iterator = source[Symbol.asyncIterator]();
  const mapResult = async (result: IteratorResult<T>): Promise<IteratorResult<U>> => {
    if (result.done === true) return { value: undefined, done: true };
    try {
      return { value: await map(result.value), done: false };
    } catch (error) {
      await iterator.return?.().catch(() => undefined);
      throw error;
    }
  };
  return {
    next: async () => mapResult(await iterator.next()),
    return: async () => (iterator.return ? mapResult(await iterator.return()) : { value: undefined, done: true }),
    throw: async (error: unknown) => {
      if (iterator.throw) return mapResult(await iterator.throw(error));
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
