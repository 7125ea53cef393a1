import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeBlock, BlockEncoder } from '../../src/trace/block-codec.js';
import { memoryTrace, openTrace, type TraceEvent, TraceWriter } from '../../src/trace/index.js';
import { story, storyHeader } from './story.js';

const dir = mkdtempSync(join(tmpdir(), 'portsim-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, events: readonly TraceEvent[], options = {}): string {
  const path = join(dir, name);
  const w = new TraceWriter(path, storyHeader(), options);
  for (const e of events) w.write(e);
  w.close();
  return path;
}

describe('a trace file', () => {
  const events = story({ sessions: 60 });

  it('gives back every record, field for field, and the header', () => {
    const path = write('round.trace', events, { blockSize: 64, keyframeEvery: 3 });
    const trace = openTrace(path, { verify: true });
    expect(trace.header).toEqual(storyHeader());
    expect(trace.length).toBe(events.length);
    expect(trace.slice(0, trace.length)).toEqual(events);
    expect(trace.at(17)).toEqual(events[17]);
    trace.close();
  });

  it('reads the same uncompressed as compressed, and compresses', () => {
    const a = write('deflate.trace', events);
    const b = write('stored.trace', events, { compress: false });
    const ta = openTrace(a);
    const tb = openTrace(b);
    expect(tb.slice(0, tb.length)).toEqual(ta.slice(0, ta.length));
    ta.close();
    tb.close();
  });

  it('covers every kind of record in the story', () => {
    expect(new Set(events.map((e) => e.kind)).size).toBe(13);
  });

  it('indexes the same as a trace built in memory', () => {
    const path = write('same.trace', events, { blockSize: 50, keyframeEvery: 2 });
    const file = openTrace(path);
    const mem = memoryTrace(storyHeader(), events, { blockSize: 50, keyframeEvery: 2 });
    expect(file.index.markers).toEqual(mem.index.markers);
    expect(file.index.series).toEqual(mem.index.series);
    expect(file.index.final).toEqual(mem.index.final);
    expect(file.index.blocks.map((b) => ({ ...b, offset: 0 }))).toEqual(mem.index.blocks.map((b) => ({ ...b, offset: 0 })));
    file.close();
  });

  it('marks the change, the captions, the question, the first reset, timeout and bounce, and the failed expectation', () => {
    const kinds = memoryTrace(storyHeader(), events).markers.map((m) => m.kind);
    for (const k of ['caption', 'change', 'question', 'first-reset', 'first-timeout', 'first-bounce', 'expectation'] as const) {
      expect(kinds).toContain(k);
    }
    expect(kinds.filter((k) => k === 'first-timeout')).toHaveLength(1);
  });

  it('stores times to the microsecond', () => {
    const e: TraceEvent = { kind: 'change', t: 1.0000004, text: 'x' };
    const [back] = decodeBlock(new BlockEncoder().encode([e]));
    expect(back?.t).toBe(1);
  });
});

describe('the writer', () => {
  it('rejects a record that goes back in time, and leaves no file behind', () => {
    const path = join(dir, 'back.trace');
    const w = new TraceWriter(path, storyHeader());
    w.write({ kind: 'change', t: 5, text: 'a' });
    expect(() => w.write({ kind: 'change', t: 4, text: 'b' })).toThrow(/goes back in time/);
    expect(readdirSync(dir).filter((f) => f.includes('back.trace'))).toEqual([]);
  });

  it('rejects a malformed record naming the field, and leaves no file behind', () => {
    const path = join(dir, 'bad.trace');
    const w = new TraceWriter(path, storyHeader(), { blockSize: 2 });
    w.write({ kind: 'change', t: 0, text: 'a' });
    expect(() => w.write({ kind: 'queue', t: 1, server: 'mx', depth: -1 })).toThrow(/"depth" should be a whole number/);
    expect(readdirSync(dir).filter((f) => f.includes('bad.trace'))).toEqual([]);
  });

  it('puts nothing at the destination until it is closed', () => {
    const path = join(dir, 'unfinished.trace');
    const w = new TraceWriter(path, storyHeader(), { blockSize: 4 });
    for (const e of story({ sessions: 4 })) w.write(e);
    expect(readdirSync(dir)).not.toContain('unfinished.trace');
    w.abort();
    expect(readdirSync(dir).filter((f) => f.includes('unfinished.trace'))).toEqual([]);
  });
});

describe('a trace of format version 1', () => {
  // Written by portsim before the index's block entries became binary columns (format 2):
  // story({ sessions: 40, span: 600, seed: 7 }), blocks of 64, a keyframe every 2 blocks.
  const old = join(import.meta.dirname, 'fixtures', 'format-1.trace');

  it('still opens, with the same records, index and states as the same trace written today', () => {
    expect(readFileSync(old).readUInt16LE(8)).toBe(1);
    const events = story({ sessions: 40, span: 600, seed: 7 });
    const written = write('format-2.trace', events, { blockSize: 64, keyframeEvery: 2 });
    expect(readFileSync(written).readUInt16LE(8)).toBe(2);
    const now = openTrace(written, { verify: true });
    const then = openTrace(old, { verify: true });
    expect(then.length).toBe(1161);
    expect(then.slice(0, then.length)).toEqual(events);
    expect(then.index.blocks).toHaveLength(19);
    expect(then.index.blocks).toEqual(now.index.blocks);
    expect({ ...then.index, blocks: [] }).toEqual({ ...now.index, blocks: [] });
    for (const at of [0, 100, 640, 1161]) expect(then.stateAt(at)).toEqual(now.stateAt(at));
    then.close();
    now.close();
  });
});
