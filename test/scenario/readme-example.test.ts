import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'portsim-readme-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it("the README's example scenario is valid", () => {
  const readme = readFileSync('README.md', 'utf8');
  const block = /```yaml\n(# yaml-language-server[\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeDefined();
  const f = join(tmp, 'example.yaml');
  writeFileSync(f, block!.replace('!include parts/isps.yaml', '[{ name: lime }]'));
  const loaded = loadScenario(f);
  expect(loaded.scenario.expectations).toHaveLength(2);
  expect([...loaded.variants.keys()]).toEqual(['today', 'proposal']);
});
