// Rebuilds dist/ with tsc when any source file is newer than the last build, so that
// `npm start`, `npm run portsim` and `npm run bench` always run the code in the checkout
// without paying for a compiler start when nothing changed.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.tsbuildinfo');

function newest(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (st === undefined) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const name of readdirSync(path)) m = Math.max(m, newest(join(path, name)));
  return m;
}

const built = statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? -1;
const sources = Math.max(
  newest(join(root, 'src')),
  newest(join(root, 'bench')),
  newest(join(root, 'test', 'trace')), // the trace benchmark's synthetic story
  newest(join(root, 'tsconfig.json')),
  newest(join(root, 'tsconfig.build.json')),
);
if (sources > built) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) {
    process.stderr.write('portsim: the TypeScript build failed (see above)\n');
    process.exit(r.status ?? 1);
  }
  // tsc leaves its build info untouched when the output did not change; mark the build fresh.
  const now = new Date();
  utimesSync(stamp, now, now);
}
