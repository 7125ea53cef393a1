/**
 * Files a command writes under a temporary name, removed if the process ends before the
 * command puts them in place or removes them itself. A traced run of a million subscribers
 * writes gigabytes before its trace is complete; `kill`, a closed terminal or a CI timeout
 * (SIGTERM, SIGHUP) would otherwise end node at once and leave them on disk, as would a second
 * Ctrl-C or any other `process.exit`.
 *
 * While something is registered, SIGTERM and SIGHUP end the process with the shell's codes
 * (143 and 129) through `process.exit`, whose exit handlers remove the files.
 *
 * @module
 */
import { rmSync } from 'node:fs';

const pending = new Set<string>();

const onExit = (): void => {
  for (const path of pending) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Nothing more can be done while the process ends.
    }
  }
  pending.clear();
};

const onTerm = (): void => process.exit(143);
const onHup = (): void => process.exit(129);

/**
 * Removes `path` (a file, or a folder and what it holds) if the process ends while it is
 * registered. Returns the function that lets go of it, once the command has put it in place
 * or removed it itself.
 */
export function removeOnExit(path: string): () => void {
  if (pending.size === 0) {
    process.on('exit', onExit);
    process.on('SIGTERM', onTerm);
    process.on('SIGHUP', onHup);
  }
  pending.add(path);
  return () => {
    if (!pending.delete(path) || pending.size > 0) return;
    process.off('exit', onExit);
    process.off('SIGTERM', onTerm);
    process.off('SIGHUP', onHup);
  };
}
