import { describe, expect, it } from 'vitest';
import { type Attempt, MessageLife, MessageLives } from '../../src/mail/index.js';

const message = { id: 1, cls: 'legit' as const, from: 'ann@a.example', to: ['bob@b.example'], size: 1000, createdAt: 0, group: 'g', client: 0 };

function attempt(start: number, result: Attempt['result'], code?: number): Attempt {
  return {
    start,
    end: start + 1,
    by: 'mta',
    server: 'mx.b.example',
    port: 25,
    tls: 'none',
    result,
    ...(code === undefined ? {} : { cause: { kind: 'reply' as const, stage: 'rcpt' as const, reply: { code, text: `try ${start}` } } }),
    flow: start,
  };
}

describe('a message life', () => {
  it('keeps every attempt by default, and without that only the last failure, which is what its cause is read from', () => {
    const full = new MessageLife(message);
    const lean = new MessageLife(message, { keepAttempts: false });
    const tries = [attempt(0, 'deferred', 421), attempt(600, 'deferred', 450), attempt(1800, 'accepted')];
    for (const a of tries) {
      full.attempt(a);
      lean.attempt(a);
    }
    expect(full.attempts).toEqual(tries);
    expect(lean.attempts).toEqual([]);
    expect(full.lastFailure()).toBe(tries[1]);
    // A lean life keeps what an outcome reads of the failure, not the attempt.
    const { by, server, port, cause, flow } = tries[1] as Attempt;
    expect(lean.lastFailure()).toEqual({ by, server, port, cause, flow });
    for (const life of [full, lean]) expect(life.lastCause()).toMatchObject({ reply: { code: 450, text: 'try 600' } });
    expect(new MessageLife(message, { keepAttempts: false }).lastCause()).toBeUndefined();
  });

  it('keeps each lean life its own last failure while many fail alike or in turn, and its end', () => {
    const lives = [1, 2, 3].map((id) => new MessageLife({ ...message, id }, { keepAttempts: false })) as [MessageLife, MessageLife, MessageLife];
    const [a, b, c] = lives;
    const first = attempt(0, 'deferred', 421);
    const other = { ...attempt(5, 'deferred', 450), by: 'other-mta', port: 587 };
    a.attempt(first);
    b.attempt({ ...first, flow: 7 });
    c.attempt(other);
    a.attempt({ ...first, start: 10, flow: 9 });
    expect(a.lastFailure()).toEqual({ by: 'mta', server: 'mx.b.example', port: 25, cause: first.cause, flow: 9 });
    expect(b.lastFailure()).toEqual({ by: 'mta', server: 'mx.b.example', port: 25, cause: first.cause, flow: 7 });
    expect(c.lastFailure()).toEqual({ by: 'other-mta', server: 'mx.b.example', port: 587, cause: other.cause, flow: 5 });
    b.attempt({ ...attempt(20, 'deferred'), cause: undefined } as Attempt);
    expect(b.lastCause()).toBe(first.cause);
    const noFlow: Attempt = { ...attempt(30, 'deferred', 451) };
    delete (noFlow as { flow?: number }).flow;
    b.attempt(noFlow);
    expect(b.lastFailure()).toEqual({ by: 'mta', server: 'mx.b.example', port: 25, cause: noFlow.cause });
    expect(a.endedAt).toBe(Infinity);
    expect(a.age(100)).toBe(100);
    a.end('delivered', 40.5);
    expect([a.fate, a.endedAt, a.age(100)]).toEqual(['delivered', 40.5, 40.5]);
    expect(() => a.end('bounced', 50)).toThrow(/already ended \(delivered\)/);
  });
});

describe('the list of messages on their way', () => {
  const life = (id: number): MessageLife => new MessageLife({ ...message, id });

  it('gives its lives oldest first, takes any of them out, and counts them', () => {
    const lives = new MessageLives();
    const all = [1, 2, 3, 4, 5].map(life);
    for (const l of all) expect(lives.add(l)).toBe(true);
    expect(lives.delete(all[2] as MessageLife)).toBe(true);
    expect(lives.delete(all[0] as MessageLife)).toBe(true);
    expect(lives.delete(all[4] as MessageLife)).toBe(true);
    expect([...lives.values()].map((l) => l.message.id)).toEqual([2, 4]);
    expect(lives.size).toBe(2);
    lives.add(all[0] as MessageLife);
    expect([...lives.values()].map((l) => l.message.id)).toEqual([2, 4, 1]);
  });

  it('holds a life once, refuses to take out one it does not hold, and lets a life go while it is being read', () => {
    const a = new MessageLives();
    const b = new MessageLives();
    const [x, y, z] = [1, 2, 3].map(life) as [MessageLife, MessageLife, MessageLife];
    a.add(x);
    a.add(y);
    a.add(z);
    expect(a.add(x)).toBe(false);
    expect(b.add(x)).toBe(false);
    expect(b.delete(x)).toBe(false);
    expect(b.has(x)).toBe(false);
    const seen: number[] = [];
    for (const l of a.values()) {
      seen.push(l.message.id);
      a.delete(l);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(a.size).toBe(0);
    expect([...a.values()]).toEqual([]);
    expect(b.add(x)).toBe(true);
    expect(b.has(x)).toBe(true);
  });
});
