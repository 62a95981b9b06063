import { describe, expect, it } from 'vitest';
import { parseOptions, type BenchOptions } from '../../bench/options.js';

const parse = (...argv: string[]) => parseOptions(argv, '/tmp/bench/') as BenchOptions;

describe('bench options', () => {
  it('reads the fan-out systems and the saturation size', () => {
    const options = parse('--fanout-systems=gateway,bare', '--saturation=5000@20', '--saturation-seconds=4');
    expect(options.fanout.systems).toEqual(['gateway', 'bare']);
    expect(options.fanout.saturation).toEqual({ subscribers: 5_000, rate: 20, seconds: 4 });
    expect(parse().fanout.saturation).toEqual({ subscribers: 10_000, rate: 10, seconds: 3 });
  });

  it('refuses malformed values, naming the option', () => {
    expect(() => parse('--fanout-systems=gateway,apollo')).toThrow(/--fanout-systems: unknown system apollo/);
    expect(() => parse('--saturation=lots')).toThrow(/--saturation takes/);
    expect(() => parse('--saturation=1000@5,2000@5')).toThrow(/--saturation takes one/);
    expect(() => parse('--fanout=1000')).toThrow(/--fanout takes/);
    expect(() => parse('--saturation-seconds=-1')).toThrow(/--saturation-seconds/);
  });
});
