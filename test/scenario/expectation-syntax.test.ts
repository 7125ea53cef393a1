import { describe, expect, it } from 'vitest';
import { ExpectationSyntaxError, meets, type NameToken, parseCondition, parseExpectation, parseMetricRef } from '../../src/scenario/index.js';

describe('the expectation language', () => {
  it.each([
    ['legit mail from adsl-users delivered >= 95%', { subject: { kind: 'mail', class: 'legit', group: 'adsl-users' }, metric: 'delivered', op: '>=', value: { unit: 'share', value: 0.95 } }],
    ['spam mail delivered<=5%', { subject: { kind: 'mail', class: 'spam' }, metric: 'delivered', op: '<=', value: { unit: 'share', value: 0.05 } }],
    ['mail from office bounced = 0', { subject: { kind: 'mail', class: 'all', group: 'office' }, metric: 'bounced', op: '==', value: { unit: 'count', value: 0 } }],
    ['legit mail delayP95 ≤ 2h', { subject: { kind: 'mail', class: 'legit' }, metric: 'delayP95', op: '<=', value: { unit: 'seconds', value: 7200 } }],
    ['legit mail from adsl-users userErrors.timeout > 10', { metric: 'userErrors.timeout', op: '>', value: { unit: 'count', value: 10 } }],
    ['server smtp.lime.example queuePeak != 0', { subject: { kind: 'server', name: 'smtp.lime.example' }, metric: 'queuePeak', op: '!=' }],
    ['rule lime/block-25 hits > 0', { subject: { kind: 'rule', name: 'lime/block-25' }, metric: 'hits' }],
    ['isp lime listings == 0', { subject: { kind: 'isp', name: 'lime' }, metric: 'listings' }],
    ['legit mail delayMax < 2 hours', { metric: 'delayMax', value: { unit: 'seconds', value: 7200 } }],
    ['supportCalls >= 20', { subject: { kind: 'run' }, metric: 'supportCalls', op: '>=', value: { unit: 'count', value: 20 } }],
  ])('reads %s', (text, parsed) => {
    expect(parseExpectation(text)).toMatchObject(parsed);
  });

  it('reports the names it refers to, with their offsets', () => {
    const names: NameToken[] = [];
    parseExpectation('legit mail from adsl-users delivered >= 95%', names);
    expect(names).toEqual([{ kind: 'group', name: 'adsl-users', offset: 16 }]);
  });

  it.each([
    ['', 0, 'expected an expectation such as "legit mail from adsl-users delivered >= 95%"'],
    ['legit mail from adsl-users', 26, 'expected a metric (sent, delivered, late, bounced, failed, queued, delayP50, delayP95, delayMax, clients, usersAffected, userErrors.timeout, userErrors.refused, userErrors.reset, userErrors.unreachable, userErrors.authFailed, userErrors.relayDenied, userErrors.tlsFailed, userErrors.rejected, userErrors.deferred) at the end'],
    ['legit mail delivered >=', 23, 'expected a value after the comparison at the end'],
    ['legit mail delivered >= 2h', 24, 'delivered is not a time: compare it with a count or a percentage, not 2h'],
    ['legit mail delayP50 < 3', 22, 'delayP50 is a time: compare it with a duration such as 2h, not 3'],
    ['rule x hits > 5%', 14, 'hits cannot be compared with a percentage; use a count'],
    ['legit mail delivered >= 3 please', 26, "unexpected 'please' after the value"],
    ['legit mail delivered >= 3 days', 24, 'delivered is not a time: compare it with a count or a percentage, not 3 days'],
    ['legit mail delayP95 < 2q', 22, 'invalid duration "2q": unknown unit "q"; use one of us, ms, s, m, h, d, w (e.g. "250ms", "5m", "1h30m" or "3d")'],
  ])('rejects %j at offset %d', (text, offset, message) => {
    let error: unknown;
    try {
      parseExpectation(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExpectationSyntaxError);
    expect(error).toMatchObject({ message, offset });
  });

  it('reads metric references and conditions on their own', () => {
    const ref = parseMetricRef('legit mail from adsl-users delayP95');
    expect(ref).toEqual({ subject: { kind: 'mail', class: 'legit', group: 'adsl-users' }, metric: 'delayP95' });
    expect(parseCondition('< 1h', ref)).toEqual({ op: '<', value: { unit: 'seconds', value: 3600 } });
    expect(() => parseCondition('< 50%', ref)).toThrow('delayP95 cannot be compared with a percentage; use a duration such as 2h');
    expect(() => parseMetricRef('legit mail delivered >= 3')).toThrow("unexpected '>=' after the metric 'delivered'");
  });

  it('compares an actual value with a condition', () => {
    const c = parseCondition('>= 95%');
    expect(meets(0.95, c)).toBe(true);
    expect(meets(0.949, c)).toBe(false);
    expect(meets(3, parseCondition('!= 2'))).toBe(true);
  });
});
