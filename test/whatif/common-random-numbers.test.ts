import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';
import { CollateralFolder, compareVariants, comparisonJobs, diffOutcomes, type JobResult, runJobs, summarize } from '../../src/whatif/index.js';

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

describe('comparing many runs', () => {
  it('compares each seed as its runs come in, in any order, and lets their messages go', async () => {
    const loaded = loadScenario(SMALL);
    const variants = ['base', 'no-block', 'reset'];
    const seeds = ['7', '8'];
    const { results } = await runJobs(comparisonJobs(loaded, variants, seeds, {}), { workers: 0 });
    // Seed by seed, each seed's variants together, so a seed's runs finish close together.
    expect(results.map((r) => `${r.seed}:${r.variant}`)).toEqual(['7:base', '7:no-block', '7:reset', '8:base', '8:no-block', '8:reset']);
    const all = summarize(loaded, variants, seeds, structuredClone(results));
    expect(all.collateral[0]?.better.length).toBeGreaterThan(0); // lifting the block mends mail
    const folder = new CollateralFolder(variants, undefined);
    const held = (): number => results.filter((r) => r.outcomes !== undefined).length;
    // A variant's run arriving before its baseline waits for it; then both are compared.
    folder.add(results[1] as JobResult);
    expect(held()).toBe(6);
    folder.add(results[0] as JobResult);
    expect(results[1]?.outcomes).toBeUndefined();
    expect(results[0]?.outcomes).toBeDefined(); // still needed for 'reset'
    folder.add(results[2] as JobResult);
    expect(held()).toBe(3);
    for (const r of [...results.slice(3)].reverse()) folder.add(r);
    expect(held()).toBe(0);
    expect(summarize(loaded, variants, seeds, results, {}, folder)).toEqual(all);
  });
});
