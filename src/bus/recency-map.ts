/** Stale queue entries tolerated beyond twice the live ones before the queue is compacted. */
const COMPACT_SLACK = 1_024;

/**
 * A map that knows its least recently set key in constant time. A Map alone keeps insertion order,
 * but finding its first entry after many deletions from the front walks over every deleted slot
 * until V8 compacts the table: at the dedupe store's capacity, that walk cost tens of microseconds
 * per webhook. Here a queue of (key, stamp) in setting order stands beside the Map; entries of keys
 * set again or deleted since are skipped (each once), and the queue is compacted when it holds
 * more than twice the live entries (counting those already passed over at its front, so a map
 * whose oldest entries keep going does not grow its queue for ever).
 */
export class RecencyMap<V> {
  readonly #entries = new Map<string, { value: V; stamp: number }>();
  #keys: string[] = [];
  #stamps: number[] = [];
  #head = 0;
  #stamp = 0;

  get size(): number {
    return this.#entries.size;
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  get(key: string): V | undefined {
    return this.#entries.get(key)?.value;
  }

  /** Sets the value and makes the key the most recent. */
  set(key: string, value: V): void {
    this.#stamp += 1;
    this.#entries.set(key, { value, stamp: this.#stamp });
    this.#keys.push(key);
    this.#stamps.push(this.#stamp);
    if (this.#keys.length > 2 * this.#entries.size + COMPACT_SLACK) this.#compact();
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Entries the setting-order queue holds, passed-over ones included (for tests). */
  get queued(): number {
    return this.#keys.length;
  }

  /** The least recently set key and its value. */
  oldest(): [string, V] | undefined {
    while (this.#head < this.#keys.length) {
      const key = this.#keys[this.#head] as string;
      const entry = this.#entries.get(key);
      if (entry && entry.stamp === this.#stamps[this.#head]) return [key, entry.value];
      this.#head += 1;
    }
    return undefined;
  }

  /** Keeps only the queue entries that are still current, in order. */
  #compact(): void {
    const keys: string[] = [];
    const stamps: number[] = [];
    for (let i = this.#head; i < this.#keys.length; i += 1) {
      const key = this.#keys[i] as string;
      const stamp = this.#stamps[i] as number;
      if (this.#entries.get(key)?.stamp === stamp) {
        keys.push(key);
        stamps.push(stamp);
      }
    }
    this.#keys = keys;
    this.#stamps = stamps;
    this.#head = 0;
  }
}
