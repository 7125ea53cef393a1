import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { memoryTrace, type TraceEvent } from '../../src/trace/index.js';
import { story, storyHeader } from '../trace/story.js';
import { KEYS, renderTui } from './render-tui.js';

const trace = memoryTrace(storyHeader(), story({ sessions: 40 }), { blockSize: 64 });

afterEach(() => cleanup());

describe('the replay', () => {
  it('starts paused at the start, with the header, timeline, world, log, sparklines and footer', async () => {
    const t = renderTui([trace]);
    const f = await t.until((f) => f.includes('⏸ paused'));
    expect(f).toContain('variant proposed · LIME drops port 25');
    expect(f).toContain('2009-09-12 08:00:00');
    expect(f).toMatch(/█[─!TRBXc?]+/);
    expect(f).toContain('group');
    expect(f).toContain('events at the cursor (0 of');
    expect(f).toContain('✓ delivered');
    expect(f).toContain('space play');
    // The frame stays one row below the terminal's height.
    expect(f.split('\n').length).toBe(29);
  });

  it('keeps the title apart from the clock, however long the title', async () => {
    const title = 'Benchmark: an ISP of 1,000,000 subscribers for a week';
    const long = memoryTrace({ ...storyHeader(), title }, story({ sessions: 4 }), { blockSize: 64 });
    for (const width of [100, 106, 110, 120]) {
      const t = renderTui([long], width, 30);
      const header = (await t.until((f) => f.includes('⏸ paused'))).split('\n')[0] as string;
      expect(header).toMatch(/^ portsim · variant proposed · Benchmark: an ISP of .* {2}2009-09-12 08:00:00 /);
      expect(header).not.toMatch(/\S2009-09-12/);
      cleanup();
    }
  });

  it('plays on the clock, and stops at a question until it is answered', async () => {
    const t = renderTui([trace]);
    await t.press(' ', (f) => f.includes('▶ playing'));
    await vi.waitFor(() => expect(t.ticker.running).toBe(true));
    t.ticker.advance(1);
    const f = await t.until((f) => !f.includes('(0 of'));
    expect(f).toMatch(/events at the cursor \(\d+ of/);
    // The whole run plays in about a minute: 10 s of playback reaches the question at 5 min.
    t.ticker.advance(10);
    const q = await t.until((f) => f.includes('Question'));
    expect(q).toContain('What will a home user see');
    expect(q).toContain('⏸ paused');
    await t.press('timeout', (f) => f.includes('Your prediction: timeout'));
    const a = await t.press(KEYS.enter, (f) => f.includes('Answer:'));
    expect(a).toContain('You said: timeout');
    await t.press(KEYS.enter, (f) => f.includes('▶ playing'));
  });

  it('seeks with the arrows and the digits', async () => {
    const t = renderTui([trace]);
    await t.until((f) => f.includes('+0s'));
    const f = await t.press('5', (f) => !f.includes('+0s'));
    expect(f).toMatch(/\+38m\d/);
    // 50% of 1h17m27s is 38m43s; one step back is 1% of the run, 46 s.
    await t.press(KEYS.left, (f) => /▲ 37m5\d/.test(f));
    await t.press('g', (f) => f.includes('+0s'));
    const end = await t.press('G', (f) => f.includes(`(${trace.length} of ${trace.length})`));
    expect(end).toContain('+1h17m');
  });

  it('steps one event at a time, and jumps between markers', async () => {
    const t = renderTui([trace]);
    await t.press('.', (f) => f.includes('(1 of'));
    await t.press('.', (f) => f.includes('(2 of'));
    await t.press(',', (f) => f.includes('(1 of'));
    const m = await t.press(']', (f) => f.includes('+5m '));
    expect(m).toContain('lime: rule block-25 on');
  });

  it('filters the log, and moves between matches with n and N', async () => {
    const t = renderTui([trace]);
    await t.press('/', (f) => f.includes('enter apply'));
    await t.press('timeout', (f) => f.includes('/ timeout▌'));
    await t.press(KEYS.enter, (f) => f.includes('filter: timeout (n/N)'));
    const first = await t.press('n', (f) => f.includes('✗ timed-out'));
    expect(first).toContain('matching "timeout"');
    const at = first.match(/events at the cursor \((\d+) of/)?.[1];
    const second = await t.press('n', (f) => f.match(/events at the cursor \((\d+) of/)?.[1] !== at);
    expect(second.match(/✗ timed-out/g)?.length).toBeGreaterThanOrEqual(2);
    await t.press('N', (f) => /› .*timed-out/.test(f.split('\n').filter((l) => l.includes('timed-out'))[0] ?? ''));
    await t.press(KEYS.escape, (f) => !f.includes('› ') || f.includes('filter: timeout'));
  });

  it('searches a long trace in steps, with its progress on the bottom line', async () => {
    const events = story({ sessions: 40 });
    const first = events.find((e) => e.kind === 'connect') as TraceEvent;
    const bounce = events.find((e) => e.kind === 'message' && e.stage === 'bounced') as TraceEvent;
    const many: TraceEvent[] = Array.from({ length: 250_000 }, (_, i) => ({ ...first, t: i / 100 }));
    const t = renderTui([memoryTrace(storyHeader(), [...many, { ...bounce, t: 2500 }])]);
    await t.press('/', (f) => f.includes('enter apply'));
    await t.press('bounced', (f) => f.includes('/ bounced▌'));
    const none = await t.press(KEYS.enter, (f) => f.includes('filter: bounced (n/N)'));
    expect(none).toContain('(no match shown: n searches forward, N back)');
    await t.press('n', (f) => f.includes('searching forward for "bounced": 39% of the trace… (any key stops)'));
    // The search goes on by itself, a step each time the clock calls back.
    const step = async () => {
      await vi.waitFor(() => expect(t.ticker.running).toBe(true));
      t.ticker.advance(0.001);
    };
    await step();
    await t.until((f) => f.includes(': 79% of the trace'));
    await step();
    const found = await t.until((f) => f.includes('events at the cursor (250k of 250k)'));
    expect(found).toContain('bounced');
    expect(found).not.toContain('searching');
  });

  it('opens the ladder of a connection on enter, and goes back on esc', async () => {
    const t = renderTui([trace]);
    await t.press('/', (f) => f.includes('enter apply'));
    await t.press('reset', (f) => f.includes('/ reset▌'));
    await t.press(KEYS.enter, (f) => f.includes('filter: reset'));
    await t.press('n', (f) => f.includes('TLS ClientHello'));
    const ladder = await t.press(KEYS.enter, (f) => f.includes('ladder ·'));
    expect(ladder).toContain('tmobile firewall');
    expect(ladder).toMatch(/─ S ─+▶/);
    expect(ladder).toMatch(/P\. TLS ClientHello ─+✗ reset reset-465/);
    expect(ladder).toContain('R. forged');
    expect(ladder).toContain('✗ reset after 82ms (ECONNRESET) [tmobile/reset-465]');
    await t.press(KEYS.escape, (f) => f.includes('events at the cursor'));
  });

  it('shows every key of the keymap in the help, and closes it', async () => {
    const t = renderTui([trace], 100, 40);
    const help = await t.press('?', (f) => f.includes('Playback'));
    for (const k of ['space', 'play / pause', 'shift ←', '0-9', 'tab', '/', 'next event matching the filter', 'quit']) expect(help).toContain(k);
    await t.press(KEYS.escape, (f) => f.includes('events at the cursor'));
  });

  it('fits 80×24 and says when the terminal is too small', async () => {
    const small = renderTui([trace], 80, 24);
    const f = await small.until((f) => f.includes('⏸ paused'));
    expect(f.split('\n').length).toBe(23);
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    const tiny = renderTui([trace], 50, 12);
    expect(await tiny.until((f) => f.includes('needs 60×16'))).toContain('50×12');
  });

  it('compares two variants side by side with their outcome table', async () => {
    const other = memoryTrace(storyHeader('today'), story({ sessions: 40, seed: 3 }));
    const t = renderTui([trace, other], 100, 30);
    await t.press('G', (f) => f.includes('+1h17m'));
    const f = t.frame();
    expect(f).toContain('proposed vs today');
    expect(f).toMatch(/outcome\s+proposed\s+today\s+change/);
    expect(f).toMatch(/✓ delivered\s+\d+\s+\d+/);
  });
});
