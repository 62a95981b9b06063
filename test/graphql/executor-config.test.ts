import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/infra/config.js';

describe('EXECUTOR', () => {
  it('compiles operations with graphql-jit unless told otherwise', () => {
    expect(loadConfig({}).executor).toBe('jit');
  });

  it('keeps graphql-js as the switch', () => {
    expect(loadConfig({ EXECUTOR: 'graphql-js' }).executor).toBe('graphql-js');
  });

  it('refuses anything else with a message that names the variable', () => {
    expect(() => loadConfig({ EXECUTOR: 'fast' })).toThrow(ConfigError);
    expect(() => loadConfig({ EXECUTOR: 'fast' })).toThrow(/EXECUTOR/);
  });
});
