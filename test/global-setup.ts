// Builds dist/ once before any test file runs: several tests drive the compiled command (worker
// threads and the terminal replay need it), and builds started by test files running side by
// side would rewrite the files one of them is already running.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-if-stale.mjs')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('the TypeScript build failed (see above); the tests that run the command need it');
}
