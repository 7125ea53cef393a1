import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { compareVariants, diffOutcomes } from '../../src/whatif/index.js';

const SMALL = 'test/whatif/fixtures/small-isp.yaml';

describe('common random numbers', () => {
  it('a variant identical to the baseline differs in nothing, on every seed', async () => {
    const loaded = loadScenario(SMALL);
    const c = await compareVariants(loaded, { variants: ['base', 'same'], seeds: 3, workers: 0 });
    expect(c).not.toBeNull();
    if (c === null) return;
    expect(c.seeds).toEqual(['7', '8', '9']);
    for (const f of c.figures) {
      const d = f.differences[0];
      expect(d?.values, f.key).toEqual([0, 0, 0]);
      expect(d?.mean, f.key).toBe(0);
      expect(d?.halfWidth, f.key).toBe(0);
    }
    const [same] = c.collateral;
    expect(same?.worse).toEqual([]);
    expect(same?.better).toEqual([]);
    expect(same?.unpaired).toBe(0);
    // The seeds themselves differ: the zero differences are not for want of anything to differ.
    const sent = c.figures.find((f) => f.key === 'legitSent')?.variants[0]?.values ?? [];
    expect(new Set(sent).size).toBeGreaterThan(1);
  });

  it('under another policy, the same clients write the same messages at the same times', () => {
    const loaded = loadScenario(SMALL);
    for (const seed of ['7', '8']) {
      const base = runScenario(loaded, { seed, keepMessages: true }).outcomes();
      const open = runScenario(loaded, { seed, variant: 'no-block', keepMessages: true }).outcomes();
      const key = (o: (typeof base)[number]): string => `${o.group}/${o.client}/${o.cls}/${o.seq}@${o.createdAt}`;
      expect(open.map(key)).toEqual(base.map(key));
      // … while what happens to them does differ.
      expect(open.map((o) => o.fate)).not.toEqual(base.map((o) => o.fate));
      const d = diffOutcomes(seed, base, open, 3600, 3600);
      expect(d.unpaired).toBe(0);
      expect(d.compared).toBe(base.filter((o) => o.cls === 'legit').length);
    }
  });

  it('holds on a bundled scenario with changing mail settings and mixed operating systems', () => {
    const loaded = loadScenario('scenarios/lime-stlucia-port25.yaml');
    const until = 2.25 * 86400; // the block starts at 2d
    const base = runScenario(loaded, { until, keepMessages: true }).outcomes();
    const open = runScenario(loaded, { until, variant: 'no-block', keepMessages: true }).outcomes();
    const d = diffOutcomes('2009', open, base, 3600, 3600);
    expect(d.unpaired).toBe(0);
    expect(d.worse.length).toBeGreaterThan(0);
    expect(new Set(d.worse.map((m) => m.cause))).toEqual(new Set(['rule lime/block-25']));
  });
});
