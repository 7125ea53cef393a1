import { describe, expect, it } from 'vitest';
import { type Attempt, MessageLife } from '../../src/mail/index.js';

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
    for (const life of [full, lean]) {
      expect(life.lastFailure()).toBe(tries[1]);
      expect(life.lastCause()).toMatchObject({ reply: { code: 450, text: 'try 600' } });
    }
    expect(new MessageLife(message, { keepAttempts: false }).lastCause()).toBeUndefined();
  });
});
