import { describe, expect, it } from 'vitest';
import { attemptSchedule, exim, postfix, RETRY_PROFILES, sendmail, exchange } from '../../src/mail/index.js';

const MIN = 60;
const HOUR = 3600;
const DAY = 86400;

// One contract, every profile: retries move forward, never closer together than the
// profile's floor, and the message bounces within its lifetime plus one retry gap.
describe.each(Object.values(RETRY_PROFILES))('retry profile $name', (profile) => {
  it('schedules attempts strictly later each time and bounces after its lifetime', () => {
    const { attempts, bouncedAt } = attemptSchedule(profile, 1000);
    for (let i = 1; i < attempts.length; i++) expect(attempts[i] as number).toBeGreaterThan(attempts[i - 1] as number);
    expect(bouncedAt).toBe(attempts[attempts.length - 1]);
    expect(bouncedAt - 1000).toBeGreaterThanOrEqual(profile.lifetime);
    expect(bouncedAt - 1000).toBeLessThan(profile.lifetime + 7 * HOUR);
  });
});

describe('retry schedules against REFERENCE.md §3', () => {
  it('keep a destination dead after a connection failure as the real programs do', () => {
    // Postfix minimal_backoff_time, Sendmail Timeout.hoststatus, Exim's first host retry gap,
    // Exchange OutboundConnectionFailureRetryInterval.
    expect([postfix, sendmail, exim, exchange].map((p) => p.deadFor)).toEqual([300, 30 * MIN, 15 * MIN, 10 * MIN]);
  });

  it('postfix: 5, 10, 20, 40, 80 min, then the 4000 s ceiling on the 300 s scan grid; bounce after 5 days', () => {
    const { attempts, bouncedAt } = attemptSchedule(postfix);
    expect(attempts.slice(0, 7).map((t) => t / MIN)).toEqual([0, 5, 10, 20, 40, 80, 150]);
    // 4000 s is 66.7 min; the next scan after it is 70 min later.
    expect((attempts[7] as number) - (attempts[6] as number)).toBe(70 * MIN);
    expect(bouncedAt).toBeGreaterThanOrEqual(5 * DAY);
    expect(postfix.tlsFallback).toEqual({ kind: 'plaintext-after', age: 300 });
    expect(postfix.connectTimeout).toBe(30);
  });

  it('sendmail: every hourly queue run, a warning at 4 h, return at 5 days', () => {
    const { attempts, bouncedAt } = attemptSchedule(sendmail);
    expect(attempts.slice(0, 4).map((t) => t / HOUR)).toEqual([0, 1, 2, 3]);
    expect(sendmail.delayWarning).toBe(4 * HOUR);
    expect(bouncedAt).toBe(5 * DAY);
  });

  it('exim: 15 min retries for 2 h (taken at the 30 min queue runs), then gaps growing by 1.5, then every 6 h; bounce after 4 days', () => {
    const { attempts, bouncedAt } = attemptSchedule(exim);
    expect(attempts.slice(0, 12).map((t) => t / HOUR)).toEqual([0, 0.5, 1, 1.5, 2, 3, 4.5, 7, 11, 17, 23, 29]);
    expect(bouncedAt).toBeGreaterThanOrEqual(4 * DAY);
    expect(bouncedAt).toBeLessThan(4 * DAY + 6 * HOUR);
    expect(exim.tlsFallback.kind).toBe('plaintext-now');
  });

  it('exchange: six retries 5 min apart, then every 10 min; NDR after 2 days, delay notice at 4 h', () => {
    const { attempts, bouncedAt } = attemptSchedule(exchange);
    expect(attempts.slice(0, 9).map((t) => t / MIN)).toEqual([0, 5, 10, 15, 20, 25, 30, 40, 50]);
    expect(bouncedAt).toBe(2 * DAY);
    expect(exchange.delayWarning).toBe(4 * HOUR);
  });
});
