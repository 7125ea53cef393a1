/**
 * The replay: one trace, or two side by side. State lives in `replayReducer`; this component
 * turns keys and ticks into actions and lays out the panes, each a pure function of the
 * state and the trace.
 *
 * @module
 */
import { Box, Text, useApp, useInput } from 'ink';
import { useCallback, useEffect, useMemo, useReducer } from 'react';
import type { Trace } from '../trace/index.js';
import { buildLadder } from './ladder.js';
import { logLines, logWindow } from './event-log.js';
import { count, simulatedDate, speedLabel, duration } from './format.js';
import { footerLine, helpLines } from './help.js';
import { layout, type Layout, MIN_COLUMNS, MIN_ROWS } from './layout.js';
import { fit, type Line, seg } from './line.js';
import { LinesView } from './lines-view.js';
import { outcomeLines } from './outcome-table.js';
import { initialState, type ReplayAction, type ReplayState, reduceReplay } from './replay-state.js';
import { sparkline } from './sparkline.js';
import type { Theme } from './theme.js';
import { PLAYBACK_FPS, type Ticker } from './ticker.js';
import { timelineLines } from './timeline.js';
import { type Size, useTerminalSize } from './use-terminal-size.js';
import { worldLines } from './world.js';
import type { SeriesName } from '../trace/index.js';

/** Props of `ReplayApp`. */
export interface ReplayAppProps {
  /** One trace, or two to compare (the first one drives the cursor). */
  traces: readonly Trace[];
  theme: Theme;
  ticker: Ticker;
  /** Draw at this size instead of the terminal's. */
  size?: Size;
}

