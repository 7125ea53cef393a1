import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { openTrace, TraceError, TraceWriter } from '../../src/trace/index.js';
import { replayFiles } from '../../src/tui/index.js';
import { story, storyHeader } from '../trace/story.js';

const dir = mkdtempSync(join(tmpdir(), 'portsim-replay-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeTrace(name: string, variant: string, seed: number): string {
  const path = join(dir, name);
  const w = new TraceWriter(path, storyHeader(variant));
  for (const e of story({ sessions: 40, seed })) w.write(e);
  w.close();
  return path;
}

const a = writeTrace('a.trace', 'proposed', 42);
const b = writeTrace('b.trace', 'today', 3);

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const program = await buildProgram(
    (s) => out.push(s),
    (s) => err.push(s),
  );
  try {
    await program.parseAsync(args, { from: 'user' });
    return { code: 0, out: out.join(''), err: err.join('') };
  } catch (e) {
    return { code: (e as { exitCode?: number }).exitCode ?? 1, out: out.join(''), err: err.join('') };
  }
}

describe('portsim replay without a terminal', () => {
  it('prints a plain summary of the timeline, without escape codes', async () => {
    const r = await cli(['replay', a]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('LIME drops port 25 — variant proposed');
    expect(r.out).toMatch(/00:05:00\.000 {2}! lime: rule block-25 on/);
    expect(r.out).toMatch(/T first timeout: home-\d+ → mx\.mailhost\.net:25/);
    expect(r.out).toMatch(/legit mail sent\s+34/);
    expect(r.out).not.toContain('\x1b');
  });

  it('compares two traces with their outcome table', async () => {
    const r = await cli(['replay', a, b, '--plain']);
    expect(r.out).toMatch(/outcome\s+proposed\s+today\s+change/);
    expect(r.out).toMatch(/\[today\]/);
  });

  it('reports a damaged trace with the file and the problem, exit code 2', async () => {
    const bad = join(dir, 'bad.trace');
    writeFileSync(bad, 'not a trace at all, just text\n');
    const r = await cli(['replay', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`portsim: ${bad}: not a portsim trace`);
    const missing = await cli(['replay', join(dir, 'nope.trace')]);
    expect(missing.err).toMatch(/nope\.trace: no such file/);
  });

  it('checks a small trace whole before opening it, and a large one block by block as it is read', async () => {
    // Many small blocks, one of them damaged in the middle of the file.
    const path = join(dir, 'damaged.trace');
    const w = new TraceWriter(path, storyHeader(), { blockSize: 64 });
    for (const e of story({ sessions: 200, seed: 9 })) w.write(e);
    w.close();
    const bytes = readFileSync(path);
    bytes.fill(0, Math.floor(bytes.length / 2), Math.floor(bytes.length / 2) + 32);
    writeFileSync(path, bytes);
    const whole = await cli(['replay', path]);
    expect(whole.code).toBe(2);
    expect(whole.err).toMatch(/damaged\.trace: corrupt: the event block \d+ at byte \d+ fails its checksum/);
    // Treated as large, it opens without reading every block; the damaged block is reported
    // with the same error when it is read.
    const trace = openTrace(path);
    expect(() => trace.filter(() => false)).toThrow(/event block \d+ at byte \d+ fails its checksum/);
    trace.close();
    await expect(replayFiles([path], { stdin: process.stdin, stdout: process.stdout, env: {} }, { plain: true, print: () => undefined, verifyUpTo: 0 })).rejects.toThrow(TraceError);
  });
});

/** The screen of tmux session `s`. */
function screen(s: string): string {
  return spawnSync('tmux', ['capture-pane', '-p', '-t', s], { encoding: 'utf8' }).stdout;
}

/** Polls the screen until `ok` holds; fails after `ms` with the screen in the message. */
async function waitForScreen(s: string, ok: (text: string) => boolean, ms = 15_000): Promise<string> {
  const deadline = performance.now() + ms;
  for (;;) {
    const text = screen(s);
    if (ok(text)) return text;
    if (performance.now() > deadline) throw new Error(`the screen never showed what was expected:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('portsim replay in a terminal (driven through tmux)', () => {
  it('draws at 80×24, plays, shows help, follows a resize, quits on q and restores the screen', async () => {
    if (spawnSync('tmux', ['-V']).status !== 0) {
      throw new Error('tmux is missing: this test runs the real `portsim replay` in a terminal through tmux. Install it (apt-get install -y tmux).');
    }
    const root = join(import.meta.dirname, '..', '..');
    const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-if-stale.mjs')], { encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    const s = `portsim-test-${process.pid}`;
    // CI variables would (rightly) make the command print the plain summary instead.
    const command = `env -u CI -u GITHUB_ACTIONS ${process.execPath} ${join(root, 'bin', 'portsim.js')} replay ${a}; echo "portsim exited with $?"; sleep 60`;
    expect(spawnSync('tmux', ['new-session', '-d', '-s', s, '-x', '80', '-y', '24', command]).status).toBe(0);
    try {
      const first = await waitForScreen(s, (t) => t.includes('⏸ paused'));
      expect(first).toContain('variant proposed');
      expect(first).toContain('events at the cursor (0 of');
      expect(first.split('\n')[23] ?? '').toBe(''); // the frame stays off the last row
      spawnSync('tmux', ['send-keys', '-t', s, 'Space']);
      await waitForScreen(s, (t) => t.includes('▶ playing'));
      spawnSync('tmux', ['send-keys', '-t', s, 'Space']);
      await waitForScreen(s, (t) => t.includes('⏸ paused') || t.includes('Question'));
      spawnSync('tmux', ['send-keys', '-t', s, '?']);
      await waitForScreen(s, (t) => t.includes('Playback') || t.includes('Your prediction'));
      spawnSync('tmux', ['resize-window', '-t', s, '-x', '120', '-y', '32']);
      await waitForScreen(s, (t) => (t.split('\n')[0] ?? '').trimEnd().length > 80);
      spawnSync('tmux', ['send-keys', '-t', s, 'q']);
      const after = await waitForScreen(s, (t) => t.includes('portsim exited with 0'));
      expect(after).not.toContain('⏸ paused');
      expect(after).not.toContain('portsim ·');
    } finally {
      spawnSync('tmux', ['kill-session', '-t', s]);
    }
  });
});
