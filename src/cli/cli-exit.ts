/**
 * How a command ends with a given exit code without a stack trace: it throws a
 * {@link CommanderError} whose code starts with `portsim.`, and `main` returns its exit code.
 *
 * @module
 */
import { CommanderError } from 'commander';

/** Exit code for bad usage or bad input (an invalid scenario, a file that cannot be read). */
export const EXIT_INVALID = 2;

/** Exit code of a run stopped because it outgrew the memory node allows it. */
export const EXIT_OUT_OF_MEMORY = 3;

/** Exit code after Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** Ends the current command with `exitCode`; what to say has already been printed. */
export function exitWith(exitCode: number, reason: string): never {
  throw new CommanderError(exitCode, `portsim.${reason}`, '');
}