/** The replay application. */
export function ReplayApp({ traces, theme, ticker, size }: ReplayAppProps) {
  const trace = traces[0] as Trace;
  const other = traces[1];
  const { exit } = useApp();
  const reducer = useCallback((s: ReplayState, a: ReplayAction) => reduceReplay(s, a, trace), [trace]);
  const [state, dispatch] = useReducer(reducer, trace, initialState);
  const term = useTerminalSize(size);
  const worldAll = useMemo(() => worldLines(trace.header, trace.stateAt(state.cursor)), [trace, state.cursor]);
  const L = layout(term.columns, term.rows, worldAll.length);

  const page = Math.max(1, L.logRows - 1);
  useInput((input, key) => dispatch({ type: 'key', input, key, page }));

  useEffect(() => {
    if (state.quit) exit();
  }, [state.quit, exit]);

  // A search through a long trace goes on a step at a time, with keys answered in between.
  useEffect(() => {
    if (state.searching === undefined) return;
    return ticker.every(1, () => dispatch({ type: 'search' }));
  }, [state.searching, ticker]);

  useEffect(() => {
    if (!state.playing) return;
    return ticker.every(1000 / PLAYBACK_FPS, (seconds) => dispatch({ type: 'tick', seconds }));
  }, [state.playing, ticker]);

  if (L.tooSmall) {
    return (
      <Box height={L.height} width={L.width}>
        <Text>
          The terminal is {term.columns}×{term.rows}; the replay needs {MIN_COLUMNS}×{MIN_ROWS}. Enlarge it, or press q.
        </Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={L.width} height={L.height}>
      <LinesView theme={theme} lines={[headerLine(traces, state, L.width)]} />
      <Timeline trace={trace} state={state} width={L.width} theme={theme} />
      <Main traces={traces} state={state} L={L} theme={theme} worldAll={worldAll} other={other} />
      <Sparks traces={traces} state={state} L={L} theme={theme} />
      <LinesView theme={theme} lines={[captionLine(trace, state, L.width)]} />
      <LinesView theme={theme} lines={[bottomLine(state, L.width)]} />
    </Box>
  );
}

function headerLine(traces: readonly Trace[], s: ReplayState, width: number): Line {
  const h = (traces[0] as Trace).header;
  // Variants first: when the title is long, it is the part to cut.
  const what = traces.length === 2 ? `${h.variant} vs ${(traces[1] as Trace).header.variant} · ${h.title}` : `variant ${h.variant} · ${h.title}`;
  const right = `${simulatedDate(h.start, s.t)}  +${duration(s.t)}  ${speedLabel(s.speed)}  ${s.playing ? '▶ playing' : '⏸ paused'} `;
  const left = ` portsim · ${what}`;
  // Two spaces always part the title from the clock, however long the title.
  const room = Math.max(0, width - right.length - 2);
  return [...fit([seg(left, 'title')], room), seg('  '), seg(right, s.playing ? 'ok' : 'warn')];
}

function Timeline({ trace, state, width, theme }: { trace: Trace; state: ReplayState; width: number; theme: Theme }) {
  const lines = useMemo(() => timelineLines(trace.markers, state.t, trace.end, width), [trace, state.t, width]);
  return <LinesView theme={theme} lines={lines} />;
}

function captionLine(trace: Trace, s: ReplayState, width: number): Line {
  let caption: string | undefined;
  for (const m of trace.markers) {
    if (m.index >= s.cursor) break;
    if (m.kind === 'caption') caption = m.label;
  }
  return fit(caption === undefined ? [seg(' ')] : [seg(' ✎ ', 'accent'), seg(`“${caption}”`, 'accent')], width);
}

function bottomLine(s: ReplayState, width: number): Line {
  if (s.overlay === 'filter') {
    return fit([seg(' / ', 'key'), seg(`${s.draft}▌`), seg('   enter apply · esc cancel · e.g. "connect timeout", "port:25", "client:home"', 'muted'), ...(s.status !== undefined ? [seg(`  ! ${s.status}`, 'bad')] : [])], width);
  }
  if (s.status !== undefined) return fit([seg(' ! ', 'bad'), seg(s.status)], width);
  const filter: Line = s.filter !== undefined ? [seg(` filter: ${s.filter.text} (n/N) `, 'warn')] : [];
  return fit([...filter, ...footerLine(width - (filter[0]?.text.length ?? 0))], width);
}

interface MainProps {
  traces: readonly Trace[];
  other: Trace | undefined;
  state: ReplayState;
  L: Layout;
  theme: Theme;
  worldAll: Line[];
}

function Main({ traces, other, state, L, theme, worldAll }: MainProps) {
  const trace = traces[0] as Trace;
  // Looked up again only when what it shows can change: with a rare filter, finding the rows
  // may mean reading many records, which a search's progress or a status line must not cost.
  const { cursor, filter, selected, focus } = state;
  const logLinesNow = useMemo(() => {
    if (L.logRows <= 0 || other !== undefined) return [];
    return logLines(logWindow(trace, { cursor, selected, filter }, L.logRows - 1), L.logWidth, focus === 'log');
  }, [trace, other, cursor, filter, selected, focus, L.logRows, L.logWidth]);
  if (state.overlay === 'help') return <LinesView theme={theme} height={L.main} lines={helpLines().map((l) => fit(l, L.width))} />;
  if (state.overlay === 'question' && state.question !== undefined) {
    return <LinesView theme={theme} height={L.main} lines={questionLines(trace, state, L.width)} />;
  }
  if (state.overlay === 'ladder' && state.ladder !== undefined) {
    return <LadderView trace={trace} index={state.ladder.index} scroll={state.ladder.scroll} L={L} theme={theme} />;
  }
  if (other !== undefined) {
    const names = traces.map((t) => t.header.variant);
    const states = [trace.stateAt(state.cursor), other.stateAt(other.countUntil(state.t))];
    const lines: Line[] = [[seg(` outcomes at +${duration(state.t)}`, 'title')], ...outcomeLines(names, states)];
    return <LinesView theme={theme} height={L.main} lines={lines.map((l) => fit(l, L.width))} />;
  }
  const worldView = worldWindow(worldAll, state, L);
  const logTitle: Line = fit(
    [seg(state.focus === 'log' ? '› ' : '  ', 'cursor'), seg(`events at the cursor (${count(state.cursor)} of ${count(trace.length)})`, 'title'), ...(state.filter !== undefined ? [seg(`  matching "${state.filter.text}"`, 'warn')] : [])],
    L.logWidth,
  );
  const world = <LinesView theme={theme} height={L.worldRows} width={L.worldWidth} lines={worldView} />;
  const log = <LinesView theme={theme} height={L.logRows} width={L.logWidth} lines={[logTitle, ...(logLinesNow.length > 0 ? logLinesNow : [[seg(state.filter === undefined ? '  (no event yet: press space to play, → to seek)' : '  (no match shown: n searches forward, N back)', 'muted')]])]} />;
  return L.side ? (
    <Box flexDirection="row" height={L.main}>
      {world}
      <Box width={1} />
      {log}
    </Box>
  ) : (
    <Box flexDirection="column" height={L.main}>
      {world}
      {log}
    </Box>
  );
}

function worldWindow(all: Line[], s: ReplayState, L: Layout): Line[] {
  const head = all[0] ?? [];
  const body = all.slice(1);
  const room = L.worldRows - 1;
  const maxScroll = Math.max(0, body.length - room);
  const scroll = Math.min(s.worldScroll, maxScroll);
  let shown = body.slice(scroll, scroll + room);
  const below = body.length - scroll - room;
  if (below > 0) shown = [...shown.slice(0, -1), [seg(`  ↓ ${below + 1} more rows (tab, then ↓)`, 'muted')]];
  const focused = s.focus === 'world';
  const title: Line = [seg(focused ? '› ' : '  ', 'cursor'), ...head.map((x) => (focused ? { ...x, tone: 'selected' as const } : x))];
  return [title, ...shown.map((l) => [seg('  '), ...l])].map((l) => fit(l, L.worldWidth));
}

function LadderView({ trace, index, scroll, L, theme }: { trace: Trace; index: number; scroll: number; L: Layout; theme: Theme }) {
  const ladder = useMemo(() => buildLadder(trace, index, L.width), [trace, index, L.width]);
  const room = Math.max(1, L.main - 2);
  const top = Math.min(scroll, Math.max(0, ladder.rows.length - room));
  const more = ladder.rows.length - top - room;
  const title = fit([seg(' ladder · ', 'title'), seg(ladder.title, 'title'), seg(`   esc back · ↑↓ scroll${more > 0 ? ` · ${more} more below` : ''}`, 'muted')], L.width);
  return <LinesView theme={theme} height={L.main} lines={[title, fit(ladder.lanes, L.width), ...ladder.rows.slice(top, top + room)]} />;
}

function questionLines(trace: Trace, s: ReplayState, width: number): Line[] {
  const q = s.question;
  const e = q !== undefined ? trace.at(q.index) : undefined;
  if (q === undefined || e?.kind !== 'question') return [];
  const lines: Line[] = [[seg(' ? Question — the replay is paused', 'title')], [], [seg(`   ${e.prompt}`, 'accent')], []];
  if (!q.revealed) {
    lines.push([seg('   Your prediction: ', 'title'), seg(`${q.guess}▌`)], [], [seg('   type a guess, then enter to see the answer · esc skips', 'muted')]);
  } else {
    if (q.guess !== '') lines.push([seg('   You said: ', 'title'), seg(q.guess)]);
    lines.push([seg('   Answer:   ', 'title'), seg(e.answer, 'ok')], [], [seg('   enter: carry on playing · esc: stay paused', 'muted')]);
  }
  return lines.map((l) => fit(l, width));
}

const SPARKS: readonly [SeriesName, string][] = [
  ['delivered', '✓ delivered'],
  ['deferred', '↻ deferred'],
  ['bounced', '↩ bounced'],
  ['queued', '⋯ queued'],
];

function Sparks({ traces, state, L, theme }: { traces: readonly Trace[]; state: ReplayState; L: Layout; theme: Theme }) {
  const trace = traces[0] as Trace;
  const lines = useMemo(() => {
    const cell = Math.floor(L.width / L.sparksPerRow);
    const out: Line[] = [];
    if (traces.length === 2) {
      // Two runs: delivered and bounced of each, on one row per quantity.
      for (const [name, label] of [SPARKS[0], SPARKS[2]] as [SeriesName, string][]) {
        const line: Line = [];
        for (const t of traces) {
          const s = t.stateAt(t === trace ? state.cursor : t.countUntil(state.t)).totals;
          const value = name === 'queued' ? s.queued : s[name];
          const head = ` ${label} ${t.header.variant} ${count(value)} `;
          line.push(seg(head, 'muted'), seg(sparkline(t.series, name, Math.max(trace.end, t.end), state.t, Math.max(0, Math.floor(L.width / 2) - head.length - 1)), 'accent'), seg(' '));
        }
        out.push(fit(line, L.width));
      }
      return out;
    }
    const totals = trace.stateAt(state.cursor).totals;
    for (let r = 0; r < L.sparkRows; r++) {
      const line: Line = [];
      for (let c = 0; c < L.sparksPerRow; c++) {
        const [name, label] = SPARKS[r * L.sparksPerRow + c] as [SeriesName, string];
        const value = name === 'queued' ? totals.queued : totals[name];
        const head = ` ${label.padEnd(11)} ${count(value).padStart(5)} `;
        line.push(seg(head, 'muted'), seg(sparkline(trace.series, name, trace.end, state.t, Math.max(0, cell - head.length - 1)), 'accent'), seg(' '));
      }
      out.push(fit(line, L.width));
    }
    return out;
  }, [traces, trace, state.cursor, state.t, L.width, L.sparkRows, L.sparksPerRow]);
  return <LinesView theme={theme} lines={lines} />;
}
