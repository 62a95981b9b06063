import {
  BrokenCircuitError,
  CircuitState,
  SamplingBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
  type IBackoff,
} from 'cockatiel';
import type { Logger } from 'pino';
import type { Resilience } from '../infra/config.js';

/** Wix rate-limited, failed, timed out, or could not be reached: maybe better later. */
export class TransientFailure extends Error {
  constructor(
    readonly kind: 'status' | 'timeout' | 'network',
    readonly status: number | undefined,
    /** Whether Wix certainly did not act on the request (429, or the connection was refused). */
    readonly notProcessed: boolean,
    readonly retryAfterMs: number | undefined,
  ) {
    super(kind === 'status' ? `upstream answered ${status}` : `upstream ${kind}`);
  }

  /** Retried (where the call allows it): 429, 502, 503, 504, timeouts and connection failures; not a plain 500. */
  get retryable(): boolean {
    return this.status === undefined || [429, 502, 503, 504].includes(this.status);
  }

  /** 429 means "slow down", not "down": it does not count towards opening the circuit. */
  get isOutage(): boolean {
    return this.status !== 429;
  }
}

/**
 * Process-wide protection of the upstreams: one circuit breaker per upstream API (opened when most
 * calls of a window failed, half-open after a pause, closed again by a successful probe), and the
 * backoff of retries. Shared by every request's Wix client.
 */
export class UpstreamGuard {
  readonly settings: Resilience;
  readonly #breakers = new Map<string, CircuitBreakerPolicy>();
  readonly #logger: Logger;

  constructor(settings: Resilience, logger: Logger) {
    this.settings = settings;
    this.#logger = logger;
  }

  breaker(upstream: string): CircuitBreakerPolicy {
    let breaker = this.#breakers.get(upstream);
    if (!breaker) {
      breaker = circuitBreaker(
        handleWhen((error) => error instanceof TransientFailure && error.isOutage),
        {
          halfOpenAfter: this.settings.breakerHalfOpenMs,
          // A share of failures over a window, not a run of them: 30 % of 503s is a flaky Wix that
          // retries get through, not a Wix that is down.
          breaker: new SamplingBreaker({
            threshold: this.settings.breakerFailureRatio,
            duration: this.settings.breakerWindowMs,
            minimumRps: this.settings.breakerMinCalls / (this.settings.breakerWindowMs / 1_000),
          }),
        },
      );
      breaker.onStateChange((state) =>
        this.#logger.warn({ upstream, state: CircuitState[state] }, 'upstream circuit breaker changed state'),
      );
      this.#breakers.set(upstream, breaker);
    }
    return breaker;
  }

  /** Upstreams whose circuit is open (calls fail fast); /readyz is not ready while there is one. */
  openCircuits(): string[] {
    return [...this.#breakers].filter(([, breaker]) => breaker.state === CircuitState.Open).map(([name]) => name);
  }

  /** Exponential backoff with decorrelated jitter, 100 ms to 2 s. */
  backoff(): IBackoff<unknown> {
    return new ExponentialBackoff({ initialDelay: 100, maxDelay: 2_000 }).next();
  }
}

export { BrokenCircuitError };
