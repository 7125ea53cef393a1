import { describe, expect, it } from 'vitest';
import { memoryTrace, type TraceEvent } from '../../src/trace/index.js';
import { parseFilter } from '../../src/tui/filter.js';
import { footerLine, helpLines } from '../../src/tui/help.js';
import { KEYMAP } from '../../src/tui/keymap.js';
import { layout } from '../../src/tui/layout.js';
import { plain } from '../../src/tui/line.js';
import { initialState, type ReplayAction, type ReplayState, reduceReplay, SPEEDS } from '../../src/tui/replay-state.js';
import { sparkline } from '../../src/tui/sparkline.js';
import { timelineLines } from '../../src/tui/timeline.js';
import { story, storyHeader } from '../trace/story.js';
import { speedLabel, simulatedDate, count } from '../../src/tui/format.js';

const events = story({ sessions: 40 });
const trace = memoryTrace(storyHeader(), events, { blockSize: 32, keyframeEvery: 2 });

function run(actions: ReplayAction[], from: ReplayState = initialState(trace)): ReplayState {
  return actions.reduce((s, a) => reduceReplay(s, a, trace), from);
}
const cmd = (command: Extract<ReplayAction, { type: 'command' }>['command'], input = ''): ReplayAction => ({ type: 'command', command, input });

