import type { BusEvent } from './events.js';

export type Listener = (event: BusEvent) => void;

/**
 * The subscribers of this process: every event the bus delivers here is handed to each of them
 * that may want it. A listener added with the entity ids it watches is only called for events of
 * those entities (an index, so an event of one schedule does not visit the watchers of every other
 * one); the others are called for every event. Either way the listener still filters for itself.
 */
export class LocalHub {
  /** Listeners of every event. */
  readonly #everything = new Set<Listener>();
  /** Listeners of given entities, by entity id. */
  readonly #byEntity = new Map<string, Set<Listener>>();
  /** Process-wide observers (the schedule replica): not subscriptions, so not counted in `size`. */
  readonly #observers = new Set<Listener>();
  #size = 0;

  /** Sees every event before the subscribers do. */
  observe(listener: Listener): () => void {
    this.#observers.add(listener);
    return () => {
      this.#observers.delete(listener);
    };
  }

  add(listener: Listener, entityIds?: Iterable<string>): () => void {
    this.#size += 1;
    if (entityIds === undefined) {
      this.#everything.add(listener);
      return () => {
        if (this.#everything.delete(listener)) this.#size -= 1;
      };
    }
    const ids = [...new Set(entityIds)];
    for (const id of ids) {
      let listeners = this.#byEntity.get(id);
      if (!listeners) this.#byEntity.set(id, (listeners = new Set()));
      listeners.add(listener);
    }
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.#size -= 1;
      for (const id of ids) {
        const listeners = this.#byEntity.get(id);
        listeners?.delete(listener);
        if (listeners?.size === 0) this.#byEntity.delete(id);
      }
    };
  }

  /** Only the observers: an event accepted here, before the stream brings it to the subscribers. */
  notifyObservers(event: BusEvent): void {
    for (const observer of this.#observers) observer(event);
  }

  dispatch(event: BusEvent): void {
    this.notifyObservers(event);
    for (const listener of this.#everything) listener(event);
    const watchers = this.#byEntity.get(event.entityId);
    if (watchers) for (const listener of watchers) listener(event);
  }

  /** Listeners attached. */
  get size(): number {
    return this.#size;
  }
}
