/**
 * Renders the replay for tests: a fixed size, a hand-driven playback clock, the no-colour
 * theme, and keys as the terminal sends them.
 */
import { render } from 'ink-testing-library';
import { vi } from 'vitest';
import type { Trace } from '../../src/trace/index.js';
import { NO_COLOR_THEME } from '../../src/tui/theme.js';
import { ReplayApp, type Ticker } from '../../src/tui/index.js';

/** Escape sequences of keys. */
export const KEYS = {
  enter: '\r',
  escape: '\u001B',
  right: '\u001B[C',
  left: '\u001B[D',
  up: '\u001B[A',
  down: '\u001B[B',
  tab: '\t',
  backspace: '\u007F',
} as const;

/** A playback clock that moves only when the test says. */
export class ManualTicker implements Ticker {
  private fn: ((s: number) => void) | undefined;

  every(_ms: number, fn: (s: number) => void): () => void {
    this.fn = fn;
    return () => {
      if (this.fn === fn) this.fn = undefined;
    };
  }

  /** True while playback is running. */
  get running(): boolean {
    return this.fn !== undefined;
  }

  /** Lets `seconds` of wall-clock time pass, in one tick. */
  advance(seconds: number): void {
    this.fn?.(seconds);
  }
}

/** The replay of `traces` at `columns` × `rows`, with helpers to press keys and wait for frames. */
export function renderTui(traces: readonly Trace[], columns = 100, rows = 30) {
  const ticker = new ManualTicker();
  const r = render(<ReplayApp traces={traces} theme={NO_COLOR_THEME} ticker={ticker} size={{ columns, rows }} />);
  const frame = (): string => r.lastFrame() ?? '';
  return {
    ...r,
    ticker,
    frame,
    /** Sends keys, then waits for the frame to satisfy `until`. */
    async press(keys: string, until: (frame: string) => boolean): Promise<string> {
      r.stdin.write(keys);
      await vi.waitFor(() => {
        if (!until(frame())) throw new Error(`the frame never satisfied the condition:\n${frame()}`);
      });
      return frame();
    },
    /** Waits for the frame to satisfy `until`. */
    async until(until: (frame: string) => boolean): Promise<string> {
      await vi.waitFor(() => {
        if (!until(frame())) throw new Error(`the frame never satisfied the condition:\n${frame()}`);
      });
      return frame();
    },
  };
}
