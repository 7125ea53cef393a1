import { describe, expect, it } from 'vitest';
import { Interrupt, Mailbox, Resource, Signal, Simulation, TIMED_OUT, timeout, within } from '../../src/engine/index.js';

describe('processes', () => {
  it('read top to bottom: sleeps advance the clock, and each resume is one event', () => {
    const sim = new Simulation();
    const log: string[] = [];
    sim.process(
      (function* () {
        log.push(`start ${sim.now}`);
        yield timeout(5);
        log.push(`woke ${sim.now}`);
        yield timeout(2.5);
        log.push(`done ${sim.now}`);
      })(),
      { delay: 1 },
    );
    sim.run();
    expect(log).toEqual(['start 1', 'woke 6', 'done 8.5']);
    expect(sim.eventsExecuted).toBe(3);
  });

  it('interleave with callbacks in the kernel FIFO order', () => {
    const sim = new Simulation();
    const log: string[] = [];
    sim.at(1, () => log.push('callback@1'));
    sim.process(
      (function* () {
        yield timeout(1);
        log.push('process@1');
      })(),
    );
    sim.at(1, () => log.push('callback2@1'));
    sim.run();
    // The process's sleep was scheduled at its start event (t=0), after both callbacks.
    expect(log).toEqual(['callback@1', 'callback2@1', 'process@1']);
  });

  it('wait on a signal and receive its value; late waiters get it at once', () => {
    const sim = new Simulation();
    const sig = new Signal<string>();
    const got: string[] = [];
    for (const name of ['a', 'b']) {
      sim.process(
        (function* () {
          const v = (yield sig) as string;
          got.push(`${name}:${v}@${sim.now}`);
        })(),
      );
    }
    sim.at(4, () => sig.fire('ready'));
    sim.run();
    sim.process(
      (function* () {
        const v = (yield sig) as string;
        got.push(`late:${v}@${sim.now}`);
      })(),
    );
    sim.run();
    expect(got).toEqual(['a:ready@4', 'b:ready@4', 'late:ready@4']);
    expect(() => sig.fire('again')).toThrow(/only once/);
  });

  it('share a resource in FIFO order, the slot passing straight to the next waiter', () => {
    const sim = new Simulation();
    const server = new Resource(2);
    const log: string[] = [];
    for (const [name, start, hold] of [
      ['a', 0, 10],
      ['b', 1, 10],
      ['c', 2, 1],
      ['d', 3, 1],
    ] as const) {
      sim.process(
        (function* () {
          yield server.acquire();
          log.push(`${name} in @${sim.now}`);
          yield timeout(hold);
          server.release();
        })(),
        { delay: start },
      );
    }
    sim.run();
    expect(log).toEqual(['a in @0', 'b in @1', 'c in @10', 'd in @11']);
    expect(server.inUse).toBe(0);
    expect(server.grantsAfterWaiting).toBe(2);
    expect(() => server.release()).toThrow(/without a slot/);
  });

  it('pass messages through a mailbox in order', () => {
    const sim = new Simulation();
    const box = new Mailbox<number>();
    const got: string[] = [];
    sim.process(
      (function* () {
        for (;;) {
          const m = (yield box.get()) as number;
          got.push(`${m}@${sim.now}`);
        }
      })(),
    );
    box.put(1);
    sim.at(3, () => {
      box.put(2);
      box.put(3);
    });
    sim.run();
    expect(got).toEqual(['1@0', '2@3', '3@3']);
    expect(box.size).toBe(0);
  });

  it('join another process and get its return value or its error', () => {
    const sim = new Simulation();
    const out: string[] = [];
    const child = sim.process(
      (function* () {
        yield timeout(2);
        return 42;
      })(),
    );
    const bad = sim.process(
      (function* () {
        yield timeout(3); // fails after the joiner below has started waiting on it
        throw new Error('handshake failed');
      })(),
    );
    sim.process(
      (function* () {
        const v = (yield child) as number;
        out.push(`child returned ${v} @${sim.now}`);
        try {
          yield bad;
        } catch (e) {
          out.push(`bad threw ${(e as Error).message}`);
        }
      })(),
    );
    sim.run();
    expect(out).toEqual(['child returned 42 @2', 'bad threw handshake failed']);
    expect(sim.now).toBe(3);
    expect(child.alive).toBe(false);
    expect(child.value).toBe(42);
  });

  it('propagate an unjoined failure out of run()', () => {
    const sim = new Simulation();
    sim.process(
      (function* () {
        yield timeout(1);
        throw new Error('uncaught in model');
      })(),
    );
    expect(() => sim.run()).toThrow('uncaught in model');
  });

  it('cut a sleep short on interrupt, with the reason', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const p = sim.process(
      (function* () {
        try {
          yield timeout(100);
          log.push('slept');
        } catch (e) {
          log.push(`interrupted @${sim.now}: ${String((e as Interrupt).reason)}`);
        }
        yield timeout(1);
        log.push(`after @${sim.now}`);
      })(),
    );
    sim.at(7, () => p.interrupt('link down'));
    sim.run();
    expect(log).toEqual(['interrupted @7: link down', 'after @8']);
    expect(sim.now).toBe(8);
  });

  it('withdraw a queued resource request on interrupt, and keep a granted slot', () => {
    const sim = new Simulation();
    const res = new Resource(1);
    const log: string[] = [];
    sim.process(
      (function* () {
        yield res.acquire();
        yield timeout(10);
        res.release();
      })(),
    );
    const waiter = sim.process(
      (function* () {
        try {
          yield res.acquire();
          log.push('got slot');
        } catch {
          log.push(`gave up @${sim.now}`);
        }
      })(),
    );
    sim.at(5, () => waiter.interrupt('timeout'));
    sim.run();
    expect(log).toEqual(['gave up @5']);
    expect(res.queued).toBe(0);
    expect(res.inUse).toBe(0);

    // Interrupted in the same instant it was granted: it keeps the slot, and the interrupt
    // arrives at its next yield.
    const sim2 = new Simulation();
    const res2 = new Resource(1);
    const log2: string[] = [];
    const p = sim2.process(
      (function* () {
        yield res2.acquire();
        log2.push(`holding ${res2.inUse}`);
        try {
          yield timeout(5);
        } catch {
          log2.push(`interrupted @${sim2.now}`);
        }
        res2.release();
      })(),
    );
    sim2.at(0, () => p.interrupt('now')); // after p's start, before its grant resume
    sim2.run();
    expect(log2).toEqual(['holding 1', 'interrupted @0']);
    expect(res2.inUse).toBe(0);
  });

  it('say what went wrong when a process yields something it cannot wait on', () => {
    const sim = new Simulation();
    sim.process(
      (function* () {
        yield 'soon' as unknown as number;
      })(),
      { name: 'smtp-client' },
    );
    expect(() => sim.run()).toThrow(/process "smtp-client" yielded soon: yield a delay/);
  });

  it('refuse to interrupt a finished process', () => {
    const sim = new Simulation();
    const p = sim.process(
      (function* () {
        yield timeout(1);
      })(),
      { name: 'x' },
    );
    sim.run();
    expect(() => p.interrupt('late')).toThrow(/cannot interrupt process "x": it has finished/);
  });
});

