import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SMALL = 'test/whatif/fixtures/small-isp.yaml';

function portsim(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [join(root, 'bin', 'portsim.js'), ...args], { cwd: root, encoding: 'utf8' });
}

// Worker threads run the compiled build, which test/global-setup.ts makes.
describe('runs on worker threads', () => {
  it('give the same comparison as runs one after another in one thread', () => {
    const args = ['compare', SMALL, '--variants', 'base,no-block,reset', '--seeds', '3', '--json'];
    const threads = portsim(...args, '--workers', '2');
    const inline = portsim(...args, '--workers', '0');
    expect(threads.status, threads.stderr).toBe(0);
    expect(inline.status, inline.stderr).toBe(0);
    expect(threads.stdout).toBe(inline.stdout);
    const c = JSON.parse(threads.stdout) as { runs: { variant: string; seed: string }[] };
    expect(c.runs.map((r) => `${r.variant}/${r.seed}`)).toEqual(['base/7', 'base/8', 'base/9', 'no-block/7', 'no-block/8', 'no-block/9', 'reset/7', 'reset/8', 'reset/9']);
  });
});
