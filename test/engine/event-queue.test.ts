import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/engine/index.js';

describe('EventQueue', () => {
  it('pops in (time, seq) order whatever the push order, growing as needed', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.nat(1000)), { maxLength: 400 }), (items) => {
        const q = new EventQueue(1);
        items.forEach(([t], i) => q.push(t, i, i));
        const out: number[] = [];
        while (q.size > 0) {
          out.push(q.peekSlot());
          q.pop();
        }
        const want = items.map(([t], i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i).map((x) => x.i);
        expect(out).toEqual(want);
        expect(q.peekTime()).toBe(Infinity);
      }),
    );
  });

  it('keeps heap order after dropping entries with retain', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { maxLength: 300 }), (times) => {
        const q = new EventQueue();
        times.forEach((t, i) => q.push(t, i, i));
        const dropped: number[] = [];
        q.retain((slot) => slot % 3 !== 0, (slot) => dropped.push(slot));
        const out: number[] = [];
        while (q.size > 0) {
          out.push(q.peekSlot());
          q.pop();
        }
        const kept = times.map((t, i) => ({ t, i })).filter((x) => x.i % 3 !== 0);
        expect(out).toEqual(kept.sort((a, b) => a.t - b.t || a.i - b.i).map((x) => x.i));
        expect(dropped.sort((a, b) => a - b)).toEqual(times.map((_, i) => i).filter((i) => i % 3 === 0));
      }),
    );
  });
});
