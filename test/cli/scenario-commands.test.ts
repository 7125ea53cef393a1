import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { scenarioJsonSchemaText } from '../../src/scenario/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'portsim-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join(''), err: err.join('') };
}

describe('portsim validate', () => {
  it('prints one ok line and exits 0 for a valid scenario', async () => {
    const r = await cli('validate', 'test/scenario/fixtures/good/full.yaml');
    expect(r).toEqual({ code: 0, out: 'ok test/scenario/fixtures/good/full.yaml: "Port 25 blocked on ADSL lines", 2 variants\n', err: '' });
  });

  it('exits 2 with located problems on stderr for an invalid one', async () => {
    const r = await cli('validate', 'test/scenario/fixtures/bad/yaml-syntax.yaml');
    expect(r).toEqual({ code: 2, out: '', err: 'test/scenario/fixtures/bad/yaml-syntax.yaml:9:1: YAML syntax error: Missing closing "quote\n' });
  });

  it('exits 2 with usage help when the file is not given', async () => {
    const r = await cli('validate');
    expect(r.code).toBe(2);
    expect(r.err).toContain("missing required argument 'scenario'");
  });
});

describe('portsim schema', () => {
  it('prints the JSON Schema on stdout', async () => {
    const r = await cli('schema');
    expect(r.code).toBe(0);
    expect(r.out).toBe(scenarioJsonSchemaText());
    expect(JSON.parse(r.out)).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' });
  });

  it('writes it to a file with --out, leaving no temporary file behind', async () => {
    const f = join(tmp, 'portsim.schema.json');
    const r = await cli('schema', '--out', f);
    expect(r).toEqual({ code: 0, out: '', err: '' });
    expect(readFileSync(f, 'utf8')).toBe(scenarioJsonSchemaText());
    expect(readdirSync(tmp)).toEqual(['portsim.schema.json']);
  });

  it('exits 2 when it cannot write, leaving nothing half-written', async () => {
    const f = join(tmp, 'no-such-folder', 'portsim.schema.json');
    const r = await cli('schema', '--out', f);
    expect(r).toEqual({ code: 2, out: '', err: `portsim schema: cannot write ${f}: ENOENT\n` });
    expect(existsSync(f)).toBe(false);
  });
});

describe('portsim list', () => {
  it('lists scenarios with their titles, and marks invalid ones', async () => {
    const r = await cli('list', '--dir', 'test/scenario/fixtures/good');
    expect(r).toEqual({ code: 0, out: 'full.yaml  Port 25 blocked on ADSL lines\n', err: '' });
    const bad = await cli('list', '--dir', 'test/scenario/fixtures/bad');
    expect(bad.out).toContain('wrong-types.yaml           (invalid: 8 problems (portsim validate test/scenario/fixtures/bad/wrong-types.yaml))\n');
  });

  it('lists the bundled scenarios folder by default', async () => {
    const r = await cli('list');
    expect(r.code).toBe(0);
    const bundled = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
    if (bundled.length === 0) expect(r.err).toMatch(/^no scenarios in .*scenarios\n$/);
    else expect(r.out.trimEnd().split('\n')).toHaveLength(bundled.length);
  });

  it('exits 2 for a folder that does not exist', async () => {
    const r = await cli('list', '--dir', join(tmp, 'nope'));
    expect(r).toEqual({ code: 2, out: '', err: `portsim list: cannot read ${join(tmp, 'nope')}: ENOENT\n` });
  });
});
