import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario, locate, ScenarioError, selectVariant } from '../../src/scenario/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'portsim-validate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function scenarioFile(name: string, text: string): string {
  const f = join(tmp, name);
  writeFileSync(f, text);
  return f;
}

describe('a valid scenario', () => {
  const loaded = loadScenario('test/scenario/fixtures/good/full.yaml');
  const s = loaded.scenario;

  it('becomes plain typed data in base units', () => {
    expect(s.title).toBe('Port 25 blocked on ADSL lines');
    expect(s.duration).toBe(7 * 86400);
    expect(s.start).toBe(Date.UTC(2009, 5, 1, 8) / 1000);
    expect(s.seed).toBe(2009);
    expect(s.fidelity).toEqual({ level: 'flows', packetSample: 0.05 });
    expect(s.sources).toEqual([{ text: "A customer's account of the outage, June 2009", url: 'https://example.org/lime-port25' }]);
  });

  it('resolves every moment to seconds from the start, dates included', () => {
    expect(s.changes.map((c) => c.at)).toEqual([16 * 3600, 2 * 86400]);
    expect(s.changes[1]).toMatchObject({ over: 5 * 86400, share: 0.6, target: { kind: 'group', name: 'adsl-users' }, action: 'set' });
    expect(s.captions[0]!.at).toBe(0);
    expect(s.questions[0]!.at).toBe(86400);
  });

  it('parses expectations and question answers to a typed form', () => {
    expect(s.expectations[0]).toEqual({
      text: 'legit mail from adsl-users delivered >= 95%',
      subject: { kind: 'mail', class: 'legit', group: 'adsl-users' },
      metric: 'delivered',
      op: '>=',
      value: { unit: 'share', value: 0.95 },
    });
    expect(s.expectations[1]).toMatchObject({ variants: ['proposal'], subject: { class: 'spam', group: 'zombies' } });
    expect(s.questions[0]!.answer).toMatchObject({ subject: { kind: 'mail', group: 'adsl-users' }, metric: 'delivered' });
    expect(s.questions[0]!.choices?.[1]).toEqual({ text: 'much less', when: { op: '<', value: { unit: 'share', value: 0.9 } } });
  });

  it('fills defaults for what is left out', () => {
    const min = loadScenario(scenarioFile('min.yaml', 'title: Minimal\nduration: 1h\n')).scenario;
    expect(min).toEqual({
      title: 'Minimal',
      duration: 3600,
      tags: [],
      sources: [],
      seed: 42,
      fidelity: { level: 'packets', packetSample: 1 },
      world: { internet: { latency: 0.03, paths: [] }, dns: { mx: {}, spf: {} }, isps: [], servers: [], clientGroups: [] },
      changes: [],
      captions: [],
      questions: [],
      variants: {},
      expectations: [],
    });
  });

  it('builds each variant by merging its override into the base', () => {
    expect([...loaded.variants.keys()]).toEqual(['today', 'proposal']);
    expect(loaded.variants.get('today')!.changes).toEqual([]);
    const proposal = selectVariant(loaded, 'proposal');
    expect(proposal.world.clientGroups.map((g) => g.name)).toEqual(['adsl-users', 'business', 'zombies', 'home']);
    expect(proposal.tags).toEqual(['smtp']);
    expect(proposal.title).toBe(s.title);
    expect(selectVariant(loaded, undefined)).toBe(s);
  });

  it('names the closest variant when asked for one that does not exist', () => {
    expect(() => selectVariant(loaded, 'proposl')).toThrow(
      new ScenarioError([{ at: undefined, file: loaded.source.file, path: [], message: "unknown variant 'proposl' — did you mean 'proposal'?" }]),
    );
    expect(() => selectVariant(loaded, 'proposl')).toThrow("test/scenario/fixtures/good/full.yaml: unknown variant 'proposl' — did you mean 'proposal'?");
  });

  it('can still point at the source of any value', () => {
    expect(locate(loaded, ['changes', 1, 'share'])).toMatchObject({ line: 36, column: 12 });
  });
});

describe('variant overrides', () => {
  const base = `title: Base
duration: 7d
world:
  isps:
    - name: lime
      prefixes: [10.1.0.0/16]
      lines: [{ name: adsl }]
      hostingLatency: 5ms
    - name: digicel
      prefixes: [10.2.0.0/16]
  clientGroups:
    - { name: home, isp: lime, line: adsl, count: 100 }
`;

  it('merge named items by name, remove keys set to null, remove items with $remove, replace other lists', () => {
    const f = scenarioFile(
      'merge.yaml',
      `${base}variants:
  proposal:
    override:
      world:
        isps:
          - name: lime
            lines: [{ name: business }]
            hostingLatency: ~
          - name: digicel
            $remove: true
          - { name: flow, prefixes: [10.3.0.0/16] }
        clientGroups:
          - name: home
            count: 250
`,
    );
    const v = loadScenario(f).variants.get('proposal')!;
    expect(v.world.isps.map((i) => [i.name, i.lines.map((l) => l.name), i.hostingLatency])).toEqual([
      ['lime', ['adsl', 'business'], undefined],
      ['flow', [], undefined],
    ]);
    expect(v.world.clientGroups.map((g) => [g.name, g.isp, g.count])).toEqual([['home', 'lime', 250]]);
    expect(loadScenario(f).scenario.world.isps).toHaveLength(2); // the base is untouched
  });

  it('report problems in the merged result at the line of the override, naming the variant', () => {
    const f = scenarioFile(
      'bad-merge.yaml',
      `${base}variants:
  proposal:
    override:
      world:
        clientGroups:
          - name: home
            count: 250
          - { nmae: students, isp: lime, line: adsl, count: 5 }
`,
    );
    let lines: string[] = [];
    try {
      loadScenario(f);
    } catch (e) {
      if (e instanceof ScenarioError) lines = e.lines();
    }
    // With an unnamed item the list no longer merges by name: it replaces the base's, so
    // 'home' loses the keys it had there.
    expect(lines).toEqual([
      `${f}:18:13: variant 'proposal': world.clientGroups[0]: missing key 'isp' (expected a name such as "adsl-users" or "smtp.lime.example")`,
      `${f}:18:13: variant 'proposal': world.clientGroups[0]: missing key 'line' (expected a name such as "adsl-users" or "smtp.lime.example")`,
      `${f}:20:13: variant 'proposal': world.clientGroups[1]: missing key 'name' (expected a name such as "adsl-users" or "smtp.lime.example")`,
      `${f}:20:15: variant 'proposal': world.clientGroups[1]: unknown key 'nmae' — did you mean 'name'?`,
    ]);
  });
});
