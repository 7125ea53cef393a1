/**
 * The replay's state and the one reducer that changes it. Every key press and every playback
 * tick is an action; the reducer is a pure function of the state, the action and the trace
 * (which only ever answers the same question the same way), so it is tested without a
 * terminal.
 *
 * The cursor is a record count: the world shown is the state after the first `cursor`
 * records. `t` is the simulated time shown; during playback it moves smoothly between records.
 *
 * @module
 */
import type { Seconds } from '../engine/index.js';
import type { Marker, Trace } from '../trace/index.js';
import { type Filter, parseFilter } from './filter.js';
import { bindingFor, type Command, type KeyInfo } from './keymap.js';

/** Which pane has the focus. */
export type Pane = 'log' | 'world';

/** What covers the main area, if anything. */
export type Overlay = 'none' | 'help' | 'ladder' | 'filter' | 'question';

/** Everything the replay remembers between frames. */
export interface ReplayState {
  /** Records applied: 0 … trace length. */
  cursor: number;
  /** Simulated time shown. */
  t: Seconds;
  playing: boolean;
  /** Simulated seconds per second of playback. */
  speed: number;
  focus: Pane;
  overlay: Overlay;
  /** The record selected in the log; `undefined` follows the newest record at the cursor. */
  selected?: number;
  filter?: Filter;
  /** Filter text being typed. */
  draft: string;
  /** The record the open ladder was opened on, and how far it is scrolled. */
  ladder?: { index: number; scroll: number };
  worldScroll: number;
  /** The question being asked: its record, the learner's guess, whether it is revealed. */
  question?: { index: number; guess: string; revealed: boolean };
  /** Records of the questions already asked. */
  asked: readonly number[];
  /** One line of feedback for the last action (no match, nothing to open, …). */
  status?: string;
  /**
   * A search for the next or previous match that is still going: its direction and where it
   * goes on from. It runs a step at a time (`search` actions) so that keys are answered in
   * between; any key stops it.
   */
  searching?: { dir: 1 | -1; next: number };
  quit: boolean;
}

/** What can happen to the replay. */
export type ReplayAction =
  | { type: 'key'; input: string; key: KeyPress; page?: number }
  | { type: 'command'; command: Command; input?: string; page?: number }
  | { type: 'tick'; seconds: number }
  | { type: 'search' }
  | { type: 'type'; text: string }
  | { type: 'erase' };

/** A key press as Ink reports it: the keymap's keys, plus those that edit typed text. */
export interface KeyPress extends KeyInfo {
  backspace?: boolean;
  delete?: boolean;
  meta?: boolean;
}

/** Playback speeds: 1-2-5 steps from 0.01× to 10M×. */
export const SPEEDS: readonly number[] = (() => {
  const out: number[] = [];
  for (let e = -2; e <= 7; e++) for (const m of [1, 2, 5]) out.push(Number((m * 10 ** e).toPrecision(3)));
  return out;
})();

/** How many records the log looks through for filtered rows before it gives up (keeps frames quick). */
export const SEARCH_LIMIT = 500_000;

/** How many records one step of a search for the next or previous match examines. */
export const SEARCH_STEP = 100_000;

/** The state a replay of `trace` starts in: at the start, paused, at a speed that plays the run in about a minute. */
export function initialState(trace: Trace): ReplayState {
  const target = trace.end / 60;
  const speed = SPEEDS.find((s) => s >= target) ?? (SPEEDS[SPEEDS.length - 1] as number);
  return { cursor: 0, t: 0, playing: false, speed, focus: 'log', overlay: 'none', draft: '', worldScroll: 0, asked: [], quit: false };
}

/** The state at time `t`: every record at or before it applied. */
function at(s: ReplayState, trace: Trace, t: Seconds): ReplayState {
  const time = Math.max(0, Math.min(trace.end, t));
  return { ...s, t: time, cursor: trace.countUntil(time), selected: undefined, ladder: s.overlay === 'ladder' ? s.ladder : undefined };
}

