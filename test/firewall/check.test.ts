import { describe, expect, it } from 'vitest';
import { checkPolicy, Policy, type RuleSpec } from '../../src/firewall/index.js';
import { makeFwWorld } from './world.js';

const topology = makeFwWorld({ rules: [] }).net;

function check(rules: RuleSpec[], defaultAction: 'accept' | 'drop' = 'accept'): string[] {
  return checkPolicy(new Policy({ rules, defaultAction, groups: { inside: ['10.20.0.0/16'] } }), topology).map((w) => `${w.kind}: ${w.rule}${w.by === undefined ? '' : ` by ${w.by}`}`);
}

const BLOCK_25: RuleSpec = { name: 'block 25', direction: 'outbound', protocol: 'tcp', destinationPorts: 25, action: 'drop' };

describe('shadowed rules', () => {
  it('reports an exception placed after the rule it should have been an exception to', () => {
    const exception: RuleSpec = { name: 'smart host', direction: 'outbound', protocol: 'tcp', destinationPorts: 25, destination: { hosts: ['smtp.operator.example'] }, action: 'accept' };
    expect(check([BLOCK_25, exception])).toEqual(['shadowed: smart host by block 25']);
    expect(check([exception, BLOCK_25])).toEqual([]);
  });

  it('reports a rule inside a wider earlier one: ports, protocols, prefixes, line classes, windows', () => {
    expect(check([
      { name: 'low ports', protocol: ['tcp', 'udp'], destinationPorts: '1-1024', action: 'drop' },
      { name: 'smtp to one net', protocol: 'tcp', destinationPorts: [25, 587], destination: { prefixes: ['198.51.100.0/24'] }, lineClasses: ['consumer-adsl'], window: { from: 10, until: 20 }, action: { type: 'reject', with: 'tcp-reset' } },
    ])).toEqual(['shadowed: smtp to one net by low ports']);
  });

  it('understands negation: "not the inside network" covers any block outside it', () => {
    expect(check([
      { name: 'outside', destination: { prefixes: ['10.20.0.0/16'], not: true }, action: 'drop' },
      { name: 'hosting', destination: { prefixes: ['198.51.100.0/24'] }, action: 'drop' },
      { name: 'part of inside', destination: { prefixes: ['10.20.3.0/24'] }, action: 'drop' },
    ])).toEqual(['shadowed: hosting by outside']);
    // Everything but a small block covers everything but a bigger one, not the other way round.
    expect(check([
      { name: 'all but inside', destination: { groups: ['inside'], not: true }, action: 'drop' },
      { name: 'all but a part of inside', destination: { prefixes: ['10.20.3.0/24'], not: true }, action: 'drop' },
    ])).toEqual([]);
    expect(check([
      { name: 'all but a part of inside', destination: { prefixes: ['10.20.3.0/24'], not: true }, action: 'drop' },
      { name: 'all but inside', destination: { groups: ['inside'], not: true }, action: 'drop' },
    ])).toEqual(['shadowed: all but inside by all but a part of inside']);
  });

  it('does not report what an earlier rule only partly covers: a share, a window, a log rule, another port', () => {
    expect(check([{ ...BLOCK_25, name: 'a tenth', share: 0.1 }, BLOCK_25])).toEqual([]);
    expect(check([{ ...BLOCK_25, name: 'from t=100', window: { from: 100 } }, BLOCK_25])).toEqual([]);
    expect(check([{ ...BLOCK_25, name: 'watch', action: 'log' }, BLOCK_25])).toEqual([]);
    expect(check([{ ...BLOCK_25, name: '587', destinationPorts: 587 }, BLOCK_25])).toEqual([]);
    expect(check([{ ...BLOCK_25, name: 'smtp only', app: 'smtp' }, BLOCK_25])).toEqual([]);
  });
});

describe('exceptions that never apply', () => {
  it('an accept with nothing after it to block, under a default of accept', () => {
    expect(check([{ name: 'allow 587', destinationPorts: 587, action: 'accept' }, BLOCK_25])).toEqual(['exception-never-applies: allow 587']);
    expect(check([{ name: 'allow 587', destinationPorts: 587, action: 'accept' }, BLOCK_25], 'drop')).toEqual([]);
  });

  it('a "not this host" exception naming a host that does not exist, or does not listen on the blocked ports', () => {
    const rule = (host: string): RuleSpec => ({ name: 'reset SMTPS', direction: 'outbound', protocol: 'tcp', destinationPorts: 465, destination: { hosts: [host], not: true }, action: 'reset-after-inspection' });
    expect(check([rule('smtp.operator.exmaple')])).toEqual(['exception-never-applies: reset SMTPS']);
    // The operator's smart host listens on 25 and 587 only.
    expect(check([rule('smtp.operator.example')])).toEqual(['exception-never-applies: reset SMTPS']);
    expect(check([rule('mail.example')])).toEqual([]);
  });
});

describe('redirects and impossible actions', () => {
  it('warns about a redirect to a host that does not listen on the port, or does not exist', () => {
    expect(check([{ ...BLOCK_25, name: 'intercept', action: { type: 'redirect', to: 'smtp.operator.example' } }])).toEqual([]);
    expect(check([{ ...BLOCK_25, name: 'intercept', action: { type: 'redirect', to: 'smtp.operator.example', port: 2525 } }])).toEqual(['redirect-not-listening: intercept']);
    expect(check([{ ...BLOCK_25, name: 'intercept', action: { type: 'redirect', to: 'nobody.example' } }])).toEqual(['redirect-not-listening: intercept']);
  });

  it('warns about tcp-reset on a rule that is not TCP-only, and about undefined groups', () => {
    expect(check([{ name: 'r', destinationPorts: 1194, action: { type: 'reject', with: 'tcp-reset' } }])).toEqual(['tcp-reset-not-tcp: r']);
    expect(check([{ ...BLOCK_25, destination: { groups: ['nope'] } }])).toEqual(['unknown-group: block 25']);
  });

  it('gives each warning a sentence naming the rules', () => {
    const [w] = checkPolicy(new Policy({ rules: [BLOCK_25, { ...BLOCK_25, name: 'again' }] }));
    expect(w?.message).toBe('rule "again" can never match: every packet it matches is first decided by "block 25" (drop)');
  });
});
