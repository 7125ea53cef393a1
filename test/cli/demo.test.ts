import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/demo.js';
import { buildProgram, runCli } from '../../src/cli/main.js';

describe('the built-in demonstration', () => {
  it('shows the Linux SYN schedule ending in a timeout at 131 s, and a reset failing at once', () => {
    const text = runDemo().join('\n');
    expect(text).toMatch(/1m7s {2}laptop → smtp.example:25 {2}SYN \(retransmission\)/);
    expect(text).toContain('2m11s  the mail client reports "Connection timed out" (ETIMEDOUT)');
    expect(text).toContain('the user waited 2m11s.');
    expect(text).toContain('RST: the mail client reports "Connection refused"');
    expect(text).toContain('12 events; the user waited 2m11s.');
  });
});

describe('the command line', () => {
  it('rejects an unknown command with a usage hint and exit code 2', async () => {
    const err: string[] = [];
    const program = await buildProgram(
      () => undefined,
      (s) => err.push(s),
    );
    await expect(program.parseAsync(['bogus'], { from: 'user' })).rejects.toMatchObject({ exitCode: 1 });
    expect(err.join('')).toContain("unknown command 'bogus'");
    const { main } = await import('../../src/cli/main.js');
    const saved = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(await main(['bogus'])).toBe(2);
    } finally {
      process.stderr.write = saved;
    }
  });

  it('lists every command in its help, and loads a named command alone', async () => {
    let out = '';
    expect(await runCli(['--help'], (s) => (out += s), () => undefined)).toBe(0);
    for (const name of ['replay', 'demo', 'run', 'compare', 'sweep', 'export', 'validate', 'list', 'schema']) expect(out).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    out = '';
    expect(await runCli(['run', '--help'], (s) => (out += s), () => undefined)).toBe(0);
    expect(out).toContain('Usage: portsim run');
    expect(out).toContain('--fidelity');
    // A misspelt command loads them all, so that the right one can be suggested.
    let err = '';
    expect(await runCli(['exprot', 'x.trace'], () => undefined, (s) => (err += s))).toBe(2);
    expect(err).toContain('(Did you mean export?)');
  });
});
