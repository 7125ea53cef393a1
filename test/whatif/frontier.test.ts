import { describe, expect, it } from 'vitest';
import { frontier, frontierChart, type TradeOff } from '../../src/whatif/index.js';

const p = (label: string, spamStopped: number, legitHarmed: number): TradeOff => ({ label, spamStopped, legitHarmed });

describe('the frontier of a sweep', () => {
  it('keeps the points no other point beats on both counts, least harm first', () => {
    const points = [p('a', 0.5, 0.01), p('b', 0.9, 0.05), p('c', 0.4, 0.02), p('d', 0.95, 0.2), p('e', 0.9, 0.1), p('f', 0.5, 0.01)];
    // c is beaten by a (more stopped, less harm); e by b; a and f tie, and neither beats the other.
    expect(frontier(points)).toEqual([0, 5, 1, 3]);
  });

  it('draws frontier points as letters, ties sharing one, and the rest as dots', () => {
    const lines = frontierChart([p('limit=10', 0.5, 0.01), p('limit=20', 0.9, 0.05), p('limit=30', 0.4, 0.02), p('limit=40', 0.5, 0.01)]);
    const chart = lines.join('\n');
    expect(chart).toContain('A  stops   50% of spam, harms  1.0% of legitimate mail:  limit=10');
    expect(lines.find((l) => l.trim() === 'limit=40')?.indexOf('limit=40')).toBe(lines.find((l) => l.includes('limit=10'))?.indexOf('limit=10'));
    expect(chart).toContain('B  stops   90% of spam, harms  5.0% of legitimate mail:  limit=20');
    expect(chart).toContain('·  1 other point');
    const plot = lines.slice(1, 12).join('\n');
    expect(plot.match(/A/g)?.length).toBe(1);
    expect(plot.match(/B/g)?.length).toBe(1);
    expect(plot.match(/·/g)?.length).toBe(1);
  });
});
