/**
 * The replay: an Ink terminal UI over a trace, and its plain-text stand-in for pipes and CI.
 * It reads traces only, never the simulation models.
 *
 * - `replayFiles(paths, io)`: what `portsim replay` does: opens and verifies one or two trace
 *   files, then shows the UI in a terminal or prints a summary otherwise.
 * - `openReplay(traces, io)`: shows the UI for traces already open, such as a `memoryTrace`
 *   of a run that just finished, or the file it just wrote (call `interactive` first).
 * - `summarizeTrace(trace)`, `summarizeComparison(a, b)`: the plain text.
 *
 * @module
 */
import { statSync } from 'node:fs';
import { createElement } from 'react';
import { openTrace, type Trace } from '../trace/index.js';
import { runFullscreen, type TerminalIo } from './fullscreen.js';
import { ReplayApp } from './replay-app.js';
import { summarizeComparison, summarizeTrace } from './summary.js';
import { themeFor } from './theme.js';
import { type Ticker, wallClockTicker } from './ticker.js';

export { summarizeComparison, summarizeTrace } from './summary.js';
export { KEYMAP, type Binding, type Command } from './keymap.js';
export { type Theme, themeFor } from './theme.js';
export { type Ticker, wallClockTicker } from './ticker.js';
export { ReplayApp, type ReplayAppProps } from './replay-app.js';
export { type TerminalIo } from './fullscreen.js';

/** The streams and environment a replay runs with. */
export interface ReplayIo extends TerminalIo {
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * True when the replay UI can run: both stdin and stdout are terminals, not in CI, and the
 * terminal is not `dumb`. Decided before Ink is started, since Ink 6 writes escape codes into
 * pipes and throws on a stdin that is not a terminal.
 */
export function interactive(io: ReplayIo): boolean {
  const ci = io.env['CI'];
  const inCi = (ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false') || io.env['GITHUB_ACTIONS'] === 'true';
  return io.stdin.isTTY === true && io.stdout.isTTY === true && !inCi && io.env['TERM'] !== 'dumb';
}

/** Options of `openReplay`. */
export interface OpenReplayOptions {
  ticker?: Ticker;
}

/**
 * Shows the replay UI full screen for one trace, or two to compare, until the user quits.
 * The caller decides that the terminal is interactive (`interactive(io)`).
 */
export async function openReplay(traces: readonly Trace[], io: ReplayIo, options: OpenReplayOptions = {}): Promise<void> {
  if (traces.length < 1 || traces.length > 2) throw new RangeError(`the replay shows one or two traces, not ${traces.length}`);
  await runFullscreen(createElement(ReplayApp, { traces, theme: themeFor(io.env), ticker: options.ticker ?? wallClockTicker }), io);
}

/** Options of `replayFiles`. */
export interface ReplayFilesOptions {
  /** Print the plain-text summary even in a terminal. */
  plain?: boolean;
  /** Where the plain-text summary goes (default: `io.stdout`). */
  print?: (text: string) => void;
  /** Traces up to this many bytes are checked whole before the replay opens (default 256 MiB). */
  verifyUpTo?: number;
}

/** Bytes of trace checked whole before a replay opens: about half a second of reading. */
const VERIFY_UP_FRONT = 256 * 2 ** 20;

/** A file's size, or 0 when it cannot be read (opening it then says why). */
function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * `portsim replay a.trace [b.trace]`: opens the traces (checking every checksum first when that
 * is quick, so a damaged file is reported before anything is drawn), then replays them in a
 * terminal or prints their summary.
 *
 * @throws TraceError for a file that cannot be read.
 */
export async function replayFiles(paths: readonly string[], io: ReplayIo, options: ReplayFilesOptions = {}): Promise<void> {
  const traces: Trace[] = [];
  try {
    // A trace small enough to read in well under a second has every checksum checked before
    // anything is drawn; a larger one opens at once, and each block is checked when read (a
    // damaged one then ends the replay with the same one-line error).
    for (const p of paths) traces.push(openTrace(p, { verify: sizeOf(p) <= (options.verifyUpTo ?? VERIFY_UP_FRONT) }));
    if (options.plain === true || !interactive(io)) {
      const [a, b] = traces as [Trace, Trace | undefined];
      const text = b === undefined ? summarizeTrace(a) : summarizeComparison(a, b);
      if (options.print !== undefined) options.print(text);
      else io.stdout.write(text);
      return;
    }
    await openReplay(traces, io);
  } finally {
    for (const t of traces) t.close();
  }
}
