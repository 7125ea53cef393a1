/**
 * `sleepUntil(t)`: a process resumes at exactly the absolute time `t`, which `timeout(t - now)`
 * does not always give in floating point; a past time is refused; and an interrupt cuts the
 * sleep short as it cuts a `timeout` sleep.
 */
import { describe, expect, it } from 'vitest';
import { Alarm, Interrupt, type ProcessBody, Simulation, sleepUntil, timeout } from '../../src/engine/index.js';

// From now = 0.3, a sleep of 0.9 - 0.3 seconds lands on 0.9000000000000001, not on 0.9.
const NOW = 0.3;
const THEN = 0.9;

describe('sleepUntil', () => {
  it('resumes at exactly the time given, where a sleep of the difference lands beside it', () => {
    expect(NOW + (THEN - NOW)).not.toBe(THEN); // the premise: the difference does not add back up
    const sim = new Simulation();
    const woke: Record<string, number> = {};
    sim.process(
      (function* (): ProcessBody<void> {
        expect(sim.now).toBe(NOW);
        yield sleepUntil(THEN);
        woke.until = sim.now;
      })(),
      { delay: NOW },
    );
    sim.process(
      (function* (): ProcessBody<void> {
        yield timeout(THEN - sim.now);
        woke.timeout = sim.now;
      })(),
      { delay: NOW },
    );
    sim.run();
    expect(woke.until).toBe(THEN);
    expect(woke.timeout).toBe(NOW + (THEN - NOW));
    expect(woke.timeout).not.toBe(THEN);
    // Each process: its start and one resume.
    expect(sim.eventsExecuted).toBe(4);
  });

  it('orders a sleep until now after the events already pending at now, as a zero delay does', () => {
    const sim = new Simulation();
    const log: string[] = [];
    sim.process(
      (function* (): ProcessBody<void> {
        sim.at(sim.now, () => log.push('callback'));
        yield sleepUntil(sim.now);
        log.push(`process ${sim.now}`);
        yield sleepUntil(2.5);
        log.push(`process ${sim.now}`);
      })(),
      { delay: 1 },
    );
    sim.run();
    expect(log).toEqual(['callback', 'process 1', 'process 2.5']);
  });

  it('refuses a time in the past with a RangeError, and infinity too', () => {
    const sim = new Simulation();
    sim.process(
      (function* (): ProcessBody<void> {
        yield sleepUntil(sim.now - 0.5);
      })(),
      { delay: 2 },
    );
    expect(() => sim.run()).toThrow(RangeError);
    expect(sim.now).toBe(2);

    const sim2 = new Simulation();
    sim2.process(
      (function* (): ProcessBody<void> {
        yield sleepUntil(Infinity);
      })(),
    );
    expect(() => sim2.run()).toThrow(RangeError);
  });

  it('takes an interrupt at the interrupt time, and the sleep never resumes at its time', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const p = sim.process(
      (function* (): ProcessBody<void> {
        try {
          yield sleepUntil(THEN + 10);
          log.push(`woke ${sim.now}`);
        } catch (e) {
          expect(e).toBeInstanceOf(Interrupt);
          log.push(`interrupted ${String((e as Interrupt).reason)} at ${sim.now}`);
        }
        // Sleeping again until the same moment wakes the process there once, not twice.
        yield sleepUntil(THEN + 10);
        log.push(`slept again until ${sim.now}`);
      })(),
      { delay: NOW },
    );
    sim.at(THEN, () => p.interrupt('stop'));
    sim.run();
    expect(log).toEqual([`interrupted stop at ${THEN}`, `slept again until ${THEN + 10}`]);
    expect(p.alive).toBe(false);
    expect(sim.pending).toBe(0);
  });

  it('takes an interrupt at the very moment of the wake-up when the interrupt was scheduled first', () => {
    const sim = new Simulation();
    const log: string[] = [];
    let p: ReturnType<typeof sim.process> | null = null;
    sim.at(THEN, () => p?.interrupt('same moment'));
    p = sim.process(
      (function* (): ProcessBody<void> {
        try {
          yield sleepUntil(THEN);
          log.push(`woke ${sim.now}`);
        } catch (e) {
          log.push(`${(e as Interrupt).name}: ${String((e as Interrupt).reason)} at ${sim.now}`);
        }
      })(),
      { delay: NOW },
    );
    sim.run();
    expect(log).toEqual([`Interrupt: same moment at ${THEN}`]);
    expect(sim.pending).toBe(0);
  });

  it('ends a process that does not catch the interrupt, as an interrupted timeout does', () => {
    const run = (sleep: (sim: Simulation) => ReturnType<typeof sleepUntil> | number): { error: unknown; now: number; events: number } => {
      const sim = new Simulation();
      const p = sim.process(
        (function* (): ProcessBody<string> {
          yield sleep(sim);
          return 'finished';
        })(),
        { delay: NOW },
      );
      let error: unknown = null;
      sim.process(
        (function* (): ProcessBody<void> {
          try {
            yield p;
          } catch (e) {
            error = e;
          }
        })(),
      );
      sim.at(THEN, () => p.interrupt('cut'));
      sim.run();
      return { error, now: sim.now, events: sim.eventsExecuted };
    };
    const until = run(() => sleepUntil(5));
    const delay = run((sim) => timeout(5 - sim.now));
    expect(until.error).toBeInstanceOf(Interrupt);
    expect((until.error as Interrupt).reason).toBe('cut');
    expect(until).toEqual(delay);
    expect(until.now).toBe(THEN);
  });

  it('an alarm set again for each sleep wakes its process at each exact time, as sleepUntil does', () => {
    const sim = new Simulation();
    const alarm = new Alarm();
    const woke: number[] = [];
    sim.process(
      (function* (): ProcessBody<void> {
        for (const t of [THEN, 1.7, 2.3]) {
          yield alarm.at(t);
          woke.push(sim.now);
        }
      })(),
      { delay: NOW },
    );
    sim.run();
    expect(woke).toEqual([THEN, 1.7, 2.3]);
  });
});
