import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';

const SMALL = 'test/whatif/fixtures/small-isp.yaml';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(
    args,
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}

function expectUserError(r: { code: number; err: string }, message: string | RegExp): void {
  expect(r.code).toBe(2);
  if (typeof message === 'string') expect(r.err).toContain(message);
  else expect(r.err).toMatch(message);
  expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
}

describe('portsim compare with bad input', () => {
  it('names an unknown variant, with the closest one', async () => {
    expectUserError(await cli('compare', SMALL, '--variants', 'base,no-blok'), `${SMALL}: unknown variant 'no-blok' — did you mean 'no-block'?`);
  });

  it('refuses a variant named twice, a lone variant, and zero seeds', async () => {
    expectUserError(await cli('compare', SMALL, '--variants', 'base,same,base'), "variant 'base' is named twice");
    expectUserError(await cli('compare', SMALL, '--variants', 'reset'), 'a comparison needs at least two variants');
    expectUserError(await cli('compare', SMALL, '--seeds', '0'), '--seeds is a whole number from 1 to 10000');
  });

  it('reports an unreadable scenario as file: problem', async () => {
    expectUserError(await cli('compare', 'test/whatif/fixtures/nothing-here.yaml'), 'cannot read test/whatif/fixtures/nothing-here.yaml: no such file');
  });
});

describe('portsim sweep with bad input', () => {
  it('names a misspelt item of a path, with the closest name', async () => {
    expectUserError(
      await cli('sweep', SMALL, '--set', 'world.servers[smtp.esp.exmple].limits.perIp.limit=10/day'),
      "world.servers has no item named 'smtp.esp.exmple' — did you mean 'smtp.esp.example'?",
    );
    expectUserError(await cli('sweep', SMALL, '--set', 'world.clientGroup.zombies.count=2'), "world: unknown key 'clientGroup' — did you mean 'clientGroups'?");
  });

  it('names a misspelt key at the end of a path through the scenario\'s own check', async () => {
    expectUserError(
      await cli('sweep', SMALL, '--set', 'world.servers[smtp.esp.example].limits.perIp.limt=10/day'),
      "--set world.servers[smtp.esp.example].limits.perIp.limt=10/day: world.servers[1].limits.perIp: unknown key 'limt' — did you mean 'limit'?",
    );
  });

  it('locates a bad value at its --set', async () => {
    expectUserError(
      await cli('sweep', SMALL, '--set', 'world.servers[smtp.esp.example].limits.perIp.limit=10/day,10/dya'),
      /^--set world\.servers\[smtp\.esp\.example\]\.limits\.perIp\.limit=10\/dya: world\.servers\[1\]\.limits\.perIp\.limit: invalid rate "10\/dya"/,
    );
    expectUserError(await cli('sweep', SMALL, '--set', 'world.clientGroups.zombies.count=1..5 step 0'), 'has a step of 0');
    expectUserError(await cli('sweep', SMALL, '--set', 'world.clientGroups.zombies.count'), 'expected PATH=VALUES');
  });

  it('needs something to sweep, and --out to resume', async () => {
    expectUserError(await cli('sweep', SMALL), 'nothing to sweep');
    expectUserError(await cli('sweep', SMALL, '--set', 'world.clientGroups.zombies.count=1', '--resume'), '--resume carries on from the rows of --out FILE');
    expectUserError(await cli('sweep', SMALL, '--set', 'world.clientGroups.zombies.count=1', '--variant', 'rest'), "unknown variant 'rest' — did you mean 'reset'?");
  });
});
