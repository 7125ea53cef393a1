/**
 * Every key of the replay, in one table. The input handler, the help overlay and the footer
 * all read it, so a key cannot work without being documented or be documented without
 * working.
 *
 * @module
 */

/** What a key asks for. */
export type Command =
  | 'play'
  | 'seekBack'
  | 'seekForward'
  | 'seekBackFar'
  | 'seekForwardFar'
  | 'stepBack'
  | 'stepForward'
  | 'prevMarker'
  | 'nextMarker'
  | 'faster'
  | 'slower'
  | 'start'
  | 'end'
  | 'jump'
  | 'focus'
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'open'
  | 'back'
  | 'filter'
  | 'nextMatch'
  | 'prevMatch'
  | 'help'
  | 'quit';

/** The parts of a key press the keymap looks at (a subset of Ink's `Key`). */
export interface KeyInfo {
  leftArrow?: boolean;
  rightArrow?: boolean;
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  tab?: boolean;
  shift?: boolean;
  ctrl?: boolean;
}

/** One row of the keymap. */
export interface Binding {
  command: Command;
  /** The keys as the help shows them. */
  keys: string;
  /** What the command does, for the help. */
  help: string;
  /** A short label for the footer; bindings without one are only in the help. */
  footer?: string;
  /** The keys as the footer shows them, when not `keys` (a pair such as `←→`). */
  footerKeys?: string;
  group: 'Playback' | 'Moving around' | 'Looking closer';
  match: (input: string, key: KeyInfo) => boolean;
}

const is = (...chars: string[]) => (input: string, key: KeyInfo) => key.ctrl !== true && chars.includes(input);

/** The replay's keys, in the order the help lists them. */
export const KEYMAP: readonly Binding[] = [
  { command: 'play', keys: 'space', help: 'play / pause', footer: 'play', group: 'Playback', match: is(' ') },
  { command: 'seekBack', keys: '←', help: 'seek back 1% of the run', group: 'Playback', match: (_, k) => k.leftArrow === true && k.shift !== true },
  { command: 'seekForward', keys: '→', help: 'seek forward 1% of the run', footer: 'seek', footerKeys: '←→', group: 'Playback', match: (_, k) => k.rightArrow === true && k.shift !== true },
  { command: 'seekBackFar', keys: 'shift ←', help: 'seek back 10%', group: 'Playback', match: (_, k) => k.leftArrow === true && k.shift === true },
  { command: 'seekForwardFar', keys: 'shift →', help: 'seek forward 10%', group: 'Playback', match: (_, k) => k.rightArrow === true && k.shift === true },
  { command: 'stepBack', keys: ',', help: 'step back one event (pauses)', group: 'Playback', match: is(',') },
  { command: 'stepForward', keys: '.', help: 'step forward one event (pauses)', footer: 'step', footerKeys: ',.', group: 'Playback', match: is('.') },
  { command: 'prevMarker', keys: '[', help: 'previous marker', group: 'Playback', match: is('[') },
  { command: 'nextMarker', keys: ']', help: 'next marker', footer: 'marker', footerKeys: '[]', group: 'Playback', match: is(']') },
  { command: 'faster', keys: '+', help: 'faster', footer: 'speed', footerKeys: '+-', group: 'Playback', match: is('+', '=') },
  { command: 'slower', keys: '-', help: 'slower', group: 'Playback', match: is('-', '_') },
  { command: 'start', keys: 'g', help: 'go to the start', group: 'Moving around', match: (i, k) => is('g')(i, k) || k.home === true },
  { command: 'end', keys: 'G', help: 'go to the end', group: 'Moving around', match: (i, k) => is('G')(i, k) || k.end === true },
  { command: 'jump', keys: '0-9', help: 'jump to 0%, 10%, … 90% of the run', group: 'Moving around', match: (i, k) => k.ctrl !== true && /^[0-9]$/.test(i) },
  { command: 'focus', keys: 'tab', help: 'move between the world and the log', footer: 'pane', group: 'Moving around', match: (_, k) => k.tab === true },
  { command: 'up', keys: '↑', help: 'select the previous row / scroll up', group: 'Moving around', match: (i, k) => k.upArrow === true || is('k')(i, k) },
  { command: 'down', keys: '↓', help: 'select the next row / scroll down', group: 'Moving around', match: (i, k) => k.downArrow === true || is('j')(i, k) },
  { command: 'pageUp', keys: 'pgup', help: 'a page up', group: 'Moving around', match: (_, k) => k.pageUp === true },
  { command: 'pageDown', keys: 'pgdn', help: 'a page down', group: 'Moving around', match: (_, k) => k.pageDown === true },
  { command: 'open', keys: 'enter', help: 'open the ladder of the selected connection or message', footer: 'ladder', group: 'Looking closer', match: (_, k) => k.return === true },
  { command: 'back', keys: 'esc', help: 'back: close the ladder or help, clear the filter', group: 'Looking closer', match: (_, k) => k.escape === true },
  { command: 'filter', keys: '/', help: 'filter the log: kind, name, address, protocol, port, outcome', footer: 'filter', group: 'Looking closer', match: is('/') },
  { command: 'nextMatch', keys: 'n', help: 'next event matching the filter', group: 'Looking closer', match: is('n') },
  { command: 'prevMatch', keys: 'N', help: 'previous event matching the filter', group: 'Looking closer', match: is('N') },
  { command: 'help', keys: '?', help: 'this help', footer: 'help', group: 'Looking closer', match: is('?') },
  { command: 'quit', keys: 'q', help: 'quit (also ctrl-c)', footer: 'quit', group: 'Looking closer', match: (i, k) => is('q')(i, k) || (k.ctrl === true && i === 'c') },
];

/** The binding a key press triggers, if any. */
export function bindingFor(input: string, key: KeyInfo): Binding | undefined {
  return KEYMAP.find((b) => b.match(input, key));
}
