import { describe, expect, it } from 'vitest';
import { type MessageOutcome, runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { collateral, diffOutcomes, loadPoint } from '../../src/whatif/index.js';

const SMALL = 'test/whatif/fixtures/small-isp.yaml';

function msg(seq: number, over: Partial<MessageOutcome>): MessageOutcome {
  return { id: seq + 1, group: 'home', client: seq % 2, cls: 'legit', seq, createdAt: 100 * seq, fate: 'delivered', delay: 1, decider: null, ...over };
}

describe('collateral damage', () => {
  it('names each kind of harm, and leaves alone what stays within the threshold', () => {
    const rule = { by: 'client', server: 'mx.example.com', port: 25, rule: 'isp/block-25', cause: 'connection timed out (ETIMEDOUT)' };
    const reply = { by: 'smtp.esp.example', server: 'mx.example.com', port: 25, reply: '421 4.7.0 Try again later', replyFrom: 'mx.example.com', cause: '421 4.7.0 Try again later' };
    const before = [msg(0, {}), msg(1, {}), msg(2, {}), msg(3, {}), msg(4, { fate: 'queued', delay: null }), msg(5, { delay: 30 }), msg(6, { cls: 'spam' })];
    const after = [
      msg(0, { fate: 'failed', delay: null, decider: rule }), // delivered → failed
      msg(1, { fate: 'bounced', delay: null, decider: reply }), // delivered → bounced
      msg(2, { delay: 7200, decider: reply }), // two hours later: delayed
      msg(3, { delay: 1800, decider: reply }), // half an hour later: within the threshold
      msg(4, { fate: 'failed', delay: null, decider: rule }), // sent → failed
      msg(5, { delay: 30 }),
      msg(6, { cls: 'spam', fate: 'failed', delay: null, decider: rule }), // spam is not collateral
    ];
    const d = diffOutcomes('1', before, after, 3600, 3600);
    expect(d.compared).toBe(6);
    expect(d.unpaired).toBe(0);
    expect(d.worse.map((m) => [m.seq, m.change])).toEqual([
      [0, 'delivered→failed'],
      [1, 'delivered→bounced'],
      [2, 'delayed'],
      [4, 'queued→failed'],
    ]);
    const c = collateral('v', 'base', 3600, [d]);
    expect(c.worse.map((g) => [g.cause, g.messages])).toEqual([
      ['mx.example.com replied "421 4.7.0 Try again later"', 2],
      ['rule isp/block-25', 2],
    ]);
    expect(c.worse[1]).toMatchObject({ rule: 'isp/block-25', changes: { 'delivered→failed': 1, 'queued→failed': 1 } });
    expect(c.worse[1]?.clients).toEqual([{ group: 'home', client: 0, messages: 2, seeds: ['1'] }]);
    // The other way round, the same changes are improvements, blamed on what went away.
    const back = diffOutcomes('1', after, before, 3600, 3600);
    expect(back.better.map((m) => m.change)).toEqual(['failed→delivered', 'bounced→delivered', 'sped up', 'failed→queued']);
    expect(back.worse).toEqual([]);
  });

  it('counts messages that do not pair up instead of comparing them', () => {
    const d = diffOutcomes('1', [msg(0, {}), msg(1, {})], [msg(0, { createdAt: 5 }), msg(2, {})], 3600, 3600);
    expect(d).toMatchObject({ compared: 0, unpaired: 4 });
  });

  it('blames a firewall rule for a block, and a server reply for a throttle', () => {
    const loaded = loadScenario(SMALL);
    const open = runScenario(loaded, { variant: 'no-block', keepMessages: true }).outcomes();
    const blocked = runScenario(loaded, { keepMessages: true }).outcomes();
    const byRule = collateral('base', 'no-block', 3600, [diffOutcomes('7', open, blocked, 3600, 3600)]);
    expect(byRule.worse.map((g) => g.cause)).toEqual(['rule isp/block-25']);
    expect(byRule.worse[0]?.clients.every((c) => c.group === 'esp-users')).toBe(true);

    const throttled = loadPoint(SMALL, [{ path: 'world.servers[smtp.esp.example].limits.perIp.limit', value: '2/day', text: '2/day' }]);
    const tight = runScenario(throttled, { variant: 'no-block', keepMessages: true }).outcomes();
    const byReply = collateral('tight', 'no-block', 3600, [diffOutcomes('7', open, tight, 3600, 3600)]);
    expect(byReply.worse.length).toBe(1);
    expect(byReply.worse[0]?.reply).toMatch(/^421 /);
    expect(byReply.worse[0]?.cause).toMatch(/^smtp\.esp\.example replied "421 /);
  });
});
