import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/trace/index.js';
import { story, storyHeader } from './story.js';

type TraceModule = typeof import('../../src/trace/index.js');

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'portsim-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The writing thread is the compiled one: these tests drive the built writer.
let trace: TraceModule;
beforeAll(async () => {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-if-stale.mjs')], { encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  trace = (await import(pathToFileURL(join(root, 'dist', 'src', 'trace', 'index.js')).href)) as TraceModule;
});

const layout = { blockSize: 64, keyframeEvery: 3 };

function write(name: string, events: readonly TraceEvent[], thread: boolean): { path: string; frames: number } {
  const path = join(dir, name);
  const w = new trace.TraceWriter(path, storyHeader(), { ...layout, thread });
  for (const e of events) w.write(e);
  const frames = w.framesOnThread;
  w.close();
  return { path, frames };
}

describe('a trace written by its own thread', () => {
  const events = story({ sessions: 400 });

  it('is the same file, byte for byte, as one written in the caller\'s thread', () => {
    const here = write('here.trace', events, false);
    const there = write('there.trace', events, true);
    expect(here.frames).toBe(0);
    // Every block but the first (and the short last one) went to the thread, with its keyframes.
    const blocks = Math.ceil(events.length / layout.blockSize);
    expect(there.frames).toBeGreaterThanOrEqual(blocks - 2);
    expect(readFileSync(there.path).equals(readFileSync(here.path))).toBe(true);
    const t = trace.openTrace(there.path, { verify: true });
    expect(t.length).toBe(events.length);
    expect(t.slice(0, t.length)).toEqual(events);
    expect(t.stateAt(t.length)).toEqual(t.index.final);
    t.close();
  });

  it('leaves nothing behind when abandoned while the thread is writing', () => {
    const sub = mkdtempSync(join(dir, 'abort-'));
    const w = new trace.TraceWriter(join(sub, 'run.trace'), storyHeader(), layout);
    for (const e of events) w.write(e);
    expect(w.framesOnThread).toBeGreaterThan(0);
    w.abort();
    expect(readdirSync(sub)).toEqual([]);
    // The next trace in the same place is whole.
    const w2 = new trace.TraceWriter(join(sub, 'again.trace'), storyHeader(), layout);
    for (const e of events) w2.write(e);
    w2.close();
    expect(readdirSync(sub)).toEqual(['again.trace']);
    const t = trace.openTrace(join(sub, 'again.trace'), { verify: true });
    expect(t.slice(0, t.length)).toEqual(events);
    t.close();
  });

  it('still refuses a record that goes back in time, and leaves no file behind', () => {
    const sub = mkdtempSync(join(dir, 'late-'));
    const w = new trace.TraceWriter(join(sub, 'run.trace'), storyHeader(), layout);
    for (const e of events) w.write(e);
    expect(() => w.write({ ...(events[0] as TraceEvent) })).toThrow(/goes back in time/);
    expect(readdirSync(sub)).toEqual([]);
  });
});