/** The state with the first `n` records applied, showing the time of the last of them. */
function atRecord(s: ReplayState, trace: Trace, n: number): ReplayState {
  const cursor = Math.max(0, Math.min(trace.length, n));
  return { ...s, cursor, t: cursor > 0 ? trace.at(cursor - 1).t : 0, selected: undefined };
}

function unasked(s: ReplayState, m: Marker): boolean {
  return m.kind === 'question' && !s.asked.includes(m.index);
}

function ask(s: ReplayState, m: Marker): ReplayState {
  return { ...s, playing: false, overlay: 'question', question: { index: m.index, guess: '', revealed: false }, asked: [...s.asked, m.index] };
}

/** The newest record at or before the cursor that the filter lets through. */
export function newestVisible(s: Pick<ReplayState, 'cursor' | 'filter'>, trace: Trace): number | undefined {
  if (s.filter === undefined) return s.cursor > 0 ? s.cursor - 1 : undefined;
  return trace.find(s.filter.match, s.cursor - 1, -1, { kinds: s.filter.kinds }, SEARCH_LIMIT)?.index;
}

/** Applies one action. */
export function reduceReplay(state: ReplayState, action: ReplayAction, trace: Trace): ReplayState {
  if (action.type === 'search') return searchStep(state, trace);
  let s: ReplayState = action.type === 'tick' ? state : { ...state, status: undefined };
  // A key stops a search that is still going (and then does what it does).
  if (s.searching !== undefined && action.type !== 'tick') s = { ...s, searching: undefined, status: 'search stopped' };
  switch (action.type) {
    case 'key':
      return key(s, action.input, action.key, action.page ?? 10, trace);
    case 'tick':
      return tick(s, action.seconds, trace);
    case 'type':
      if (s.overlay === 'filter') return { ...s, draft: s.draft + action.text };
      if (s.overlay === 'question' && s.question !== undefined && !s.question.revealed) {
        return { ...s, question: { ...s.question, guess: s.question.guess + action.text } };
      }
      return s;
    case 'erase':
      if (s.overlay === 'filter') return { ...s, draft: s.draft.slice(0, -1) };
      if (s.overlay === 'question' && s.question !== undefined && !s.question.revealed) {
        return { ...s, question: { ...s.question, guess: s.question.guess.slice(0, -1) } };
      }
      return s;
    case 'command':
      return command(s, action.command, action.input ?? '', action.page ?? 10, trace);
  }
}

/**
 * A key press: text while a filter or a guess is being typed, otherwise the keymap's
 * command. Decided here, from the state the press arrives in, and not in the component: keys
 * typed fast arrive before the component has re-rendered.
 */
function key(s: ReplayState, input: string, k: KeyPress, page: number, trace: Trace): ReplayState {
  const typing = s.overlay === 'filter' || (s.overlay === 'question' && s.question?.revealed === false);
  if (typing) {
    if (k.ctrl === true && input === 'c') return command(s, 'quit', '', page, trace);
    if (k.return === true) return command(s, 'open', '', page, trace);
    if (k.escape === true) return command(s, 'back', '', page, trace);
    if (k.backspace === true || k.delete === true) return reduceReplay(s, { type: 'erase' }, trace);
    const printable = input !== '' && k.ctrl !== true && k.meta !== true && [...input].every((ch) => ch.charCodeAt(0) >= 0x20);
    return printable ? reduceReplay(s, { type: 'type', text: input }, trace) : s;
  }
  const b = bindingFor(input, k);
  return b === undefined ? s : command(s, b.command, input, page, trace);
}

function tick(s: ReplayState, seconds: number, trace: Trace): ReplayState {
  if (!s.playing || s.overlay === 'question') return s;
  const t = Math.min(trace.end, s.t + seconds * s.speed);
  const cursor = trace.countUntil(t);
  // A question crossed on the way pauses playback there.
  const q = trace.markers.find((m) => m.index >= s.cursor && m.index < cursor && unasked(s, m));
  if (q !== undefined) return ask({ ...s, cursor: q.index + 1, t: q.t, selected: undefined }, q);
  return { ...s, t, cursor, selected: undefined, playing: t < trace.end };
}

