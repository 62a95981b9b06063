import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/infra/config.js';

describe('the upstream budget, replica and cache settings', () => {
  it('default to Wix’s 200 calls a minute, the cache on for 10 s (providers 10 min), resync every 5 min', () => {
    expect(loadConfig({}).upstream).toEqual({
      ratePerMinute: 200,
      cache: true,
      cacheTtlMs: 10_000,
      providersTtlMs: 600_000,
      staleMs: 600_000,
      cacheMaxBytes: 64 * 1_024 * 1_024,
      replicaResyncMs: 300_000,
    });
    expect(loadConfig({}).emulatorRatePerMinute).toBe(200);
  });

  it('takes other values, 0 turning the budget and the emulator’s limit off', () => {
    const config = loadConfig({ WIX_RATE_LIMIT_PER_MINUTE: '0', UPSTREAM_CACHE: 'false', EMULATOR_RATE_LIMIT_PER_MINUTE: '0' });
    expect(config.upstream).toMatchObject({ ratePerMinute: 0, cache: false });
    expect(config.emulatorRatePerMinute).toBe(0);
  });

  it.each([
    ['WIX_RATE_LIMIT_PER_MINUTE', 'lots'],
    ['WIX_RATE_LIMIT_PER_MINUTE', '-5'],
    ['UPSTREAM_CACHE', 'maybe'],
    ['WIX_CACHE_TTL_MS', '1.5'],
    ['WIX_PROVIDERS_CACHE_TTL_MS', '-1'],
    ['WIX_CACHE_STALE_MS', 'soon'],
    ['WIX_CACHE_MAX_BYTES', '1024'],
    ['REPLICA_RESYNC_MS', '5'],
    ['EMULATOR_RATE_LIMIT_PER_MINUTE', 'x'],
  ])('refuses %s=%s with a message that names it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });
});
