import { describe, expect, it } from 'vitest';
import { quantile, Samples } from '../../src/metrics/index.js';

describe('Samples', () => {
  it('keep every value, exactly, past any number of growths', () => {
    const s = new Samples();
    const values: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const v = ((i * 7919) % 1009) / 3 + 1e-9 * i;
      values.push(v);
      s.push(v);
    }
    expect(s.length).toBe(1000);
    expect([...s.view()]).toEqual(values);
    const sorted = [...values].sort((a, b) => a - b);
    expect([...s.sorted()]).toEqual(sorted);
    expect(quantile(s.sorted(), 0.95)).toBe(quantile(sorted, 0.95));
  });

  it('sort several lists together as one', () => {
    const a = new Samples();
    const b = new Samples();
    for (const v of [5, 1, 3]) a.push(v);
    for (const v of [4, 2]) b.push(v);
    expect([...Samples.sortedUnion([a, b])]).toEqual([1, 2, 3, 4, 5]);
    expect(Samples.sortedUnion([]).length).toBe(0);
    expect(quantile(new Samples().sorted(), 0.5)).toBeNull();
  });
});
