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
