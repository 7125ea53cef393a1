/**
 * The one error a trace reader throws for a bad file: it names the file and says what is
 * wrong with it, in words a user can act on.
 *
 * @module
 */

/** A trace file that cannot be read: missing, truncated, corrupt or of another version. */
export class TraceError extends Error {
  override name = 'TraceError';

  constructor(
    /** The file's path. */
    readonly file: string,
    /** What is wrong, without the file name. */
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}