describe('waiting with a deadline', () => {
  it('gets the message if it comes in time, and TIMED_OUT (with the wait withdrawn) if not', () => {
    const sim = new Simulation();
    const box = new Mailbox<string>();
    const got: string[] = [];
    sim.process(
      (function* () {
        const a = (yield within(10, box)) as string | typeof TIMED_OUT;
        got.push(`${String(a)}@${sim.now}`);
        const b = (yield within(10, box)) as string | typeof TIMED_OUT;
        got.push(`${b === TIMED_OUT ? 'timed out' : b}@${sim.now}`);
        yield timeout(5);
        got.push(`later@${sim.now}`);
      })(),
    );
    sim.at(4, () => box.put('220 ready'));
    sim.at(20, () => box.put('too late'));
    sim.run();
    expect(got).toEqual(['220 ready@4', 'timed out@14', 'later@19']);
    expect(box.size).toBe(1); // the late message was not taken by the withdrawn wait
  });

  it('times each of a run of waits out at its own deadline, longer or shorter than the last', () => {
    const sim = new Simulation();
    const box = new Mailbox<string>();
    const got: string[] = [];
    sim.process(
      (function* () {
        // Answered in time, three times over: each wait's deadline replaces the last's.
        for (let k = 0; k < 3; k++) got.push(`${String(yield within(300, box))}@${sim.now}`);
        // A shorter deadline than the one before it, then a longer one: both expire on time.
        got.push(`${(yield within(5, box)) === TIMED_OUT ? 'timed out' : '?'}@${sim.now}`);
        got.push(`${(yield within(400, box)) === TIMED_OUT ? 'timed out' : '?'}@${sim.now}`);
      })(),
    );
    for (const t of [10, 250, 500]) sim.at(t, () => box.put(`reply`));
    const events = sim.run();
    expect(events).toBe('empty');
    expect(got).toEqual(['reply@10', 'reply@250', 'reply@500', 'timed out@505', 'timed out@905']);
    expect(sim.now).toBe(905);
  });

  it('cancels the deadline when the wait ends first, so it never fires later', () => {
    const sim = new Simulation();
    const sig = new Signal<number>();
    let resumes = 0;
    sim.process(
      (function* () {
        yield within(100, sig);
        resumes++;
        yield timeout(500);
        resumes++;
      })(),
    );
    sim.at(1, () => sig.fire(1));
    sim.run();
    expect(resumes).toBe(2);
    expect(sim.now).toBe(501);
    expect(sim.eventsExecuted).toBe(4); // start, fire, wake, end of sleep: no stray deadline event
  });
});
