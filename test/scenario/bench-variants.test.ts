import { describe, expect, it } from 'vitest';
import { type RunResult, runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';

// The ISP-scale scenarios carry the question an engineer brings to them: block port 25 for
// business lines too, or not at all? Three simulated hours of the 10,000-subscriber ISP, in
// which the zombies' first burst of spam runs.
const loaded = loadScenario('scenarios/bench/isp-10k-week.yaml');
const run = (variant?: string): RunResult => runScenario(loaded, { until: 3 * 3600, ...(variant === undefined ? {} : { variant }) });
const group = (r: RunResult, name: string, cls: 'legit' | 'spam') => {
  const g = r.report.groups.find((x) => x.group === name && x.class === cls);
  if (g === undefined) throw new Error(`no ${cls} row for ${name}`);
  return g;
};
const legit = (r: RunResult) => r.report.groups.filter((g) => g.class === 'legit');

describe('isp-10k-week variants', () => {
  const base = run();
  it('lets business zombies spam through the exemption, and blocks the other lines\' zombies', () => {
    expect(group(base, 'business', 'spam').delivered).toBeGreaterThan(0);
    expect(group(base, 'consumer', 'spam').delivered).toBe(0);
    expect(group(base, 'consumer', 'spam').userErrors.timeout).toBeGreaterThan(0);
  });

  it('block-everyone stops the business zombies too, and no legitimate message fares differently', () => {
    const all = run('block-everyone');
    expect(group(all, 'business', 'spam').delivered).toBe(0);
    expect(group(all, 'business', 'spam').userErrors.timeout).toBeGreaterThan(0);
    // Every user submits through the smart host on 587: the wider block costs them nothing.
    expect(legit(all)).toEqual(legit(base));
  });

  it('no-block lets every zombie reach the recipients\' MX', () => {
    const none = run('no-block');
    for (const name of ['consumer', 'mobile', 'business']) expect(group(none, name, 'spam').delivered).toBeGreaterThan(0);
    expect(legit(none)).toEqual(legit(base));
  });
});
