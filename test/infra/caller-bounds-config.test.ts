import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/infra/config.js';

describe('per-caller WebSocket bounds', () => {
  it('defaults to 10 sockets per caller, 2 MiB waiting per socket and an 8 MiB document cache', () => {
    expect(loadConfig({}).limits).toMatchObject({
      wsMaxSocketsPerCaller: 10,
      wsMaxBufferedBytes: 2 * 1_024 * 1_024,
      wsDocumentCacheBytes: 8 * 1_024 * 1_024,
    });
  });

  it('takes other values, 0 sockets meaning no limit', () => {
    const { limits } = loadConfig({ WS_MAX_SOCKETS_PER_CALLER: '0', WS_MAX_BUFFERED_BYTES: '65536', WS_DOCUMENT_CACHE_BYTES: '0' });
    expect(limits).toMatchObject({ wsMaxSocketsPerCaller: 0, wsMaxBufferedBytes: 65_536, wsDocumentCacheBytes: 0 });
  });

  it.each([
    ['WS_MAX_SOCKETS_PER_CALLER', '-1'],
    ['WS_MAX_SOCKETS_PER_CALLER', 'many'],
    ['WS_MAX_BUFFERED_BYTES', '1024'],
    ['WS_DOCUMENT_CACHE_BYTES', '1.5'],
  ])('refuses %s=%s with a message that names it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });
});
