import type { BusEvent } from './events.js';

export type Listener = (event: BusEvent) => void;

/** The subscribers of this process: every event the bus delivers here is handed to each of them. */
export class LocalHub {
  readonly #listeners = new Set<Listener>();

  add(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  dispatch(event: BusEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  get size(): number {
    return this.#listeners.size;
  }
}