function command(s: ReplayState, c: Command, input: string, page: number, trace: Trace): ReplayState {
  if (c === 'quit') return { ...s, quit: true, playing: false };
  switch (s.overlay) {
    case 'filter':
      return filterCommand(s, c);
    case 'question':
      return questionCommand(s, c);
    case 'help':
      return c === 'back' || c === 'help' ? { ...s, overlay: 'none' } : s;
    case 'ladder':
      if (c === 'back' || c === 'open') return { ...s, overlay: 'none', ladder: undefined };
      if (c === 'up' || c === 'down' || c === 'pageUp' || c === 'pageDown') {
        const by = c === 'up' ? -1 : c === 'down' ? 1 : c === 'pageUp' ? -page : page;
        const ladder = s.ladder ?? { index: 0, scroll: 0 };
        return { ...s, ladder: { ...ladder, scroll: Math.max(0, ladder.scroll + by) } };
      }
      break;
    case 'none':
      break;
  }
  const span = trace.end;
  switch (c) {
    case 'play':
      if (s.playing) return { ...s, playing: false };
      // Play at the end starts over, as media players do.
      return s.cursor >= trace.length ? { ...at(s, trace, 0), playing: true } : { ...s, playing: true, selected: undefined };
    case 'seekBack':
      return at(s, trace, s.t - span / 100);
    case 'seekForward':
      return at(s, trace, s.t + span / 100);
    case 'seekBackFar':
      return at(s, trace, s.t - span / 10);
    case 'seekForwardFar':
      return at(s, trace, s.t + span / 10);
    case 'stepBack':
      return atRecord({ ...s, playing: false }, trace, s.cursor - 1);
    case 'stepForward':
      return atRecord({ ...s, playing: false }, trace, s.cursor + 1);
    case 'nextMarker': {
      const m = trace.markers.find((k) => k.index >= s.cursor);
      if (m === undefined) return { ...s, status: 'no marker after this point' };
      const moved = { ...s, cursor: m.index + 1, t: m.t, selected: undefined };
      return unasked(s, m) ? ask(moved, m) : moved;
    }
    case 'prevMarker': {
      const m = [...trace.markers].reverse().find((k) => k.index < s.cursor - 1);
      if (m === undefined) return { ...at(s, trace, 0), status: 'no marker before this point: at the start' };
      return { ...s, cursor: m.index + 1, t: m.t, selected: undefined };
    }
    case 'faster':
    case 'slower': {
      const i = SPEEDS.findIndex((v) => v >= s.speed);
      const next = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, i + (c === 'faster' ? 1 : -1)))] as number;
      return { ...s, speed: next };
    }
    case 'start':
      return at(s, trace, 0);
    case 'end':
      return { ...atRecord(s, trace, trace.length), playing: false };
    case 'jump':
      return at(s, trace, (Number(input) / 10) * span);
    case 'focus':
      return { ...s, focus: s.focus === 'log' ? 'world' : 'log' };
    case 'up':
    case 'down':
    case 'pageUp':
    case 'pageDown':
      return s.focus === 'world' ? scrollWorld(s, c, page) : moveSelection(s, c, page, trace);
    case 'open': {
      const index = s.selected ?? newestVisible(s, trace);
      if (index === undefined) return { ...s, status: 'nothing to open: no event before the cursor' };
      const e = trace.at(index);
      if (!('flow' in e && e.flow !== undefined) && e.kind !== 'message') {
        return { ...s, status: `a ${e.kind} event has no connection or message to open` };
      }
      return { ...s, overlay: 'ladder', ladder: { index, scroll: 0 }, playing: false };
    }
    case 'back':
      if (s.selected !== undefined) return { ...s, selected: undefined };
      if (s.filter !== undefined) return { ...s, filter: undefined, status: 'filter cleared' };
      return s;
    case 'filter':
      return { ...s, overlay: 'filter', draft: s.filter?.text ?? '' };
    case 'nextMatch':
    case 'prevMatch':
      return match(s, c === 'nextMatch' ? 1 : -1, trace);
    case 'help':
      return { ...s, overlay: 'help' };
    default:
      return s;
  }
}

