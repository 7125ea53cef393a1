/**
 * Writing a file so that readers never see it half-written: the text goes to a temporary file
 * beside the target, which then replaces the target in one rename.
 *
 * @module
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes `text` to `file` atomically; on failure the target is untouched and no temporary file is left. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
