import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/engine/index.js';
import { UserBehaviour } from '../../src/workload/index.js';

describe('users reacting to failures', () => {
  const config = { reconfigure: { after: 3, share: 0.5, delay: 86400 }, support: { after: 2, share: 0.3 }, giveUp: { after: 5, share: 0.2 } };

  it('react at the thresholds, once each, with the configured shares of users', () => {
    const streams = new RandomStreams(11);
    let calls = 0;
    let fixes = 0;
    let quits = 0;
    const delays: number[] = [];
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const b = new UserBehaviour(config, streams.get(`u/${i}`));
      const reactions = [1, 2, 3, 4, 5, 6].map((f) => b.react(f));
      expect(reactions[0]).toEqual({ reconfigureIn: null, supportCall: false, giveUp: false }); // one failure: nothing yet
      calls += reactions.filter((r) => r.supportCall).length;
      const fix = reactions.findIndex((r) => r.reconfigureIn !== null);
      if (fix >= 0) {
        expect(fix).toBe(2); // at the third failure
        fixes++;
        delays.push(reactions[fix]!.reconfigureIn!);
      }
      if (reactions.some((r) => r.giveUp)) quits++;
    }
    expect(Math.abs(calls / n - 0.3)).toBeLessThan(0.03);
    expect(Math.abs(fixes / n - 0.5)).toBeLessThan(0.03);
    // Only users who find no fix give up: 20% of the other half.
    expect(Math.abs(quits / n - 0.1)).toBeLessThan(0.02);
    expect(Math.abs(delays.reduce((a, b) => a + b, 0) / delays.length / 86400 - 1)).toBeLessThan(0.1);
  });

  it('is the same user, reacting the same way, whatever else happens in the run', () => {
    const a = new UserBehaviour(config, new RandomStreams(3).get('u/7'));
    const b = new UserBehaviour(config, new RandomStreams(3).get('u/7'));
    expect([1, 2, 3, 4, 5].map((f) => a.react(f))).toEqual([1, 2, 3, 4, 5].map((f) => b.react(f)));
  });
});
