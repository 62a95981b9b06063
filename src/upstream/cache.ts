import type { Generations } from './generations.js';
import { ErrorCode, UpstreamRateLimitedError } from '../infra/errors.js';

/** What a response carries when cached answers stood in for reads the budget refused: the oldest one's age. */
export function staleDataExtension(ageMs: number): { ageSeconds: number; reason: string } {
  return { ageSeconds: Math.round(ageMs / 100) / 10, reason: ErrorCode.UPSTREAM_RATE_LIMITED };
}

/**
 * Answers of Wix reads that Wix announces no change of (connections, providers, calendars,
 * external events, and schedules when the replica cannot be kept coherent), per site:
 *
 * - identical reads in flight are one call, whatever the number of callers waiting for it;
 * - an answer is reused for `ttlMs`, unless the gateway itself wrote to that namespace of the site
 *   since it was read (the write raises the namespace's generation: read-your-writes);
 * - when the site's budget is spent, an answer up to `staleMs` old is served instead of an error,
 *   and the caller is told its age.
 *
 * The key is the whole request (method, path, query, body), so an answer read with personal data
 * never answers a read without it, and the other way round; the site is part of every key, so one
 * tenant's answer never reaches another.
 */
export interface CacheSettings {
  /** How long an answer is reused; 0 turns caching (and coalescing) off. */
  ttlMs: number;
  /** How old an answer may be when it stands in for a read the budget refused. */
  staleMs: number;
  /** Bound on the bytes of upstream answers kept (their text length). */
  maxBytes: number;
}

export interface CachedRead {
  site: string;
  /** What a write invalidates: e.g. `externalCalendars`. */
  namespace: string;
  key: string;
  /** Overrides the default time to live (providers change far less often than connections). */
  ttlMs?: number | undefined;
}

export interface CacheObserver {
  /** hit, miss, coalesced (joined a call in flight) or stale (served past its ttl because of the budget). */
  count(namespace: string, result: 'hit' | 'miss' | 'coalesced' | 'stale'): void;
}

interface Entry {
  value: unknown;
  bytes: number;
  storedAt: number;
  generation: string;
}

export interface Fetched<T> {
  value: T;
  /** Size of the upstream answer, for the byte bound. */
  bytes: number;
}

/** What an entry costs beside its answer and its key (the Map slot, the entry object). */
const ENTRY_OVERHEAD_BYTES = 200;

export class UpstreamCache {
  readonly settings: CacheSettings;
  readonly #generations: Generations;
  readonly #observer: CacheObserver;
  /** In least-recently-used order (a Map keeps insertion order; a hit moves its entry to the end). */
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<Fetched<unknown>>>();
  #bytes = 0;

  constructor(settings: CacheSettings, generations: Generations, observer: CacheObserver) {
    this.settings = settings;
    this.#generations = generations;
    this.#observer = observer;
  }

  get enabled(): boolean {
    return this.settings.ttlMs > 0;
  }

  /**
   * The answer of `read`: cached, joined, or fetched. `onStale` is told the age of an answer served
   * because the budget refused a fresh one.
   */
  async read<T>(request: CachedRead, fetch: () => Promise<Fetched<T>>, onStale: (ageMs: number) => void): Promise<T> {
    if (!this.enabled) return (await fetch()).value;
    let generation: string;
    try {
      generation = await this.#generations.current(request.site, request.namespace);
    } catch {
      // Whether the gateway wrote meanwhile cannot be known: read from Wix.
      return (await fetch()).value;
    }
    const key = `${request.site}\u0000${request.namespace}\u0000${request.key}`;
    const ttl = request.ttlMs ?? this.settings.ttlMs;
    // A time to live of 0: identical reads in flight are joined, nothing is kept (personal data).
    const entry = ttl > 0 ? this.#entries.get(key) : undefined;
    const now = Date.now();
    if (entry && entry.generation === generation && now - entry.storedAt < ttl) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      this.#observer.count(request.namespace, 'hit');
      return entry.value as T;
    }
    const flightKey = `${key}\u0000${generation}`;
    let pending = this.#inFlight.get(flightKey) as Promise<Fetched<T>> | undefined;
    if (pending) this.#observer.count(request.namespace, 'coalesced');
    else {
      this.#observer.count(request.namespace, 'miss');
      pending = fetch();
      this.#inFlight.set(flightKey, pending);
      const forget = () => this.#inFlight.delete(flightKey);
      pending.then((fetched) => {
        forget();
        const bytes = fetched.bytes + key.length + ENTRY_OVERHEAD_BYTES;
        if (ttl > 0) this.#store(key, { value: fetched.value, bytes, storedAt: Date.now(), generation });
      }, forget);
    }
    try {
      return (await pending).value;
    } catch (error) {
      // Only an answer read since the gateway's last write may stand in, so a write is never hidden.
      if (error instanceof UpstreamRateLimitedError && entry && entry.generation === generation) {
        const age = Date.now() - entry.storedAt;
        if (age <= this.settings.staleMs) {
          this.#observer.count(request.namespace, 'stale');
          onStale(age);
          return entry.value as T;
        }
      }
      throw error;
    }
  }

  /** What is kept: entries and their bytes (answers, keys and overhead), for tests and metrics. */
  size(): { entries: number; bytes: number } {
    return { entries: this.#entries.size, bytes: this.#bytes };
  }

  /** Before a write is answered: no answer read before it is used again, here or elsewhere. */
  invalidate(site: string, namespace: string): Promise<void> {
    return this.#generations.bump(site, namespace);
  }

  #store(key: string, entry: Entry): void {
    if (entry.bytes > this.settings.maxBytes / 4) return;
    // Answers too old to stand in for anything any more are let go, least recently used first.
    const useless = entry.storedAt - Math.max(this.settings.staleMs, this.settings.ttlMs);
    for (const [oldest, old] of this.#entries) {
      if (old.storedAt >= useless) break;
      this.#entries.delete(oldest);
      this.#bytes -= old.bytes;
    }
    const previous = this.#entries.get(key);
    if (previous) {
      this.#bytes -= previous.bytes;
      this.#entries.delete(key);
    }
    this.#entries.set(key, entry);
    this.#bytes += entry.bytes;
    for (const [oldest, old] of this.#entries) {
      if (this.#bytes <= this.settings.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= old.bytes;
    }
  }
}