function filterCommand(s: ReplayState, c: Command): ReplayState {
  if (c === 'back') return { ...s, overlay: 'none', draft: '' };
  if (c !== 'open') return s;
  if (s.draft.trim() === '') return { ...s, overlay: 'none', filter: undefined, selected: undefined, status: 'filter cleared' };
  const f = parseFilter(s.draft);
  if (typeof f === 'string') return { ...s, status: f };
  return { ...s, overlay: 'none', filter: f, selected: undefined };
}

function questionCommand(s: ReplayState, c: Command): ReplayState {
  const q = s.question;
  if (q === undefined) return { ...s, overlay: 'none' };
  if (c === 'open' && !q.revealed) return { ...s, question: { ...q, revealed: true } };
  if (c === 'open') return { ...s, overlay: 'none', question: undefined, playing: true };
  if (c === 'back') return { ...s, overlay: 'none', question: undefined };
  return s;
}

function scrollWorld(s: ReplayState, c: Command, page: number): ReplayState {
  const by = c === 'up' ? -1 : c === 'down' ? 1 : c === 'pageUp' ? -page : page;
  return { ...s, worldScroll: Math.max(0, s.worldScroll + by) };
}

function moveSelection(s: ReplayState, c: Command, page: number, trace: Trace): ReplayState {
  const from = s.selected ?? newestVisible(s, trace);
  if (from === undefined) return s;
  const match = s.filter?.match ?? (() => true);
  const hint = { kinds: s.filter?.kinds };
  const steps = c === 'up' || c === 'down' ? 1 : page;
  const dir = c === 'up' || c === 'pageUp' ? -1 : 1;
  let at = from;
  for (let k = 0; k < steps; k++) {
    const next = trace.find(match, at + dir, dir, hint, SEARCH_LIMIT);
    if (next === undefined || next.index >= s.cursor) break;
    at = next.index;
  }
  const newest = newestVisible(s, trace);
  return { ...s, playing: false, selected: at === newest ? undefined : at };
}

function match(s: ReplayState, dir: 1 | -1, trace: Trace): ReplayState {
  if (s.filter === undefined) return { ...s, status: 'no filter: press / to set one' };
  const from = s.selected ?? (dir > 0 ? s.cursor - 1 : (newestVisible(s, trace) ?? s.cursor));
  return searchFrom({ ...s, playing: false }, dir, from + dir, trace);
}

/** Goes on with the search under way, if any. */
function searchStep(s: ReplayState, trace: Trace): ReplayState {
  if (s.searching === undefined || s.filter === undefined) return s;
  return searchFrom(s, s.searching.dir, s.searching.next, trace);
}

/**
 * Looks through the next `SEARCH_STEP` records from `from` for the filter's next match in
 * direction `dir`. A trace of millions of records is searched to its end in steps, with the
 * progress shown, rather than in one go that would leave keys unanswered.
 */
function searchFrom(s: ReplayState, dir: 1 | -1, from: number, trace: Trace): ReplayState {
  const filter = s.filter as Filter;
  const { found, next } = trace.scan(filter.match, from, dir, { kinds: filter.kinds }, SEARCH_STEP);
  if (found === undefined) {
    if (next < 0 || next >= trace.length) return { ...s, searching: undefined, status: `no ${dir > 0 ? 'later' : 'earlier'} event matches "${filter.text}"` };
    const through = dir > 0 ? next / trace.length : 1 - next / trace.length;
    return { ...s, searching: { dir, next }, status: `searching ${dir > 0 ? 'forward' : 'back'} for "${filter.text}": ${Math.floor(through * 100)}% of the trace… (any key stops)` };
  }
  const done: ReplayState = { ...s, searching: undefined, status: undefined };
  // A match already shown is selected; a later one is played up to, so the world shows the
  // state it happened in.
  if (found.index < s.cursor) return { ...done, selected: found.index === newestVisible(done, trace) ? undefined : found.index };
  return { ...done, cursor: found.index + 1, t: found.event.t, selected: undefined };
}
