/**
 * Where the portsim package lives, found from this module's own location, so that the same
 * code works from `src/` (tests) and from `dist/src/` (the built command).
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The folder holding portsim's package.json. */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'portsim') return (cached = dir);
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the portsim package.json above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** portsim's version, from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
