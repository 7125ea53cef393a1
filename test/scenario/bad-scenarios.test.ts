import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { loadScenario, ScenarioError } from '../../src/scenario/index.js';

// Each fixtures/bad/NAME.yaml has beside it NAME.errors: the exact lines a user sees, with
// file names relative to the fixtures folder.
const dir = join('test', 'scenario', 'fixtures', 'bad');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => [f, readFileSync(join(dir, f.replace(/\.yaml$/, '.errors')), 'utf8').trimEnd().split('\n')] as const);

function problemsOf(file: string): string[] {
  try {
    loadScenario(file);
  } catch (e) {
    if (e instanceof ScenarioError) return e.lines().map((l) => l.replaceAll(`${dir}/`, ''));
    throw e;
  }
  throw new Error(`${file} was accepted`);
}

describe('bad scenarios get exact, located messages', () => {
  it('covers every kind of mistake in the corpus', () => {
    expect(cases.map(([f]) => f)).toEqual(
      expect.arrayContaining([
        'wrong-types.yaml',
        'unknown-keys.yaml',
        'misspelt-references.yaml',
        'bad-units.yaml',
        'yaml-syntax.yaml',
        'alias-bomb.yaml',
        'include-escape.yaml',
        'include-depth.yaml',
      ]),
    );
  });

  it.each(cases)('%s', (file, expected) => {
    expect(problemsOf(join(dir, file))).toEqual(expected);
  });
});

describe('portsim validate on a bad scenario', () => {
  it('prints every problem on stderr, nothing on stdout, and exits 2', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['validate', join(dir, 'misspelt-references.yaml')], (s) => out.push(s), (s) => err.push(s));
    expect(code).toBe(2);
    expect(out).toEqual([]);
    const lines = err.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines[2]).toBe(
      `${dir}/misspelt-references.yaml:18:13: captions[0].server: unknown server 'smtp.lime.exmple' — did you mean 'smtp.lime.example'?`,
    );
    expect(err.join('')).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('says so when the file does not exist, with exit code 2', async () => {
    const err: string[] = [];
    const code = await runCli(['validate', join(dir, 'no-such-file.yaml')], () => undefined, (s) => err.push(s));
    expect(code).toBe(2);
    expect(err.join('')).toBe(`${dir}/no-such-file.yaml: cannot read ${dir}/no-such-file.yaml: no such file\n`);
  });
});
