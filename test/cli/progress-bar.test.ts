import { describe, expect, it } from 'vitest';
import { percentDone, progressBar } from '../../src/cli/progress-bar.js';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';

describe('the progress bar', () => {
  it('stays hidden for work under two seconds, then shows the fraction, an ETA and a note', () => {
    let now = 100;
    let text = '';
    const bar = progressBar((s) => (text += s), true, () => now);
    now = 101.5;
    bar.update(0.5, 'building the world: 500 of 1,000 clients');
    expect(text).toBe('');
    now = 104;
    bar.update(0.4, 'building the world: 400,000 of 1,000,000 clients');
    expect(text).toBe('\r[############..................]  40%  ETA 6s  building the world: 400,000 of 1,000,000 clients   ');
    bar.done();
    expect(text.endsWith('\r\u001b[K')).toBe(true);
  });

  it('writes nothing at all when stderr is not a terminal', () => {
    let text = '';
    let now = 0;
    const bar = progressBar((s) => (text += s), false, () => now);
    now = 60;
    bar.update(0.9);
    bar.done();
    expect(text).toBe('');
  });
});

describe('building a world', () => {
  it('tells how many clients are made, up to all of them', () => {
    const loaded = loadScenario('scenarios/bench/isp-10k-week.yaml');
    const seen: [number, number][] = [];
    runScenario(loaded, { until: 1, building: (made, total) => seen.push([made, total]) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every(([, total]) => total === 10_000)).toBe(true);
    expect(seen.at(-1)).toEqual([10_000, 10_000]);
    expect(seen.map(([made]) => made)).toEqual([...seen.map(([made]) => made)].sort((a, b) => a - b));
  });
});

describe('percent done', () => {
  it('is rounded down, as the bar and the interrupted message both show it, without floating-point slips', () => {
    expect(percentDone(0.29)).toBe(29);
    expect(percentDone(0.036)).toBe(3);
    expect(percentDone(0.999)).toBe(99);
    expect(percentDone(1)).toBe(100);
  });
});
