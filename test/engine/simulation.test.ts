import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/index.js';

describe('Simulation ordering', () => {
  it('runs events by time, and equal times in the order they were scheduled', () => {
    const sim = new Simulation();
    const log: string[] = [];
    sim.at(2, () => log.push('b@2'));
    sim.at(1, () => log.push('a@1'));
    sim.at(2, () => log.push('c@2'));
    sim.at(1, () => {
      log.push('d@1');
      sim.after(0, () => log.push('e@1, scheduled during d'));
    });
    sim.run();
    expect(log).toEqual(['a@1', 'd@1', 'e@1, scheduled during d', 'b@2', 'c@2']);
    expect(sim.now).toBe(2);
  });

  it('matches a sort by (time, schedule order) under random schedules and cancellations', () => {
    const op = fc.record({
      time: fc.integer({ min: 0, max: 20 }).map((t) => t / 4), // many ties on purpose
      cancelOne: fc.boolean(),
      spawn: fc.integer({ min: 0, max: 3 }).map((t) => t / 2),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const sim = new Simulation();
        const ran: number[] = [];
        const expected: { t: number; seq: number; key: number }[] = [];
        const ids: number[] = [];
        let seq = 0;
        let nextKey = 0;
        const cancelled = new Set<number>();
        ops.forEach((o) => {
          const key = nextKey++;
          ids.push(sim.at(o.time, (k) => ran.push(k), key));
          expected.push({ t: o.time, seq: seq++, key });
          if (o.cancelOne && ids.length > 1) {
            const victim = (key * 7) % ids.length;
            if (sim.cancel(ids[victim] as number)) cancelled.add(victim);
          }
        });
        sim.run();
        const want = expected
          .filter((e) => !cancelled.has(e.key))
          .sort((a, b) => a.t - b.t || a.seq - b.seq)
          .map((e) => e.key);
        expect(ran).toEqual(want);
        expect(sim.pending).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps its promise for events scheduled by running handlers', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 60 }), (delays) => {
        const sim = new Simulation();
        const seen: number[] = [];
        let k = 0;
        const fire = (): void => {
          seen.push(sim.now);
          if (k < delays.length) sim.after(delays[k++] as number, fire);
        };
        sim.at(0, fire);
        sim.run();
        expect(seen).toEqual([...seen].sort((a, b) => a - b));
        expect(seen.length).toBe(delays.length + 1);
      }),
    );
  });
});

describe('Simulation control', () => {
  it('runs until a time inclusively, then stands the clock at that time', () => {
    const sim = new Simulation();
    const log: number[] = [];
    for (const t of [1, 2, 3, 4]) sim.at(t, () => log.push(t));
    expect(sim.run({ until: 3 })).toBe('until');
    expect(log).toEqual([1, 2, 3]);
    expect(sim.now).toBe(3);
    expect(sim.run({ until: 10 })).toBe('empty');
    expect(log).toEqual([1, 2, 3, 4]);
    expect(sim.now).toBe(10);
  });

  it('runs at most N events per call and can be resumed', () => {
    const sim = new Simulation();
    const log: number[] = [];
    for (let i = 0; i < 5; i++) sim.at(i, () => log.push(i));
    expect(sim.run({ maxEvents: 2 })).toBe('max-events');
    expect(log).toEqual([0, 1]);
    expect(sim.step()).toBe(true);
    expect(sim.run()).toBe('empty');
    expect(log).toEqual([0, 1, 2, 3, 4]);
    expect(sim.eventsExecuted).toBe(5);
    expect(sim.step()).toBe(false);
  });

  it('stops from inside a handler after that event', () => {
    const sim = new Simulation();
    const log: number[] = [];
    sim.at(1, () => {
      log.push(1);
      sim.stop();
    });
    sim.at(1, () => log.push(2));
    expect(sim.run()).toBe('stopped');
    expect(log).toEqual([1]);
    expect(sim.run()).toBe('empty');
    expect(log).toEqual([1, 2]);
  });

  it('cancels an event once, and a stale id never cancels a later event in the same slot', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const a = sim.at(1, () => log.push('a'));
    expect(sim.cancel(a)).toBe(true);
    expect(sim.cancel(a)).toBe(false);
    sim.run();
    const b = sim.at(2, () => log.push('b')); // reuses a's slot
    expect(sim.cancel(a)).toBe(false);
    sim.run();
    expect(log).toEqual(['b']);
    expect(sim.cancel(b)).toBe(false);
  });

  it('bounds memory under heavy cancellation: the heap is compacted', () => {
    const sim = new Simulation();
    let fired = 0;
    for (let round = 0; round < 50; round++) {
      const ids: number[] = [];
      for (let i = 0; i < 1000; i++) ids.push(sim.after(1000 + i, () => fired++));
      for (const id of ids) sim.cancel(id);
    }
    sim.after(1, () => fired++);
    expect(sim.pending).toBe(1);
    // Internal size: with compaction it never exceeds live + cancelled-since-compaction.
    expect((sim as unknown as { queue: { size: number } }).queue.size).toBeLessThan(3000);
    sim.run();
    expect(fired).toBe(1);
  });

  it('tells the observer about every executed event, in order', () => {
    const sim = new Simulation();
    const seen: [number, number][] = [];
    sim.observer = (t, _id, _h, data) => seen.push([t, data]);
    sim.at(2, () => undefined, 20);
    const c = sim.at(1.5, () => undefined, 15);
    sim.at(1, () => undefined, 10);
    sim.cancel(c);
    sim.run();
    expect(seen).toEqual([
      [1, 10],
      [2, 20],
    ]);
  });

  it('refuses to schedule in the past, at infinity, or with a negative delay', () => {
    const sim = new Simulation();
    sim.at(5, () => {
      expect(() => sim.at(4, () => undefined)).toThrow(/before now \(t=5\)/);
    });
    sim.run();
    expect(() => sim.after(-1, () => undefined)).toThrow(/delay must be a finite number >= 0, got -1/);
    expect(() => sim.after(Number.NaN, () => undefined)).toThrow(/got NaN/);
    expect(() => sim.at(Infinity, () => undefined)).toThrow(/infinity/);
    expect(() => sim.run({ until: 1 })).toThrow(/before now/);
  });

  it('lets a handler error propagate out of run, and can go on afterwards', () => {
    const sim = new Simulation();
    const log: number[] = [];
    sim.at(1, () => {
      throw new Error('model bug');
    });
    sim.at(2, () => log.push(2));
    expect(() => sim.run()).toThrow('model bug');
    expect(sim.now).toBe(1);
    sim.run();
    expect(log).toEqual([2]);
  });

  it('is independent per instance', () => {
    const a = new Simulation();
    const b = new Simulation();
    a.at(3, () => undefined);
    a.run();
    expect(a.now).toBe(3);
    expect(b.now).toBe(0);
  });
});

