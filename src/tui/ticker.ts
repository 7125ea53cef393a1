/**
 * The playback clock, injected so that tests can drive playback without waiting. The replay
 * asks for one callback every `ms`, told how many seconds really passed since the last one;
 * it never schedules a render per record.
 *
 * @module
 */

/** Calls back at a steady rate with the seconds elapsed since the previous call. */
export interface Ticker {
  /** Starts calling `fn` every `ms`; returns a function that stops it. */
  every(ms: number, fn: (elapsedSeconds: number) => void): () => void;
}

/** The real clock: `setInterval`, with elapsed time measured, not assumed. */
export const wallClockTicker: Ticker = {
  every(ms, fn) {
    let last = performance.now();
    const id = setInterval(() => {
      const now = performance.now();
      fn((now - last) / 1000);
      last = now;
    }, ms);
    return () => clearInterval(id);
  },
};

/**
 * Frames per second of playback. Below Ink's own limit (60 here), so that a key pressed just
 * after a playback frame is drawn at once instead of waiting for the next frame slot.
 */
export const PLAYBACK_FPS = 25;
