import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/engine/index.js';

function drain(q: EventQueue): number[] {
  const out: number[] = [];
  while (q.size > 0) {
    out.push(q.peekKey());
    q.pop();
  }
  return out;
}

describe('EventQueue', () => {
  it('pops in (time, key) order whatever the push order, growing as needed', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.nat(1000)), { maxLength: 400 }), (items) => {
        const q = new EventQueue(1);
        // Keys in a scrambled order, so that ties are broken by key and not by push order.
        const keys = items.map((_, i) => (i * 7919) % 100_003);
        items.forEach(([t], i) => q.push(t, keys[i] as number));
        const want = items
          .map(([t], i) => ({ t, k: keys[i] as number }))
          .sort((a, b) => a.t - b.t || a.k - b.k)
          .map((x) => x.k);
        expect(drain(q)).toEqual(want);
        expect(q.peekTime()).toBe(Infinity);
      }),
    );
  });

  it('keeps heap order after dropping entries with retain', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { maxLength: 300 }), (times) => {
        const q = new EventQueue();
        times.forEach((t, i) => q.push(t, i));
        const dropped: number[] = [];
        q.retain(
          (k) => k % 3 !== 0,
          (k) => dropped.push(k),
        );
        const kept = times.map((t, i) => ({ t, i })).filter((x) => x.i % 3 !== 0);
        expect(drain(q)).toEqual(kept.sort((a, b) => a.t - b.t || a.i - b.i).map((x) => x.i));
        expect(dropped.sort((a, b) => a - b)).toEqual(times.map((_, i) => i).filter((i) => i % 3 === 0));
      }),
    );
  });

  it('rekey hands out ranks in key order and keeps the pop order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.nat(2 ** 40)), { maxLength: 300 }), (items) => {
        const q = new EventQueue(2);
        const seen = new Set<number>();
        const unique = items.filter(([, k]) => !seen.has(k) && seen.add(k) !== undefined);
        unique.forEach(([t, k]) => q.push(t, k));
        const before = new EventQueue(unique.length);
        unique.forEach(([t, k]) => before.push(t, k));
        const order = drain(before);
        const rankOf = new Map([...seen].sort((a, b) => a - b).map((k, r) => [k, r]));
        q.rekey((k, rank) => {
          expect(rank).toBe(rankOf.get(k));
          return rank * 1000 + 1;
        });
        expect(drain(q)).toEqual(order.map((k) => (rankOf.get(k) as number) * 1000 + 1));
      }),
    );
  });

  it('reserve makes room without losing entries', () => {
    const q = new EventQueue();
    for (let i = 0; i < 100; i++) q.push(100 - i, i);
    q.reserve(10_000);
    expect(q.capacity).toBeGreaterThanOrEqual(10_000);
    expect(drain(q)).toEqual(Array.from({ length: 100 }, (_, i) => 99 - i));
  });
});
