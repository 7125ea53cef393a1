/**
 * A file written through a temporary file beside it and renamed into place when complete, so
 * an export that fails or is interrupted leaves nothing half-written behind: not even when
 * the process ends while it is being written (a second Ctrl-C, any `process.exit`), since the
 * temporary file is removed on the way out.
 *
 * @module
 */
import { closeSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A file being written; nothing shows at its path until `commit`. */
export interface AtomicFile {
  write(data: string | Uint8Array): void;
  /** Closes the file and puts it in place. */
  commit(): void;
  /** Closes and removes the temporary file. */
  abort(): void;
}

/** Paths to remove if the process ends while they are registered (`removeAtExit`). */
const unfinished = new Set<string>();

function removeUnfinished(): void {
  for (const path of unfinished) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Nothing more can be done while the process ends.
    }
  }
  unfinished.clear();
}

/**
 * Removes `path` (a file, or a folder and what it holds) if the process ends while it is
 * registered: a second Ctrl-C, a signal turned into `process.exit`, any `process.exit`.
 * Returns the function that lets go of it, once it is in place or removed.
 */
export function removeAtExit(path: string): () => void {
  if (unfinished.size === 0) process.on('exit', removeUnfinished);
  unfinished.add(path);
  return () => {
    if (unfinished.delete(path) && unfinished.size === 0) process.off('exit', removeUnfinished);
  };
}

/** Opens `path` for writing through a temporary file. */
export function openAtomic(path: string): AtomicFile {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  const release = removeAtExit(tmp);
  let open = true;
  // Many small writes go out in 1 MiB chunks: one system call per record would be slow.
  const chunks: Buffer[] = [];
  let pending = 0;
  const drain = (): void => {
    if (pending === 0) return;
    const buf = Buffer.concat(chunks, pending);
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    chunks.length = 0;
    pending = 0;
  };
  return {
    write(data) {
      const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      chunks.push(b);
      pending += b.length;
      if (pending >= 1 << 20) drain();
    },
    commit() {
      drain();
      closeSync(fd);
      open = false;
      renameSync(tmp, path);
      release();
    },
    abort() {
      if (open) closeSync(fd);
      open = false;
      rmSync(tmp, { force: true });
      release();
    },
  };
}

/** Writes `text` to `file` in one go, atomically: on failure the target is untouched and no temporary file is left. */
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