describe('Simulation event keys', () => {
  // Each event's heap key packs its schedule number with its slot. These tests drive the two
  // cases that renumber the keys of pending events (the slot table outgrowing the key layout,
  // and the schedule counter running out of exact integers) and check that nothing moves.
  function fifoRun(sim: Simulation, count: number, cancelEvery: number): { ran: number[]; want: number[] } {
    const ran: number[] = [];
    const ids: number[] = [];
    const want: { t: number; i: number }[] = [];
    for (let i = 0; i < count; i++) {
      const t = (i * 7919) % 13;
      ids.push(sim.at(sim.now + t, (k) => ran.push(k), i));
      want.push({ t, i });
    }
    const cancelled = new Set<number>();
    for (let i = 0; i < count; i += cancelEvery) {
      expect(sim.cancel(ids[i] as number)).toBe(true);
      cancelled.add(i);
    }
    sim.run();
    return {
      ran,
      want: want
        .filter((e) => !cancelled.has(e.i))
        .sort((a, b) => a.t - b.t || a.i - b.i)
        .map((e) => e.i),
    };
  }

  it('keeps FIFO order and valid ids while the slot table grows from nothing', () => {
    const sim = new Simulation({ capacity: 0 });
    const { ran, want } = fifoRun(sim, 20_000, 3);
    expect(ran).toEqual(want);
    expect(sim.pending).toBe(0);
  });

  it('keeps FIFO order when the schedule counter is renumbered mid-run', () => {
    const sim = new Simulation();
    const clock = (sim as unknown as { clock: Float64Array }).clock;
    // Pretend that almost every exact integer has been used: the next schedules renumber.
    const log: string[] = [];
    sim.at(1, () => log.push('a'));
    sim.at(2, () => log.push('b'));
    const c = sim.at(1, () => log.push('c'));
    clock[2] = (clock[1] as number) + 1;
    sim.at(1, () => log.push('d'));
    sim.at(1, () => log.push('e'));
    sim.at(1, () => {
      log.push('f');
      sim.after(0, () => log.push('g'));
      sim.after(1, () => log.push('h'));
    });
    expect(sim.cancel(c)).toBe(true);
    sim.run();
    expect(log).toEqual(['a', 'd', 'e', 'f', 'g', 'b', 'h']);
    clock[2] = (clock[1] as number) + 2;
    const { ran, want } = fifoRun(sim, 3000, 5);
    expect(ran).toEqual(want);
  });

  it('refuses a capacity that is not a number from 0 to 2^26', () => {
    expect(() => new Simulation({ capacity: -1 })).toThrow(RangeError);
    expect(() => new Simulation({ capacity: Number.NaN })).toThrow(RangeError);
    expect(() => new Simulation({ capacity: 2 ** 27 })).toThrow(RangeError);
    expect(new Simulation({ capacity: 1000.5 }).pending).toBe(0);
  });
});

describe('Simulation seen from inside a handler', () => {
  it('does not count or show the running event, whatever the handler does first', () => {
    const sim = new Simulation();
    const seen: [string, number, number][] = [];
    sim.observer = () => seen.push(['observer', sim.pending, sim.peek()]);
    sim.at(1, () => {
      seen.push(['a', sim.pending, sim.peek()]);
      sim.after(0, () => seen.push(['c', sim.pending, sim.peek()]));
      seen.push(['a2', sim.pending, sim.peek()]);
    });
    sim.at(2, () => seen.push(['b', sim.pending, sim.peek()]));
    sim.run();
    expect(seen).toEqual([
      ['observer', 1, 2],
      ['a', 1, 2],
      ['a2', 2, 1],
      ['observer', 1, 2],
      ['c', 1, 2],
      ['observer', 0, Infinity],
      ['b', 0, Infinity],
    ]);
  });
});
