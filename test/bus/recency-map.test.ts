import { describe, expect, it } from 'vitest';
import { RecencyMap } from '../../src/bus/recency-map.js';

describe('RecencyMap', () => {
  it('gives the least recently set key, skipping keys set again or deleted', () => {
    const map = new RecencyMap<number>();
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);
    map.set('a', 4); // a is now the most recent
    map.delete('b');
    expect(map.oldest()).toEqual(['c', 3]);
    map.delete('c');
    expect(map.oldest()).toEqual(['a', 4]);
    map.delete('a');
    expect(map.oldest()).toBeUndefined();
    expect(map.size).toBe(0);
  });

  it('keeps its queue bounded when the oldest entries keep being removed, as a bounded store does', () => {
    const map = new RecencyMap<number>();
    const capacity = 100;
    for (let i = 0; i < 100_000; i += 1) {
      if (map.size >= capacity) map.delete(map.oldest()![0]);
      map.set(`id-${i}`, i);
    }
    expect(map.size).toBe(capacity);
    expect(map.oldest()).toEqual([`id-${100_000 - capacity}`, 100_000 - capacity]);
    // Live entries, twice over, plus the slack: never one entry per key ever set.
    expect(map.queued).toBeLessThanOrEqual(2 * capacity + 1_024 + 1);
  });
});
