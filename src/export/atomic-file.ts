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

/** Temporary files being written, removed if the process ends first (a second Ctrl-C, `process.exit`). */
const unfinished = new Set<string>();

function removeUnfinished(): void {
  for (const tmp of unfinished) rmSync(tmp, { force: true });
  unfinished.clear();
}

function track(tmp: string): void {
  if (unfinished.size === 0) process.on('exit', removeUnfinished);
  unfinished.add(tmp);
}

function untrack(tmp: string): void {
  if (unfinished.delete(tmp) && unfinished.size === 0) process.off('exit', removeUnfinished);
}

/** Opens `path` for writing through a temporary file. */
export function openAtomic(path: string): AtomicFile {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  track(tmp);
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
      untrack(tmp);
    },
    abort() {
      if (open) closeSync(fd);
      open = false;
      rmSync(tmp, { force: true });
      untrack(tmp);
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