describe('the replay reducer', () => {
  it('starts paused at the start, at a speed that plays the run in about a minute', () => {
    const s = initialState(trace);
    expect(s).toMatchObject({ cursor: 0, t: 0, playing: false });
    expect(trace.end / s.speed).toBeGreaterThan(20);
    expect(trace.end / s.speed).toBeLessThanOrEqual(60);
  });

  it('advances time by speed × elapsed on each tick, applying every record up to it', () => {
    const s = run([cmd('play'), { type: 'tick', seconds: 0.5 }]);
    expect(s.t).toBeCloseTo(0.5 * s.speed, 6);
    expect(s.cursor).toBe(events.filter((e) => e.t <= s.t).length);
  });

  it('ignores ticks while paused, and stops at the end', () => {
    expect(run([{ type: 'tick', seconds: 5 }]).t).toBe(0);
    const s = run([cmd('end'), cmd('play'), { type: 'tick', seconds: 1 }]);
    expect(s.cursor).toBeLessThan(trace.length); // play at the end starts over
    const last = run([cmd('seekForwardFar'), cmd('seekForwardFar'), cmd('seekForwardFar'), cmd('seekForwardFar'), cmd('play'), { type: 'tick', seconds: 1e6 }]);
    expect(last).toMatchObject({ playing: false, cursor: trace.length, t: trace.end });
  });

  it('pauses at a question crossed during playback, once', () => {
    const q = trace.markers.find((m) => m.kind === 'question');
    const s = run([cmd('play'), { type: 'tick', seconds: 1000 }]);
    expect(s).toMatchObject({ overlay: 'question', playing: false, cursor: (q?.index ?? 0) + 1 });
    const after = run([cmd('back'), cmd('play'), { type: 'tick', seconds: 1 }], s);
    expect(after.overlay).toBe('none');
    expect(after.cursor).toBeGreaterThan(s.cursor);
  });

  it('types a guess, reveals the answer, then carries on playing', () => {
    const asked = run([cmd('play'), { type: 'tick', seconds: 1000 }, { type: 'type', text: 'a timeout' }, { type: 'erase' }]);
    expect(asked.question?.guess).toBe('a timeou');
    const revealed = run([cmd('open')], asked);
    expect(revealed.question?.revealed).toBe(true);
    expect(run([cmd('open')], revealed)).toMatchObject({ overlay: 'none', playing: true });
  });

  it('steps one record, and seeks by 1% and 10% of the run', () => {
    expect(run([cmd('stepForward'), cmd('stepForward'), cmd('stepBack')]).cursor).toBe(1);
    const s = run([cmd('seekForward')]);
    expect(s.t).toBeCloseTo(trace.end / 100, 6);
    expect(run([cmd('seekForwardFar'), cmd('seekBack')]).t).toBeCloseTo((trace.end * 9) / 100, 6);
    expect(run([cmd('seekBack')]).t).toBe(0);
    expect(run([cmd('jump', '7')]).t).toBeCloseTo(trace.end * 0.7, 6);
  });

  it('walks the markers forwards and backwards', () => {
    const a = run([cmd('nextMarker')]);
    expect(a.cursor).toBe((trace.markers[0]?.index ?? 0) + 1);
    const b = run([cmd('nextMarker')], a);
    expect(b.t).toBe(trace.markers[1]?.t);
    expect(run([cmd('prevMarker')], b).cursor).toBe(a.cursor);
  });

  it('changes speed in 1-2-5 steps', () => {
    const s = initialState(trace);
    const i = SPEEDS.indexOf(s.speed);
    expect(run([cmd('faster')]).speed).toBe(SPEEDS[i + 1]);
    expect(run([cmd('slower'), cmd('slower')]).speed).toBe(SPEEDS[i - 2]);
  });

  it('applies a typed filter on enter, and reports a bad one without closing the prompt', () => {
    const bad = run([cmd('filter'), { type: 'type', text: 'colour:red' }, cmd('open')]);
    expect(bad.overlay).toBe('filter');
    expect(bad.status).toMatch(/unknown field "colour:"/);
    const ok = run([cmd('filter'), { type: 'type', text: 'bounced' }, cmd('open')]);
    expect(ok.filter?.text).toBe('bounced');
    const next = run([cmd('nextMatch')], ok);
    const e = trace.at(next.cursor - 1);
    expect(e.kind === 'message' && e.stage).toBe('bounced');
  });

  it('searches a long trace a step at a time, showing how far it got, and any key stops it', () => {
    // 250,000 connections, then one bounce: further than one step of a search looks.
    const first = events.find((e) => e.kind === 'connect') as TraceEvent;
    const bounce = events.find((e) => e.kind === 'message' && e.stage === 'bounced') as TraceEvent;
    const many: TraceEvent[] = Array.from({ length: 250_000 }, (_, i) => ({ ...first, t: i / 100 }));
    const long = memoryTrace(storyHeader(), [...many, { ...bounce, t: 2500 }]);
    const go = (actions: ReplayAction[], from: ReplayState) => actions.reduce((s, a) => reduceReplay(s, a, long), from);
    const filtered = go([cmd('filter'), { type: 'type', text: 'bounced' }, cmd('open')], initialState(long));
    const started = go([cmd('nextMatch')], filtered);
    expect(started.searching).toEqual({ dir: 1, next: 100_000 });
    expect(started.status).toBe('searching forward for "bounced": 39% of the trace… (any key stops)');
    expect(started.cursor).toBe(0);
    const second = go([{ type: 'search' }], started);
    expect(second.status).toMatch(/: 79% of the trace/);
    const found = go([{ type: 'search' }], second);
    expect(found).toMatchObject({ searching: undefined, status: undefined, cursor: 250_001, t: 2500 });
    // Back from there: nothing earlier matches, which the search says only once it has looked at every record.
    let back = go([cmd('prevMatch')], found);
    for (let k = 0; k < 2; k++) {
      expect(back.status).toMatch(/^searching back for "bounced"/);
      back = go([{ type: 'search' }], back);
    }
    expect(back.status).toBe('no earlier event matches "bounced"');
    // A key while a search runs stops it and does its own work.
    const stopped = go([cmd('seekForward')], started);
    expect(stopped.searching).toBeUndefined();
    expect(stopped.status).toBe('search stopped');
    expect(stopped.cursor).toBeGreaterThan(0);
  });

  it('treats keys as text while a filter is typed, whatever they are bound to', () => {
    const s = run([
      { type: 'key', input: '/', key: {} },
      { type: 'key', input: 'q', key: {} },
      { type: 'key', input: ' ', key: {} },
      { type: 'key', input: 'n', key: {} },
    ]);
    expect(s).toMatchObject({ overlay: 'filter', draft: 'q n', quit: false, playing: false });
    expect(run([{ type: 'key', input: 'c', key: { ctrl: true } }], s).quit).toBe(true);
  });

  it('opens a ladder only on a record with a connection or a message', () => {
    const atChange = run([cmd('nextMarker'), cmd('nextMarker'), cmd('open')]);
    expect(atChange.overlay).toBe('none');
    expect(atChange.status).toMatch(/no connection or message/);
    const withFlow = events.findIndex((e) => e.kind === 'packet');
    const s = run([{ type: 'command', command: 'stepForward' }], { ...initialState(trace), cursor: withFlow });
    expect(run([cmd('open')], s)).toMatchObject({ overlay: 'ladder', ladder: { index: withFlow } });
  });
});

