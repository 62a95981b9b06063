import autocannon from 'autocannon';

export interface LoadSummary {
  /** Completed requests. */
  requests: number;
  seconds: number;
  perSecond: number;
  /** Acknowledgement / response latency of 2xx answers, ms. */
  p50: number;
  p99: number;
  max: number;
  /** non-2xx + connection errors + timeouts + bodies that failed the check. */
  failed: number;
  statusCodes: Record<string, number>;
}

/**
 * One autocannon run, summarised; `verifyBody` failures count as failed. The rate is completed
 * requests over the time to the last answer (autocannon's own start/finish are whole seconds apart
 * when a fixed `amount` ends between its one-second ticks).
 */
export async function runLoad(options: autocannon.Options): Promise<LoadSummary> {
  const startedAt = performance.now();
  let lastAnswerAt = startedAt;
  const instance = autocannon({ timeout: 30, ...options });
  instance.on('response', () => {
    lastAnswerAt = performance.now();
  });
  const result = await instance;
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) statusCodes[code] = count;
  const seconds = (lastAnswerAt - startedAt) / 1_000;
  return {
    requests: result.requests.total,
    seconds,
    perSecond: seconds > 0 ? result.requests.total / seconds : 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    failed: result.non2xx + result.errors + result.timeouts + result.mismatches,
    statusCodes,
  };
}
