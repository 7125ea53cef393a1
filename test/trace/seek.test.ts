import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { aggregate, emptyState, foldEvents, memoryTrace, openTrace, TraceWriter } from '../../src/trace/index.js';
import { story, storyHeader } from './story.js';

const dir = mkdtempSync(join(tmpdir(), 'portsim-seek-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const events = story({ sessions: 120, seed: 7 });
const path = join(dir, 'seek.trace');
const w = new TraceWriter(path, storyHeader(), { blockSize: 37, keyframeEvery: 3 });
for (const e of events) w.write(e);
w.close();

/** The state after the first n records, by reading straight through. */
const straight: ReturnType<typeof emptyState>[] = [emptyState()];
for (const e of events) straight.push(aggregate(straight[straight.length - 1] ?? emptyState(), e));

describe('seeking', () => {
  it('gives the same state as reading straight through, at any position, in any order', () => {
    const trace = openTrace(path);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: events.length }), { minLength: 1, maxLength: 12 }), (positions) => {
        for (const n of positions) expect(trace.stateAt(n)).toEqual(straight[n]);
      }),
      { numRuns: 60 },
    );
    trace.close();
  });

  it('gives the same state by time: everything at or before t is folded', () => {
    const trace = memoryTrace(storyHeader(), events, { blockSize: 16, keyframeEvery: 2 });
    fc.assert(
      fc.property(fc.double({ min: -1, max: trace.end + 1, noNaN: true }), (t) => {
        const n = trace.countUntil(t);
        expect(n).toBe(events.filter((e) => e.t <= t).length);
        expect(trace.stateAt(n)).toEqual(foldEvents(emptyState(), events.filter((e) => e.t <= t)));
      }),
      { numRuns: 80 },
    );
  });

  it('counts records at a time shared by two blocks', () => {
    const same = Array.from({ length: 10 }, (_, i) => ({ kind: 'change' as const, t: i < 3 ? 1 : 2, text: String(i) }));
    const trace = memoryTrace(storyHeader(), same, { blockSize: 2 });
    expect(trace.countUntil(1)).toBe(3);
    expect(trace.countUntil(1.5)).toBe(3);
    expect(trace.countUntil(2)).toBe(10);
    expect(trace.countUntil(0.5)).toBe(0);
  });

  it('ends in the state the index records as final', () => {
    const trace = openTrace(path);
    expect(trace.stateAt(trace.length)).toEqual(trace.index.final);
    expect(trace.index.final).toEqual(straight[events.length]);
    trace.close();
  });

  it('leaves the state it was given untouched when folding', () => {
    const s = emptyState();
    aggregate(s, events[0] ?? { kind: 'change', t: 0, text: '' });
    expect(s).toEqual(emptyState());
  });

  it('finds records forwards and backwards, skipping blocks by kind', () => {
    const trace = openTrace(path);
    const firstBounce = events.findIndex((e) => e.kind === 'message' && e.stage === 'bounced');
    const hit = trace.find((e) => e.kind === 'message' && e.stage === 'bounced', 0, 1, { kinds: 1 << 3 });
    expect(hit?.index).toBe(firstBounce);
    const back = trace.find((e) => e.kind === 'caption', trace.length - 1, -1);
    expect(back?.event.kind).toBe('caption');
    expect(trace.find(() => false, 0, 1)).toBeUndefined();
    trace.close();
  });
});
