import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/index.js';
import { loadScenario, scenarioJsonSchema } from '../../src/scenario/index.js';
import { buildWorld, type WorldObserver } from '../../src/world/index.js';

// The benchmark scenarios take minutes to hours to run, so `npm test` never runs them (the
// bundled-scenarios test reads only the top folder); it checks that they read, that the
// smallest builds, and that the three sizes describe the same ISP.
const dir = join('scenarios', 'bench');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

const nothing = new Proxy({}, { get: () => () => undefined }) as WorldObserver;

describe('the benchmark scenarios', () => {
  it('are the same ISP at 10k, 100k and 1M subscribers', () => {
    expect(files).toEqual(['isp-100k-week.yaml', 'isp-10k-week.yaml', 'isp-1m-week.yaml']);
    // Apart from the title, the description and the counts, the files are the same, line by line.
    const lines = files.map((f) => readFileSync(join(dir, f), 'utf8').replace(/^description:[\s\S]*?\n(?=\S)/m, '').split('\n'));
    const [first, ...rest] = lines as [string[], ...string[][]];
    for (const other of rest) {
      expect(other).toHaveLength(first.length);
      first.forEach((line, i) => {
        if (!/^title:|^\s*count:/.test(line)) expect(other[i]).toBe(line);
      });
    }
  });

  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(scenarioJsonSchema());

  it.each(files)('%s validates, for portsim and for editors, with the population it says', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    expect(validate(parse(text))).toBe(true);
    const { scenario } = loadScenario(join(dir, file));
    const total = Number(/(\d[\d,]*) subscribers/.exec(scenario.title)?.[1]?.replaceAll(',', ''));
    const counts = Object.fromEntries(scenario.world.clientGroups.map((g) => [g.name, g.count]));
    expect(counts).toEqual({ consumer: total * 0.85, mobile: total * 0.1, business: total * 0.05 });
    expect(scenario.duration).toBe(7 * 86400);
    expect(scenario.fidelity).toMatchObject({ level: 'flows', packetSample: 0.001 });
    for (const g of scenario.world.clientGroups) expect(g.zombies).toMatchObject({ share: 0.005, bursts: { every: 86400, length: 7200 } });
  });

  it('isp-10k-week.yaml builds its world, without warnings', () => {
    const { scenario } = loadScenario(join(dir, 'isp-10k-week.yaml'));
    const world = buildWorld(new Simulation(), scenario, scenario.seed, nothing);
    expect(world.warnings).toEqual([]);
    expect([...world.groups.values()].map((g) => [g.spec.name, g.clients.length, g.zombies])).toEqual([
      ['consumer', 8500, 43],
      ['mobile', 1000, 5],
      ['business', 500, 3],
    ]);
  });
});
