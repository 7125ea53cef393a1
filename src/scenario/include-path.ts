/**
 * Where an `!include` may lead: only to files inside the scenario's own folder tree.
 *
 * A scenario folder can be shared, downloaded or bundled; an include that reached outside it
 * (`../../secrets.yaml`, an absolute path, or a symbolic link pointing elsewhere) would make a
 * scenario read files its author never shipped. Both the path as written and the file it
 * finally resolves to (after symbolic links) must lie under the folder of the top-level file.
 *
 * @module
 */
import { realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';

/** An include that was resolved: the real file to read and the name to show in messages. */
export interface ResolvedInclude {
  readonly realPath: string;
  readonly displayPath: string;
}

/** True when `child` is `parent` or lies below it. */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Resolves `spec`, written in the file `fromReal` (shown as `fromDisplay`), against the
 * scenario folder `rootReal` (a real path). Returns the file or a message saying why not.
 */
export function resolveInclude(
  spec: string,
  fromReal: string,
  fromDisplay: string,
  rootReal: string,
): ResolvedInclude | { error: string } {
  if (spec.trim() === '') return { error: '!include needs a file name, such as !include isps/lime.yaml' };
  if (isAbsolute(spec) || /^[A-Za-z]:[\\/]/.test(spec)) {
    return { error: `!include ${spec}: absolute paths are not allowed; give a path relative to this file, inside the scenario's folder` };
  }
  const lexical = resolve(dirname(fromReal), spec);
  if (!isInside(rootReal, lexical)) {
    return { error: `!include ${spec}: the file is outside the scenario's folder; includes must stay inside it` };
  }
  let realPath: string;
  try {
    realPath = realpathSync(lexical);
  } catch {
    return { error: `!include ${spec}: no such file` };
  }
  if (!isInside(rootReal, realPath)) {
    return { error: `!include ${spec}: a symbolic link leads outside the scenario's folder; includes must stay inside it` };
  }
  if (!statSync(realPath).isFile()) return { error: `!include ${spec}: not a file` };
  return { realPath, displayPath: normalize(join(dirname(fromDisplay), spec)) };
}