describe('the filter', () => {
  const matching = (text: string): TraceEvent[] => {
    const f = parseFilter(text);
    if (typeof f === 'string') throw new Error(f);
    return events.filter(f.match);
  };

  it('matches kinds, protocols, ports, outcomes and names, all words together', () => {
    expect(matching('connect').every((e) => e.kind === 'connect')).toBe(true);
    expect(matching('connect timeout').every((e) => e.kind === 'connect' && e.outcome === 'timed-out')).toBe(true);
    expect(matching('connect timeout').length).toBeGreaterThan(0);
    expect(matching('465').every((e) => 'port' in e ? e.port === 465 : e.kind === 'packet' && (e.dport === 465 || e.sport === 465))).toBe(true);
    expect(matching('client:phone').every((e) => 'client' in e && e.client?.startsWith('phone'))).toBe(true);
    expect(matching('reset').some((e) => e.kind === 'packet' && e.flags === 'R.')).toBe(true);
    expect(matching('packet !tcp')).toEqual([]);
  });

  it('narrows the blocks to search when it names a kind', () => {
    const f = parseFilter('message bounced');
    expect(typeof f !== 'string' && f.kinds).toBe(1 << 3);
  });
});

describe('drawing', () => {
  it('draws the timeline with the cursor, the played part heavier, and marker letters', () => {
    const [bar, scale] = timelineLines(trace.markers, trace.end / 2, trace.end, 60);
    const text = plain(bar);
    expect(text).toHaveLength(60);
    expect(text.indexOf('█')).toBe(30);
    expect(text.slice(0, 30)).toMatch(/^[━c!?TRB]+$/);
    expect(text.slice(31)).toMatch(/^[─XB]+$/);
    expect(text).toContain('X');
    expect(plain(scale)).toMatch(/^0s +▲ 38m43\.552s +1h17m27\.104s$/);
  });

  it('draws sparklines up to the cursor only', () => {
    const full = sparkline(trace.series, 'delivered', trace.end, trace.end, 40);
    expect(full).toHaveLength(40);
    expect(full).toMatch(/^[▁▂▃▄▅▆▇█]+$/);
    const half = sparkline(trace.series, 'delivered', trace.end, trace.end / 2, 40);
    expect(half.slice(20).trim()).toBe('');
  });

  it('lays out 80×24 stacked, wide terminals side by side, and refuses tiny ones', () => {
    const a = layout(80, 24, 12);
    expect(a).toMatchObject({ height: 23, side: false, tooSmall: false });
    expect(5 + a.sparkRows + a.worldRows + a.logRows).toBe(23);
    const b = layout(160, 50);
    expect(b.side).toBe(true);
    expect(b.worldWidth + 1 + b.logWidth).toBe(160);
    expect(layout(59, 24).tooSmall).toBe(true);
    expect(layout(80, 15).tooSmall).toBe(true);
  });

  it('lists every key of the keymap in the help, and the footer fits', () => {
    const help = helpLines().map(plain).join('\n');
    for (const b of KEYMAP) expect(help).toContain(b.help);
    expect(plain(footerLine(80)).length).toBeLessThanOrEqual(80);
    expect(plain(footerLine(200))).toContain('q quit');
  });

  it('formats speeds, dates and counts', () => {
    expect(speedLabel(0.5)).toBe('×0.5');
    expect(speedLabel(2000)).toBe('×2k');
    expect(simulatedDate('2009-09-12T08:00:00Z', 3725.5)).toBe('2009-09-12 09:02:05');
    expect(count(12_345)).toBe('12.3k');
    expect(count(999)).toBe('999');
  });
});
