/**
 * Ctrl-C during long work: the first SIGINT asks the work to stop cleanly (through an
 * AbortSignal), so that what is finished can be kept; a second one ends the process at once.
 *
 * @module
 */

/** Runs `work` with a signal that fires on the first SIGINT; restores the default afterwards. */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>, onFirst?: () => void): Promise<T> {
  const controller = new AbortController();
  const handler = (): void => {
    if (controller.signal.aborted) process.exit(130); // the second Ctrl-C: the user means it
    onFirst?.();
    controller.abort();
  };
  process.on('SIGINT', handler);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', handler);
  }
}

/** Signals that end a command, and the exit code a shell reports for each (128 + number). */
const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/**
 * Runs `work` with a signal that fires on the first Ctrl-C, `kill` (SIGTERM) or closed
 * terminal (SIGHUP), its reason being the exit code a shell gives that signal (130, 143 or
 * 129), so that the work can remove what it half wrote before the command ends with that
 * code. A second signal ends the process at once. Restores the defaults afterwards.
 */
export async function withStopSignals<T>(work: (stop: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const handlers = Object.entries(STOP_SIGNALS).map(([name, code]): [string, () => void] => [
    name,
    () => {
      if (controller.signal.aborted) process.exit(code);
      controller.abort(code);
    },
  ]);
  for (const [name, h] of handlers) process.on(name, h);
  try {
    return await work(controller.signal);
  } finally {
    for (const [name, h] of handlers) process.off(name, h);
  }
}
