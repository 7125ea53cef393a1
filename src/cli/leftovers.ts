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
import { removeAtExit } from '../export/index.js';

const onTerm = (): void => process.exit(143);
const onHup = (): void => process.exit(129);

/** Paths registered here and not yet let go of. */
let held = 0;

/**
 * Removes `path` (a file, or a folder and what it holds) if the process ends while it is
 * registered (`removeAtExit`), SIGTERM and SIGHUP ending it meanwhile. Returns the function
 * that lets go of it, once the command has put it in place or removed it itself.
 */
export function removeOnExit(path: string): () => void {
  if (held++ === 0) {
    process.on('SIGTERM', onTerm);
    process.on('SIGHUP', onHup);
  }
  const release = removeAtExit(path);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    release();
    if (--held > 0) return;
    process.off('SIGTERM', onTerm);
    process.off('SIGHUP', onHup);
  };
}
