import { describe, expect, it } from 'vitest';
import { type ProcessBody, Resource, Simulation, timeout } from '../../src/engine/index.js';

describe('a process started with `now`', () => {
  it('runs its first step inside the call, in the place of the handler that starts it, and goes on as any process', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    function* body(): ProcessBody<string> {
      seen.push(`first step at ${sim.now}`);
      yield timeout(2);
      seen.push(`second step at ${sim.now}`);
      return 'done';
    }
    // Another event at the same moment, scheduled before the handler: it still runs first,
    // and the process's first step runs before anything scheduled after the handler.
    sim.at(5, () => seen.push('earlier event at 5'));
    sim.at(5, () => {
      sim.at(5, () => seen.push('later event at 5'));
      const p = sim.process(body(), { now: true });
      seen.push(`handler sees alive=${String(p.alive)}`);
    });
    const before = sim.eventsExecuted;
    sim.run();
    expect(seen).toEqual(['earlier event at 5', 'first step at 5', 'handler sees alive=true', 'later event at 5', 'second step at 7']);
    // Two handlers, the later one, and the process's one wake: no event to start it.
    expect(sim.eventsExecuted - before).toBe(4);
  });

  it('throws what its first step throws to the caller', () => {
    const sim = new Simulation();
    // eslint-disable-next-line require-yield
    function* failing(): ProcessBody<void> {
      throw new Error('broken at once');
    }
    expect(() => sim.process(failing(), { now: true })).toThrow('broken at once');
  });
});

describe('Resource.tryAcquire', () => {
  it('takes a free slot without yielding, and refuses when none is free or someone waits', () => {
    const sim = new Simulation();
    const r = new Resource(2);
    expect(r.tryAcquire()).toBe(true);
    expect(r.tryAcquire()).toBe(true);
    expect(r.inUse).toBe(2);
    expect(r.tryAcquire()).toBe(false);
    const got: number[] = [];
    sim.process(
      (function* (): ProcessBody<void> {
        yield r.acquire();
        got.push(sim.now);
      })(),
    );
    sim.run();
    expect(r.queued).toBe(1);
    // A slot given back goes to the waiter, not to a later tryAcquire.
    sim.at(3, () => {
      r.release();
      expect(r.tryAcquire()).toBe(false);
    });
    sim.run();
    expect(got).toEqual([3]);
    expect(r.inUse).toBe(2);
  });
});
