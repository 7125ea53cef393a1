import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOAD_LIMITS, loadScenario, readScenarioSource, ScenarioError } from '../../src/scenario/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'portsim-scenario-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ScenarioError) return e.lines().map((l) => l.replaceAll(`${tmp}/`, ''));
    throw e;
  }
  throw new Error('accepted');
}

describe('reading a scenario file', () => {
  it('keeps the position of every value, in the file that wrote it', () => {
    const src = readScenarioSource('test/scenario/fixtures/good/full.yaml');
    expect(src.files).toEqual(['test/scenario/fixtures/good/full.yaml', 'test/scenario/fixtures/good/parts/isps.yaml']);
    expect(src.positions.locate(src.data, ['duration'])).toEqual({ file: 'test/scenario/fixtures/good/full.yaml', line: 13, column: 11, contentColumn: 11 });
    expect(src.positions.locate(src.data, ['world', 'isps', 0, 'firewall', 'rules', 0, 'action'])).toMatchObject({
      file: 'test/scenario/fixtures/good/parts/isps.yaml',
      line: 13,
      column: 17,
    });
    expect(src.positions.locate(src.data, ['title'], 'key')).toMatchObject({ line: 2, column: 1 });
    expect(src.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads YAML 1.2: dates and yes/no stay text', () => {
    const f = join(tmp, 'core.yaml');
    writeFileSync(f, 'a: 2009-06-01\nb: yes\nc: 08:00\nd: 0x10\n');
    expect(readScenarioSource(f).data).toEqual({ a: '2009-06-01', b: 'yes', c: '08:00', d: 16 });
  });

  it('keeps a key named __proto__ as data', () => {
    const f = join(tmp, 'proto.yaml');
    writeFileSync(f, '__proto__: { polluted: true }\n');
    const data = readScenarioSource(f).data as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });

  it('refuses a file larger than 1 MiB', () => {
    const f = join(tmp, 'big.yaml');
    writeFileSync(f, `title: big\nfiller: "${'x'.repeat(DEFAULT_LOAD_LIMITS.maxFileBytes)}"\n`);
    expect(problems(() => readScenarioSource(f))).toEqual([`big.yaml: big.yaml is 1048598 bytes; a scenario file may be at most 1048576 bytes`]);
  });

  it('stops aliases that expand beyond the hard limit even when each anchor is used few times', () => {
    const f = join(tmp, 'wide.yaml');
    const items = Array.from({ length: 20_000 }, () => '1').join(',');
    const uses = Array.from({ length: 60 }, () => '*big').join(', ');
    writeFileSync(f, `big: &big [${items}]\nmany: [${uses}]\n`);
    expect(problems(() => readScenarioSource(f))).toEqual([
      'wide.yaml:2:296: the scenario expands to more than 1000000 values (aliases counted each time they are used); it is too large to read',
    ]);
  });

  it('rejects an alias that contains itself', () => {
    const f = join(tmp, 'loop.yaml');
    writeFileSync(f, 'a: &x [1, *x]\n');
    expect(problems(() => readScenarioSource(f))).toEqual(['loop.yaml:1:11: alias *x refers to a value that contains it']);
  });

  it('rejects a symbolic link that leads out of the scenario folder', () => {
    const outside = join(tmp, 'outside.yaml');
    writeFileSync(outside, '- name: stolen\n');
    const folder = join(tmp, 'scenario');
    mkdirSync(folder);
    symlinkSync(outside, join(folder, 'isps.yaml'));
    const f = join(folder, 'main.yaml');
    writeFileSync(f, 'title: t\nduration: 1d\nworld:\n  isps: !include isps.yaml\n');
    expect(problems(() => loadScenario(f))).toEqual([
      "scenario/main.yaml:4:18: !include isps.yaml: a symbolic link leads outside the scenario's folder; includes must stay inside it",
    ]);
  });

  it('follows a symbolic link that stays inside the folder', () => {
    const folder = join(tmp, 'inside');
    mkdirSync(join(folder, 'parts'), { recursive: true });
    writeFileSync(join(folder, 'parts', 'real.yaml'), '- { name: lime, prefixes: [10.0.0.0/16] }\n');
    symlinkSync(join(folder, 'parts', 'real.yaml'), join(folder, 'isps.yaml'));
    const f = join(folder, 'main.yaml');
    writeFileSync(f, 'title: t\nduration: 1d\nworld:\n  isps: !include isps.yaml\n');
    expect(loadScenario(f).scenario.world.isps.map((i) => [i.name, i.prefixes])).toEqual([['lime', ['10.0.0.0/16']]]);
  });

  it('lets an include take a mapping or list only as a file name', () => {
    const f = join(tmp, 'include-map.yaml');
    writeFileSync(f, 'title: t\nduration: 1d\nworld: !include { a: 1 }\n');
    expect(problems(() => readScenarioSource(f))).toEqual(['include-map.yaml:3:17: !include takes a file name, such as !include isps/lime.yaml']);
  });
});
