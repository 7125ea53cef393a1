import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';

// Scenarios as golden tests: every bundled scenario runs, in every variant, and meets the
// expectations its author wrote from the real incident.
const dir = 'scenarios';
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe.each(files)('%s', (file) => {
  const loaded = loadScenario(join(dir, file));
  const runs = [undefined, ...loaded.variants.keys()];
  it.each(runs.map((v) => [v ?? 'base', v]))('meets its expectations (%s)', (_label, variant) => {
    const { report } = runScenario(loaded, variant === undefined ? {} : { variant });
    const failed = report.expectations.filter((x) => !x.passed).map((x) => `${x.text} (measured ${x.actualText})`);
    expect(failed).toEqual([]);
    expect(report.groups.reduce((n, g) => n + g.sent, 0)).toBeGreaterThan(0);
  });
});

it('bundles a scenario for each seed incident', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      'lime-stlucia-port25.yaml',
      'tmobile-uk-smtps-resets.yaml',
      'bt-internet-throttle.yaml',
      'gmail-starttls-failure.yaml',
      'pobox-alternate-ports.yaml',
      'tmobile-uk-vpn-contracts.yaml',
      'bravo-roaming-office.yaml',
    ]),
  );
});
